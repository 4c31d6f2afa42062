using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Jnt.Consent.Server.Security;

/// <summary>
/// A credential is checked when a call starts; a stream can run for hours. Each streaming call with
/// an API key asks the key store again, at most once a second, as messages are read or written, and
/// ends with UNAUTHENTICATED once the key is revoked: within a second on the silo that revoked it,
/// and within the store's refresh interval (5 s) plus a second on the others.
/// </summary>
public sealed class StreamRevocationInterceptor(ApiKeyStore keys, TimeProvider time) : Interceptor
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        Guard(context) is { } guard ? continuation(new Reader<TRequest>(requestStream, guard), context) : continuation(requestStream, context);

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        Guard(context) is { } guard ? continuation(request, new Writer<TResponse>(responseStream, guard), context) : continuation(request, responseStream, context);

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        Guard(context) is { } guard
            ? continuation(new Reader<TRequest>(requestStream, guard), new Writer<TResponse>(responseStream, guard), context)
            : continuation(requestStream, responseStream, context);

    private KeyGuard? Guard(ServerCallContext context) =>
        context.GetHttpContext().User.FindFirst("key_id")?.Value is { } keyId ? new KeyGuard(keys, keyId, time, context.CancellationToken) : null;

    private sealed class KeyGuard(ApiKeyStore keys, string keyId, TimeProvider time, CancellationToken cancellationToken)
    {
        private long checkedAt = time.GetTimestamp();

        public async ValueTask EnsureActiveAsync()
        {
            if (time.GetElapsedTime(Volatile.Read(ref checkedAt)) < CheckInterval)
            {
                return;
            }
            Volatile.Write(ref checkedAt, time.GetTimestamp());
            bool active;
            try
            {
                active = await keys.IsActiveAsync(keyId, cancellationToken);
            }
            catch (Exception ex) when (Storage.StorageFailures.Classify(ex) is not null)
            {
                // The key table cannot be read, so no revocation can have been written either:
                // the stream goes on (checks are answered from the cache meanwhile).
                return;
            }
            if (!active)
            {
                throw new RpcException(new Status(StatusCode.Unauthenticated, "the API key was revoked; the stream is ended"));
            }
        }
    }

    private sealed class Reader<T>(IAsyncStreamReader<T> inner, KeyGuard guard) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var more = await inner.MoveNext(cancellationToken);
            await guard.EnsureActiveAsync();
            return more;
        }
    }

    private sealed class Writer<T>(IServerStreamWriter<T> inner, KeyGuard guard) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public async Task WriteAsync(T message)
        {
            await guard.EnsureActiveAsync();
            await inner.WriteAsync(message);
        }

        // The interface's default for this overload refuses a cancellable token.
        public async Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            await guard.EnsureActiveAsync();
            await inner.WriteAsync(message, cancellationToken);
        }
    }
}
