using System.Text.Json;
using Jnt.Consent.Server.Rights;
using Jnt.Consent.Server.Web;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http.Features;

namespace Jnt.Consent.Server.Http;

/// <summary>
/// Body size limits of the HTTP/1.1 endpoints (docs/errors.md): an HTTP/JSON request carries one
/// message, so it has the gRPC message limit; a form (the console's pages, one-click unsubscribe)
/// is small. Kestrel's default (30 MB) would otherwise let a JSON request through, and a large form
/// failed inside the form reader as an unhandled exception (500). A body over its limit is refused
/// with 413 before or while it is read; nothing is applied.
/// </summary>
public static partial class RequestBodyLimits
{
    /// <summary>An HTTP/JSON request: the same 1 MiB as a gRPC message.</summary>
    public const long JsonBodyBytes = 1024 * 1024;

    /// <summary>A form: far more than any form the gateway serves holds.</summary>
    public const long FormBodyBytes = 64 * 1024;

    public static WebApplication UseRequestBodyLimits(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestBodyLimits));
        app.Use((context, next) => LimitAsync(context, next, logger));
        return app;
    }

    private static async Task LimitAsync(HttpContext context, RequestDelegate next, ILogger logger)
    {
        var json = context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not null;
        long? limit = json ? JsonBodyBytes : IsFormPath(context.Request.Path) ? FormBodyBytes : null;
        if (limit is not { } bytes)
        {
            await next(context);
            return;
        }
        if (context.Request.ContentLength > bytes)
        {
            await RefuseAsync(context, logger, StatusCodes.Status413PayloadTooLarge, json, bytes);
            return;
        }
        // A body without a length (chunked) is cut off at the limit while it is read.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = bytes;
        }
        try
        {
            await next(context);
        }
        catch (Exception ex) when (StatusFor(ex) is { } status && !context.Response.HasStarted)
        {
            context.Response.Clear();
            await RefuseAsync(context, logger, status, json, bytes);
        }
    }

    private static bool IsFormPath(PathString path) =>
        path.StartsWithSegments(WebConsole.Root) || path.StartsWithSegments(OneClickUnsubscribe.Path);

    /// <summary>413 for a body over the limit; 400 for a form the form reader cannot take (too many
    /// fields, a key too long, malformed). The antiforgery check wraps the form reader's exception.</summary>
    private static int? StatusFor(Exception ex) => ex switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        InvalidDataException => StatusCodes.Status400BadRequest,
        _ => ex.InnerException is { } inner ? StatusFor(inner) : null,
    };

    private static async Task RefuseAsync(HttpContext context, ILogger logger, int status, bool json, long limit)
    {
        var under = FirstSegment(context.Request.Path);
        LogRefused(logger, under, status);
        context.Response.StatusCode = status;
        // The connection may still carry an unread body: do not reuse it.
        context.Response.Headers.Connection = "close";
        var tooLarge = status == StatusCodes.Status413PayloadTooLarge;
        if (json)
        {
            // google.rpc.Status, as every HTTP/JSON error body: RESOURCE_EXHAUSTED as over gRPC, or
            // INVALID_ARGUMENT for a body that could not be read.
            context.Response.ContentType = "application/json";
            var body = JsonSerializer.Serialize(new
            {
                code = tooLarge ? 8 : 3,
                message = tooLarge ? $"the request body is larger than {limit / 1024} KiB" : "the request body could not be read",
                details = Array.Empty<object>(),
            });
            await context.Response.WriteAsync(body);
            return;
        }
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(tooLarge
            ? "Pyyntö on liian suuri. / Begäran är för stor. / The request is too large."
            : "Pyyntöä ei voitu lukea. / Begäran kunde inte läsas. / The request could not be read.");
    }

    /// <summary>Only "/v1", "/web" or "/unsubscribe": the rest of a path can hold a customer id or a token.</summary>
    private static string FirstSegment(PathString path)
    {
        var value = path.Value ?? "";
        var end = value.IndexOf('/', 1);
        return end < 0 ? value : value[..end];
    }

    // Information: a refused request is the client's mistake (or an attack), not the gateway's fault.
    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Request body refused under {Path}: {Status}")]
    private static partial void LogRefused(ILogger logger, string path, int status);
}
