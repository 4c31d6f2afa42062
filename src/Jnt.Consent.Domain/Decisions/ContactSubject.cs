namespace Jnt.Consent.Domain.Decisions;

/// <summary>Who the contact point belongs to, as far as the register knows.</summary>
public enum ContactSubject
{
    /// <summary>A customer in the register; their group is known.</summary>
    KnownCustomer = 1,

    /// <summary>The caller named a customer id the register does not hold.</summary>
    UnknownCustomerId = 2,

    /// <summary>An email or phone number that belongs to no customer (e.g. a bought list or a prospect).</summary>
    UnlinkedContactPoint = 3,
}
