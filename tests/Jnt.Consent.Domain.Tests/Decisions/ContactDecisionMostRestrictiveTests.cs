using Jnt.Consent.Domain.Decisions;

namespace Jnt.Consent.Domain.Tests.Decisions;

/// <summary>Combining decisions for a contact point several customers share.</summary>
public sealed class ContactDecisionMostRestrictiveTests
{
    private static readonly ContactDecision CustomerRelationship = Allowed(DecisionReason.CustomerRelationshipExempt, 1);
    private static readonly ContactDecision Objection = Suppressed(DecisionReason.Objection, 2);
    private static readonly ContactDecision Listed = Suppressed(DecisionReason.ExternalProhibition, 3);
    private static readonly ContactDecision Consent = Allowed(DecisionReason.Consent, 4);
    private static readonly ContactDecision NoConsent = Suppressed(DecisionReason.NoConsent, 6);
    private static readonly ContactDecision OptOutChannel = Allowed(DecisionReason.OptOutChannel, 8);
    private static readonly ContactDecision MobileRestricted = Suppressed(DecisionReason.MobileSubscriptionTelesalesRestricted, 8);
    private static readonly ContactDecision UnknownCustomer = Suppressed(DecisionReason.UnknownCustomer, 10);
    private static readonly ContactDecision UnknownContact = Suppressed(DecisionReason.UnknownContact, 10);

    [Fact]
    public void One_suppression_outweighs_any_number_of_allowed_decisions() =>
        Assert.Same(NoConsent, ContactDecision.MostRestrictive([CustomerRelationship, Consent, NoConsent, OptOutChannel]));

    [Fact]
    public void Among_suppressions_the_lowest_row_wins() =>
        Assert.Same(Objection, ContactDecision.MostRestrictive([UnknownContact, NoConsent, Objection, Listed, Consent]));

    [Fact]
    public void When_all_are_allowed_the_lowest_row_wins() =>
        Assert.Same(Consent, ContactDecision.MostRestrictive([OptOutChannel, Consent]));

    [Fact]
    public void A_suppression_wins_over_an_allowed_decision_on_the_same_row() =>
        Assert.Same(MobileRestricted, ContactDecision.MostRestrictive([OptOutChannel, MobileRestricted]));

    [Fact]
    public void The_answer_does_not_depend_on_the_order_of_the_decisions()
    {
        ContactDecision[] decisions = [UnknownContact, UnknownCustomer, NoConsent, MobileRestricted, OptOutChannel, Consent];

        foreach (var permutation in Permutations(decisions))
        {
            Assert.Same(NoConsent, ContactDecision.MostRestrictive(permutation));
        }

        // Same row: the lower reason code wins, whichever comes first.
        foreach (var permutation in Permutations([UnknownContact, UnknownCustomer, OptOutChannel]))
        {
            Assert.Same(UnknownCustomer, ContactDecision.MostRestrictive(permutation));
        }
    }

    [Fact]
    public void A_single_decision_is_its_own_answer() =>
        Assert.Same(OptOutChannel, ContactDecision.MostRestrictive([OptOutChannel]));

    [Fact]
    public void No_decisions_is_an_error_not_an_allowed_contact() =>
        Assert.Throws<ArgumentException>(() => ContactDecision.MostRestrictive([]));

    [Fact]
    public void A_null_list_or_a_null_decision_is_an_error()
    {
        Assert.Throws<ArgumentNullException>(() => ContactDecision.MostRestrictive(null!));
        Assert.Throws<ArgumentException>(() => ContactDecision.MostRestrictive([Consent, null!]));
    }

    private static ContactDecision Allowed(DecisionReason reason, int row) => new(true, reason, PolicyVersion.Current, row);

    private static ContactDecision Suppressed(DecisionReason reason, int row) => new(false, reason, PolicyVersion.Current, row);

    private static IEnumerable<ContactDecision[]> Permutations(ContactDecision[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }

        for (var i = 0; i < items.Length; i++)
        {
            var rest = items.Where((_, index) => index != i).ToArray();
            foreach (var tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }
}
