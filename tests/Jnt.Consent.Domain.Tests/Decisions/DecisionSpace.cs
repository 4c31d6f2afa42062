using Jnt.Consent.Domain.Decisions;

namespace Jnt.Consent.Domain.Tests.Decisions;

/// <summary>
/// Every well-formed <see cref="DecisionFacts"/>: each purpose, channel and subject, a group exactly
/// when the customer is known, and both values of every flag. Built from the enums themselves, not
/// from the library's lists, so a shortened list in the library cannot shrink the test.
/// </summary>
internal static class DecisionSpace
{
    // 5 purposes × 5 channels × 4 subject/group pairs × 2^7 flags.
    public const int ExpectedCount = 5 * 5 * 4 * 128;

    private static readonly bool[] Both = [false, true];

    private static readonly (ContactSubject Subject, CustomerGroup? Group)[] Subjects =
    [
        (ContactSubject.KnownCustomer, CustomerGroup.Consumer),
        (ContactSubject.KnownCustomer, CustomerGroup.Business),
        (ContactSubject.UnknownCustomerId, null),
        (ContactSubject.UnlinkedContactPoint, null),
    ];

    public static IReadOnlyList<DecisionFacts> All { get; } = Build();

    /// <summary>
    /// Runs <paramref name="violation"/> on every combination and fails listing the first few that
    /// break the rule. The facts hold only flags, so printing them leaks no personal data.
    /// </summary>
    public static void AssertForAll(Func<DecisionFacts, ContactDecision, string?> violation)
    {
        Assert.Equal(ExpectedCount, All.Count);

        var failures = new List<string>();
        foreach (var facts in All)
        {
            var decision = ConsentDecisionTable.Decide(facts);
            var problem = violation(facts, decision);
            if (problem is not null)
            {
                failures.Add($"{problem}: {facts} -> {decision}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} combinations break the rule, e.g.:\n{string.Join('\n', failures.Take(10))}");
    }

    private static List<DecisionFacts> Build()
    {
        var all = new List<DecisionFacts>(ExpectedCount);
        foreach (var purpose in Enum.GetValues<Purpose>())
        foreach (var channel in Enum.GetValues<Channel>())
        foreach (var (subject, group) in Subjects)
        foreach (var objected in Both)
        foreach (var listed in Both)
        foreach (var consent in Both)
        foreach (var existing in Both)
        foreach (var obtainedInSale in Both)
        foreach (var ownSimilar in Both)
        foreach (var sellsMobile in Both)
        {
            all.Add(new DecisionFacts(
                purpose, channel, subject, group,
                Objected: objected,
                OnExternalProhibitionList: listed,
                HasValidConsent: consent,
                IsExistingCustomer: existing,
                ContactObtainedInSale: obtainedInSale,
                Campaign: new CampaignContext(MarketsOwnSimilarProducts: ownSimilar, SellsMobileSubscription: sellsMobile)));
        }

        return all;
    }
}
