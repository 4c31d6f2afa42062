using Google.Rpc;
using Grpc.Core;

namespace Jnt.Consent.Server.Tests.Infrastructure;

public static class RpcErrors
{
    /// <summary>The fields named in the error's google.rpc.BadRequest details.</summary>
    public static IReadOnlyList<string> ViolatedFields(this RpcException error)
    {
        var status = error.GetRpcStatus();
        var badRequest = status?.GetDetail<BadRequest>();
        return badRequest?.FieldViolations.Select(v => v.Field).ToList() ?? [];
    }
}
