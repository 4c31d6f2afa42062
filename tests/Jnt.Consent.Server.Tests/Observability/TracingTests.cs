using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Observability;

/// <summary>
/// Traces go to an OTLP collector only when one is configured, and carry routes and grain methods,
/// never customer ids or contact points. The collector here is a plain HTTP listener that keeps
/// what the gateway posts (OTLP/HTTP protobuf: attribute strings are readable in the bytes).
/// </summary>
public sealed class TracingTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly HttpListener listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> received = new();
    private readonly SemaphoreSlim arrived = new(0);

    public TracingTests()
    {
        Port = GatewayProcess.FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        _ = Task.Run(ReceiveAsync);
    }

    private int Port { get; }

    public void Dispose()
    {
        listener.Close();
        arrived.Dispose();
        directory.Dispose();
    }

    private async Task ReceiveAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
            arrived.Release();
        }
    }

    private string Traces() => string.Concat(received.Where(r => r.Path == "/v1/traces").Select(r => Encoding.UTF8.GetString(r.Body)));

    /// <summary>Waits until the exported traces contain every one of <paramref name="texts"/>.</summary>
    private async Task<string> WaitForTracesAsync(TimeSpan timeout, params string[] texts)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!texts.All(Traces().Contains))
        {
            try
            {
                await arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No trace with {string.Join(", ", texts)} within {timeout}; received {received.Count} posts to {string.Join(", ", received.Select(r => r.Path).Distinct())}");
            }
        }
        return Traces();
    }

    [Fact]
    public async Task Traces_of_json_grpc_and_grain_calls_are_exported_without_customer_ids_or_contact_points()
    {
        await using var gateway = await GatewayProcess.StartAsync(directory.Path,
            $"--OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:{Port}", "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
            "--OTEL_BSP_SCHEDULE_DELAY=200", "--OTEL_BLRP_SCHEDULE_DELAY=200");
        using var http = new JsonHttp(gateway);
        var id = NewCustomerId();
        var email = NewEmail();

        await gateway.Customers.UpsertCustomerAsync(Consumer(id, email));
        var read = await http.SendAsync(HttpMethod.Get, $"/v1/customers/{id}?access_reason=customer%20called", "service");
        await gateway.Suppression.CheckAsync(CheckEmail(email, Channel.Email, Purpose.DirectAdvertising));
        var traces = await WaitForTracesAsync(TimeSpan.FromSeconds(60),
            "/v1/customers/{customer_id}", "jnt.consent.v1.SuppressionService/Check", "ICustomerGrain");

        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.DoesNotContain(id, traces, StringComparison.Ordinal);
        Assert.DoesNotContain(email, traces, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("customer called", traces, StringComparison.Ordinal);
        // Nor the contact points' keyed hashes, which name grains too.
        Assert.DoesNotContain("contactpoint/", traces, StringComparison.Ordinal);
    }
}
