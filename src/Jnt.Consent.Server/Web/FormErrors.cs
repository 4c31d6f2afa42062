using Google.Rpc;
using Grpc.Core;

namespace Jnt.Consent.Server.Web;

/// <summary>Problems with a submitted form, by form field, to show next to each field.</summary>
public sealed class FormErrors
{
    private readonly Dictionary<string, string> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    public string? this[string field] => errors.GetValueOrDefault(field);

    /// <summary>Every problem, in the order found.</summary>
    public IEnumerable<KeyValuePair<string, string>> All => errors;

    public void Add(string field, string message)
    {
        // The first problem of a field is the one to fix first.
        errors.TryAdd(field, message);
    }

    /// <summary>
    /// Takes the field violations of the API layer's validation (the same RequestReader the gRPC
    /// API uses) and files each under the form field that <paramref name="toFormField"/> names.
    /// </summary>
    public void AddFrom(RpcException exception, Func<string, string> toFormField, string fallbackField)
    {
        var violations = exception.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations;
        if (violations is null || violations.Count == 0)
        {
            Add(fallbackField, exception.Status.Detail);
            return;
        }
        foreach (var violation in violations)
        {
            Add(toFormField(violation.Field), violation.Description);
        }
    }
}
