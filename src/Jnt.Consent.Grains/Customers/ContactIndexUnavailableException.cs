namespace Jnt.Consent.Grains.Customers;

/// <summary>The contact index could not be updated: the (durable) write is not acknowledged, and
/// the API answers UNAVAILABLE so the caller retries.</summary>
[GenerateSerializer, Alias("jnt.consent.ContactIndexUnavailable")]
public sealed class ContactIndexUnavailableException : OrleansException
{
    public ContactIndexUnavailableException()
        : base("The contact index could not be updated; the change is stored, retry with the same idempotency key.")
    {
    }

    public ContactIndexUnavailableException(string message)
        : base(message)
    {
    }

    public ContactIndexUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
