using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Security;

/// <summary>
/// Bodies over their limit (docs/errors.md) and bytes that are not a message: a clear refusal,
/// nothing applied, and nothing logged as an error of the gateway's.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class RequestLimitTests(GatewayFixture fixture) : IDisposable
{
    private const int TenMegabytes = 10 * 1024 * 1024;
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);
    private readonly HttpClient http = new();

    private GatewayProcess Gateway => fixture.Gateway;

    public void Dispose() => http.Dispose();

    /// <summary>Error-level lines so far ("fail:" and "crit:" in the console log).</summary>
    private int Errors() => Gateway.CountOutput(" fail: ") + Gateway.CountOutput(" crit: ");

    private static byte[] FormBody(int bytes) => Encoding.ASCII.GetBytes("List-Unsubscribe=One-Click&padding=" + new string('a', bytes));

    /// <summary>
    /// POSTs <paramref name="body"/> with a declared length, or chunked (no length: the gateway only
    /// learns the size while reading), and returns the status and body of the answer. Chunked goes
    /// over a raw connection, as curl sends it: the gateway answers once the limit is reached and
    /// stops reading, and HttpClient would report the unsent rest as a broken pipe instead of the answer.
    /// </summary>
    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string contentType, byte[] body, bool chunked, string? apiKey = null)
    {
        if (!chunked)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Gateway.WebAddress, path)) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
            if (apiKey is not null)
            {
                request.Headers.Add("x-api-key", apiKey);
            }
            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(Gateway.WebAddress.Host, Gateway.WebAddress.Port);
        var stream = client.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {Gateway.WebAddress.Authority}\r\nContent-Type: {contentType}\r\nTransfer-Encoding: chunked\r\n"
            + (apiKey is null ? "" : $"x-api-key: {apiKey}\r\n") + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        try
        {
            foreach (var chunk in body.Chunk(16 * 1024))
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n"));
                await stream.WriteAsync(chunk);
                await stream.WriteAsync("\r\n"u8.ToArray());
            }
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        }
        catch (IOException)
        {
            // The gateway closed the connection after answering: the answer is waiting to be read.
        }
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var status = (HttpStatusCode)int.Parse(answer.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_ten_megabyte_form_to_an_anonymous_page_is_413_and_records_nothing(bool chunked)
    {
        var id = NewCustomerId();
        await Gateway.Customers.UpsertCustomerAsync(Consumer(id));
        var link = await new UnsubscribeService.UnsubscribeServiceClient(Gateway.As("campaign")).CreateUnsubscribeTokenAsync(
            new CreateUnsubscribeTokenRequest { CustomerId = id, Purposes = { Purpose.DirectAdvertising }, Channel = Channel.Post });
        var errorsBefore = Errors();

        var unsubscribe = await PostAsync(link.Path, "application/x-www-form-urlencoded", FormBody(TenMegabytes), chunked);
        var login = await PostAsync("/web/login", "application/x-www-form-urlencoded", FormBody(TenMegabytes), chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, unsubscribe.Status);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, login.Status);
        Assert.Equal(errorsBefore, Errors());
        var customer = await Gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" });
        Assert.Equal(1, customer.Version);
    }

    [Fact]
    public async Task A_json_body_over_one_mebibyte_is_refused_and_one_under_it_is_answered()
    {
        using var json = new JsonHttp(Gateway);
        var id = NewCustomerId();
        await Gateway.Customers.UpsertCustomerAsync(Consumer(id));
        // Whitespace is valid JSON: the same check, padded to either side of 1 MiB.
        string Padded(int bytes) => "{\"customer_id\":\"" + id + "\",\"channel\":\"CHANNEL_POST\",\"purpose\":\"PURPOSE_DIRECT_ADVERTISING\"" + new string(' ', bytes) + "}";

        var under = await json.SendAsync(HttpMethod.Post, "/v1/checks", "campaign", Padded(1024 * 1024 - 1024));
        var over = await json.SendAsync(HttpMethod.Post, "/v1/checks", "campaign", Padded(2 * 1024 * 1024));
        var chunked = await PostAsync("/v1/checks", "application/json", Encoding.UTF8.GetBytes(Padded(2 * 1024 * 1024)), chunked: true, Gateway.Keys["campaign"]);
        // The answer of a closing connection: read to its end, its body may be sent in chunks.
        var chunkedBody = JsonNode.Parse(Dechunk(chunked.Body))!;

        Assert.Equal(HttpStatusCode.OK, under.Status);
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, 8), (over.Status, over.Body!["code"]!.GetValue<int>()));
        // Without a declared length the body is cut off at the limit while it is read.
        Assert.Equal((HttpStatusCode.BadRequest, 3), (chunked.Status, chunkedBody["code"]!.GetValue<int>()));
    }

    public static TheoryData<string, byte[]> Garbage => new()
    {
        { "tag zero", [0x00] },
        { "truncated field", [0x0A, 0x05, 0x41] },
        { "endless varint", [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task Bytes_that_are_not_a_protobuf_message_are_invalid_argument(string kind, byte[] garbage)
    {
        var unary = new Method<byte[], byte[]>(MethodType.Unary, "jnt.consent.v1.SuppressionService", "Check", Bytes, Bytes);
        var batch = new Method<byte[], byte[]>(MethodType.DuplexStreaming, "jnt.consent.v1.SuppressionService", "CheckBatch", Bytes, Bytes);
        var invoker = Gateway.As("campaign");
        var errorsBefore = Errors();

        var check = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(unary, null, new CallOptions(), garbage).ResponseAsync);
        using var stream = invoker.AsyncDuplexStreamingCall(batch, null, new CallOptions());
        await stream.RequestStream.WriteAsync(garbage);
        await stream.RequestStream.CompleteAsync();
        var inBatch = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext());

        Assert.True(check.StatusCode == StatusCode.InvalidArgument, $"{kind}: {check.Status}");
        Assert.True(inBatch.StatusCode == StatusCode.InvalidArgument, $"{kind} in a batch: {inBatch.Status}");
        Assert.Equal(errorsBefore, Errors());
    }

    /// <summary>The JSON inside a possibly chunked HTTP/1.1 body.</summary>
    private static string Dechunk(string body) => body[body.IndexOf('{', StringComparison.Ordinal)..(body.LastIndexOf('}') + 1)];
}
