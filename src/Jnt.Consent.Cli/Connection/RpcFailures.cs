using System.Net.Sockets;
using Google.Rpc;
using Grpc.Core;

namespace Jnt.Consent.Cli.Connection;

/// <summary>Turns a gRPC failure into a message a person can act on, and the documented exit code.</summary>
public static class RpcFailures
{
    public static int ExitCode(RpcException error) => error.StatusCode switch
    {
        StatusCode.InvalidArgument or StatusCode.OutOfRange => ExitCodes.Usage,
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => ExitCodes.AuthFailed,
        StatusCode.Unavailable => ExitCodes.Unavailable,
        StatusCode.NotFound => ExitCodes.NotFound,
        StatusCode.FailedPrecondition or StatusCode.AlreadyExists or StatusCode.Aborted => ExitCodes.Conflict,
        StatusCode.Cancelled when error.InnerException is not null => ExitCodes.Unavailable,
        _ => ExitCodes.ServerError,
    };

    public static string Describe(RpcException error, string? address = null, string? role = null)
    {
        var fields = FieldViolations(error);
        return error.StatusCode switch
        {
            StatusCode.Unauthenticated => "the gateway did not accept the credential: give an API key with --api-key, "
                + $"{ClientSettings.ApiKeyVariable} or the config file",
            StatusCode.PermissionDenied => role is null
                ? "the credential's role may not do this"
                : $"the credential's role may not do this: it needs a key of the {role} role",
            StatusCode.Unavailable => $"the gateway at {address ?? "the given address"} is unavailable: {Cause(error)}"
                + (error.Data[KeyData] is string key
                    ? $" (after 4 attempts); to retry safely, run the same command again with --idempotency-key {key}"
                    : ""),
            StatusCode.InvalidArgument when fields.Count > 0 => "the gateway rejected the request: "
                + string.Join("; ", fields.Select(f => $"{f.Field}: {f.Description}")),
            _ => $"{error.StatusCode}: {error.Status.Detail}",
        };
    }

    private const string KeyData = "jnt.idempotency_key";

    /// <summary>Runs a write; if it fails UNAVAILABLE, its error names the idempotency key it was sent
    /// with, so the person can repeat it safely (the outcome may be unknown).</summary>
    public static async Task<T> NamingKey<T>(string idempotencyKey, Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
        {
            e.Data[KeyData] = idempotencyKey;
            throw;
        }
    }

    public static IReadOnlyList<(string Field, string Description)> FieldViolations(RpcException error)
    {
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        return badRequest is null ? [] : [.. badRequest.FieldViolations.Select(v => (v.Field, v.Description))];
    }

    private static string Cause(RpcException error)
    {
        for (Exception? e = error.Status.DebugException ?? error.InnerException; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.Message;
            }
        }
        return string.IsNullOrEmpty(error.Status.Detail) ? "no answer" : error.Status.Detail;
    }
}
