using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jnt.Consent.Server.Tests.Infrastructure;

/// <summary>
/// Plain HTTP/1.1 JSON calls to a gateway's Web endpoint, as curl makes them: no gRPC client, no
/// generated types, the JSON written out by hand.
/// </summary>
public sealed class JsonHttp(GatewayProcess gateway) : IDisposable
{
    private readonly HttpClient http = new() { DefaultRequestVersion = HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

    public sealed record Reply(HttpStatusCode Status, Version Version, JsonNode? Body, string Text);

    /// <summary>A request with the key of <paramref name="role"/> in x-api-key (null: no credential).</summary>
    public Task<Reply> SendAsync(HttpMethod method, string path, string? role, string? json = null) =>
        SendAsync(method, path, json, request =>
        {
            if (role is not null)
            {
                request.Headers.Add("x-api-key", role == "admin" ? gateway.AdminKey : gateway.Keys[role]);
            }
        });

    public async Task<Reply> SendAsync(HttpMethod method, string path, string? json, Action<HttpRequestMessage> authorize)
    {
        ArgumentNullException.ThrowIfNull(authorize);
        using var request = new HttpRequestMessage(method, new Uri(gateway.WebAddress, path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        authorize(request);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? body = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0)
        {
            body = JsonNode.Parse(text);
        }
        return new Reply(response.StatusCode, response.Version, body, text);
    }

    /// <summary>The fields named by the google.rpc.BadRequest details of an error body.</summary>
    public static IReadOnlyList<string> ViolatedFields(Reply reply) =>
        reply.Body?["details"]?.AsArray()
            .Where(d => d?["@type"]?.GetValue<string>() == "type.googleapis.com/google.rpc.BadRequest")
            .SelectMany(d => d!["fieldViolations"]!.AsArray().Select(v => v!["field"]!.GetValue<string>()))
            .ToList() ?? [];

    public static string ToJson(object value) => JsonSerializer.Serialize(value);

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public void Dispose() => http.Dispose();
}
