using System.Data.Common;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Jnt.Consent.Server.Api;

/// <summary>
/// A write that storage did not take is UNAVAILABLE (retry later; nothing was recorded), not an
/// opaque UNKNOWN. Messages stay generic: exception text may carry SQL or values.
/// </summary>
public sealed partial class StorageFailureInterceptor(ILogger<StorageFailureInterceptor> logger) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        Translate(context, () => continuation(request, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        Translate(context, () => continuation(requestStream, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        Translate(context, async () =>
        {
            await continuation(request, responseStream, context);
            return true;
        });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        Translate(context, async () =>
        {
            await continuation(requestStream, responseStream, context);
            return true;
        });

    private async Task<T> Translate<T>(ServerCallContext context, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException)
        {
            throw;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled"));
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            LogUnavailable(logger, context.Method, ex.GetType().Name);
            throw new RpcException(new Status(StatusCode.Unavailable, "storage is unavailable; nothing was recorded, retry later"));
        }
        catch (Exception ex)
        {
            LogInternal(logger, context.Method, ex.GetType().Name, ex.StackTrace ?? "");
            throw new RpcException(new Status(StatusCode.Internal, "internal error"));
        }
    }

    private static bool IsUnavailable(Exception ex) => ex switch
    {
        DbException or TimeoutException or OrleansException or SiloUnavailableException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsUnavailable),
        _ => ex.InnerException is { } inner && IsUnavailable(inner),
    };

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "{Method} failed: storage or cluster unavailable ({ExceptionType})")]
    private static partial void LogUnavailable(ILogger logger, string method, string exceptionType);

    // The type and stack trace, not the message: messages of storage and Orleans exceptions can
    // carry grain ids, and grain ids carry customer ids.
    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "{Method} failed unexpectedly: {ExceptionType} {StackTrace}")]
    private static partial void LogInternal(ILogger logger, string method, string exceptionType, string stackTrace);
}
