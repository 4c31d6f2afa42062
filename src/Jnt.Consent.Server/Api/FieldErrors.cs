using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Jnt.Consent.Server.Api;

/// <summary>
/// Collects every problem with a request before anything is applied, then fails it as one
/// INVALID_ARGUMENT naming each field (in the message and as google.rpc.BadRequest details).
/// Descriptions say what is wrong, never echo the value: it may be personal data.
/// </summary>
public sealed class FieldErrors
{
    private readonly List<BadRequest.Types.FieldViolation> violations = [];

    public bool HasErrors => violations.Count > 0;

    public IReadOnlyList<BadRequest.Types.FieldViolation> Violations => violations;

    public void Add(string field, string description) =>
        violations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });

    public void ThrowIfAny()
    {
        if (HasErrors)
        {
            throw ToException();
        }
    }

    public RpcException ToException()
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")),
        };
        status.Details.Add(Any.Pack(new BadRequest { FieldViolations = { violations } }));
        return status.ToRpcException();
    }

    /// <summary>The first problem, for a batch item's error answer.</summary>
    public Jnt.Consent.Api.V1.ItemError FirstAsItemError() =>
        new() { Field = violations[0].Field, Description = violations[0].Description };

    public static RpcException ForField(string field, string description)
    {
        var errors = new FieldErrors();
        errors.Add(field, description);
        return errors.ToException();
    }
}
