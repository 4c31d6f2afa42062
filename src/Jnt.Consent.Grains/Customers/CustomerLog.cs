using Microsoft.Extensions.Logging;

namespace Jnt.Consent.Grains.Customers;

/// <summary>Log lines of the customer grain. They name versions and outcomes, never personal data
/// (a customer id is a pseudonym, but it is still kept out of logs).</summary>
internal static partial class CustomerLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Persisting customer state failed; the change was not acknowledged and the activation reloads from storage")]
    public static partial void PersistFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "Updating the contact index failed; it is retried on the next write or activation")]
    public static partial void ContactIndexFailed(ILogger logger, Exception exception);
}
