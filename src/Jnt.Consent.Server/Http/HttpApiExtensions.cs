using Microsoft.OpenApi.Models;

namespace Jnt.Consent.Server.Http;

/// <summary>
/// HTTP/JSON beside gRPC: the routes annotated in the protos (google.api.http) are served as JSON by
/// the same service classes, so authentication, roles, the interceptors (rate limit, storage
/// failures) and validation are the same; an error status becomes its HTTP status (INVALID_ARGUMENT
/// is 400) with a google.rpc.Status body naming the field. Client- and bidirectional-streaming RPCs
/// (CheckBatch, ImportProhibitionList) have no JSON form. The OpenAPI document of the routes is
/// served at /openapi/v1.json to any authenticated caller.
/// </summary>
public static class HttpApiExtensions
{
    public const string OpenApiPath = "/openapi/{documentName}.json";

    public static WebApplicationBuilder AddGatewayHttpApi(this WebApplicationBuilder builder)
    {
        // BadRequest and ErrorInfo in the registry: an error body carries the fields at fault, or
        // what is known of a failed write's outcome, as google.rpc details.
        builder.Services.AddGrpc().AddJsonTranscoding(json => json.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromMessages(
            Google.Rpc.BadRequest.Descriptor, Google.Rpc.ErrorInfo.Descriptor));
        builder.Services.AddGrpcSwagger();
        builder.Services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Jnt.Consent",
                Version = "v1",
                Description = "Marketing consent and suppression gateway: the HTTP/JSON form of the gRPC API (protos/jnt/consent/v1).",
            });
            var apiKey = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = Security.ApiKeyAuthenticationHandler.Header,
                Description = "An API key (jnt_…); or Authorization: Bearer <JWT> when the gateway trusts an identity provider.",
                Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "apiKey" },
            };
            swagger.AddSecurityDefinition("apiKey", apiKey);
            swagger.AddSecurityRequirement(new OpenApiSecurityRequirement { [apiKey] = [] });
        });
        return builder;
    }

    public static WebApplication MapGatewayHttpApi(this WebApplication app)
    {
        // An endpoint, not middleware: the fallback policy (a credential is required) applies.
        app.MapSwagger(OpenApiPath);
        return app;
    }
}
