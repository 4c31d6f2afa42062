namespace Jnt.Consent.Server.Hosting;

internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Storage schema at version {Version} (was {Before})")]
    public static partial void SchemaReadyCore(ILogger logger, int version, int before);

    public static void SchemaReady(ILogger logger, int before, int after) => SchemaReadyCore(logger, after, before);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Jnt.Consent gateway ready on {Addresses}")]
    public static partial void Ready(ILogger logger, string addresses);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Seeded {Count} demo customers")]
    public static partial void Seeded(ILogger logger, int count);
}
