using Grpc.Core;
using Grpc.Core.Interceptors;
using Jnt.Consent.Grains.Storage;
using Jnt.Consent.Server.Storage;

namespace Jnt.Consent.Server.Api;

/// <summary>
/// A request that storage or the cluster could not serve is UNAVAILABLE with what is known of its
/// outcome (<see cref="UnavailableErrors"/>), never an opaque INTERNAL or UNKNOWN. Messages stay
/// generic: exception text may carry SQL or values.
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
        // This request's own scope: a failure after one of its writes landed is not "nothing recorded".
        var effects = DurableEffects.Begin();
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
        catch (Exception ex) when (StorageFailures.Classify(ex) is { } outcome)
        {
            if (effects.Occurred)
            {
                outcome = StorageOutcome.Unknown;
            }
            LogUnavailable(logger, context.Method, StorageFailures.CauseOf(ex), UnavailableErrors.Reason(outcome));
            throw UnavailableErrors.ToRpcException(outcome);
        }
        catch (Exception ex)
        {
            LogInternal(logger, context.Method, ex.GetType().Name, ex.StackTrace ?? "");
            throw new RpcException(new Status(StatusCode.Internal, "internal error"));
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "{Method} failed: storage or cluster unavailable ({ExceptionType}), {Outcome}")]
    private static partial void LogUnavailable(ILogger logger, string method, string exceptionType, string outcome);

    // The type and stack trace, not the message: messages of storage and Orleans exceptions can
    // carry grain ids, and grain ids carry customer ids.
    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "{Method} failed unexpectedly: {ExceptionType} {StackTrace}")]
    private static partial void LogInternal(ILogger logger, string method, string exceptionType, string stackTrace);
}
