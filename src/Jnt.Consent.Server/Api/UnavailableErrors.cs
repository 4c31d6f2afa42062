using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Jnt.Consent.Grains.Storage;

namespace Jnt.Consent.Server.Api;

/// <summary>
/// UNAVAILABLE for a request that storage or the cluster could not serve, with a
/// google.rpc.ErrorInfo that tells a program what it may assume (docs/errors.md): NOT_RECORDED
/// (certainly nothing recorded: retry later) or OUTCOME_UNKNOWN (it may have been recorded:
/// retry with the same idempotency key, which replays it if it was).
/// </summary>
public static class UnavailableErrors
{
    public const string Domain = "consent.jnt.fi";

    public const string NotRecorded = "NOT_RECORDED";

    public const string OutcomeUnknown = "OUTCOME_UNKNOWN";

    public static string Reason(StorageOutcome outcome) => outcome == StorageOutcome.NotRecorded ? NotRecorded : OutcomeUnknown;

    public static string Message(StorageOutcome outcome) => outcome == StorageOutcome.NotRecorded
        ? "storage is unavailable; nothing was recorded: retry later"
        : "storage is unavailable; the outcome is unknown: retry with the same idempotency key";

    public static RpcException ToRpcException(StorageOutcome outcome) => ToRpcException(outcome, Message(outcome));

    /// <summary>With a message of the caller's own, for a request whose retry is not simply "the same request again".</summary>
    public static RpcException ToRpcException(StorageOutcome outcome, string message)
    {
        var status = new Google.Rpc.Status { Code = (int)Code.Unavailable, Message = message };
        status.Details.Add(Any.Pack(new ErrorInfo { Reason = Reason(outcome), Domain = Domain }));
        return status.ToRpcException();
    }
}
