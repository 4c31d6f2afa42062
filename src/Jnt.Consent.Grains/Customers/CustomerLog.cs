using Microsoft.Extensions.Logging;

namespace Jnt.Consent.Grains.Customers;

/// <summary>Log lines of the customer grain. Exception types only: storage exception messages can
/// carry the grain id, which holds the customer id. They name versions and outcomes, never personal data
/// (a customer id is a pseudonym, but it is still kept out of logs).</summary>
internal static partial class CustomerLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Persisting customer state failed ({ExceptionType}); the change was not acknowledged and the activation reloads from storage")]
    public static partial void PersistFailed(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "Updating the contact index failed ({ExceptionType}); the write is not acknowledged until it succeeds")]
    public static partial void ContactIndexFailed(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning,
        Message = "Lifting an erasure suppression after a consent failed ({ExceptionType}); the suppression stays")]
    public static partial void ReleaseFailed(ILogger logger, string exceptionType);
}
