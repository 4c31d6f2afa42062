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
    /// API uses), files each under the form field that <paramref name="toFormField"/> names, and says
    /// it in the page's language (<see cref="ValidationMessages"/>). For a box of one value per line,
    /// <paramref name="lineOf"/> gives the line an API field such as "emails[2]" came from; every
    /// wrong line of the box is then named, not only the first.
    /// </summary>
    public void AddFrom(RpcException exception, UiLanguage l, Func<string, string> toFormField, string fallbackField, Func<string, int?>? lineOf = null)
    {
        var violations = exception.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations;
        if (violations is null || violations.Count == 0)
        {
            Add(fallbackField, ValidationMessages.Translate(exception.Status.Detail, l));
            return;
        }
        foreach (var violation in violations)
        {
            var field = toFormField(violation.Field);
            var line = lineOf?.Invoke(violation.Field);
            var message = ValidationMessages.Translate(violation.Description, l, line);
            if (line is not null && errors.TryGetValue(field, out var earlier))
            {
                errors[field] = earlier + " " + message;
            }
            else
            {
                Add(field, message);
            }
        }
    }
}
