using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;

namespace Jnt.Consent.Server.Tests.Tallies;

/// <summary>What the tests expect of a tally row, computed by brute force from what the API says about each customer.</summary>
public sealed record ExpectedCounts(long Customers, long Consented, long Objected, long Neither, long Reachable);

/// <summary>One customer as the brute-force recount sees it: group, and per cell its status and check answer.</summary>
public sealed record ObservedCustomer(CustomerGroup Group, IReadOnlyDictionary<(Purpose, Channel), (bool Consented, bool Objected, bool Reachable)> Cells);

public static class TallyCalls
{
    public static readonly Purpose[] Purposes = [Purpose.DirectAdvertising, Purpose.DistanceSelling, Purpose.OtherDirectMarketing, Purpose.MarketResearch];
    public static readonly Channel[] Channels = [Channel.Email, Channel.Sms, Channel.Phone, Channel.AutomatedCall, Channel.Post];

    /// <summary>Reads every customer through the service API (status) and the check API (reachable), cell by cell.</summary>
    public static async Task<Dictionary<string, ObservedCustomer>> ObserveAsync(GatewayProcess gateway, IEnumerable<string> customerIds)
    {
        var ids = customerIds.ToList();
        var now = DateTimeOffset.UtcNow;
        var checks = ids.SelectMany(id => Purposes.SelectMany(p => Channels.Select(c =>
            ($"{id}|{(int)p}|{(int)c}", new CheckRequest { CustomerId = id, Purpose = p, Channel = c })))).ToList();
        var answers = await SuppressionCalls.CheckBatchAsync(gateway, checks);
        var observed = new Dictionary<string, ObservedCustomer>();
        foreach (var id in ids)
        {
            Customer customer;
            try
            {
                customer = await gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "tally recount in a test" });
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
            {
                continue; // Erased: not in the register, not counted.
            }
            var cells = new Dictionary<(Purpose, Channel), (bool, bool, bool)>();
            foreach (var p in Purposes)
            {
                foreach (var c in Channels)
                {
                    var cell = customer.Consents.Single(x => x.Purpose == p && x.Channel == c);
                    var consented = cell.Status == ConsentStatus.Consented && (cell.ExpiresAt is null || cell.ExpiresAt.ToDateTimeOffset() > now);
                    cells[(p, c)] = (consented, cell.Status == ConsentStatus.Objected, answers.Answers[$"{id}|{(int)p}|{(int)c}"].Result.Allowed);
                }
            }
            observed[id] = new ObservedCustomer(customer.Group, cells);
        }
        return observed;
    }

    /// <summary>Counts one row straight from the observed customers.</summary>
    public static ExpectedCounts Count(IEnumerable<ObservedCustomer> customers, CustomerGroup group, Purpose purpose, Channel channel)
    {
        long total = 0, consented = 0, objected = 0, neither = 0, reachable = 0;
        foreach (var customer in customers.Where(c => group == CustomerGroup.Unspecified || c.Group == group))
        {
            var cells = customer.Cells.Where(x =>
                (purpose == Purpose.Unspecified || x.Key.Item1 == purpose) && (channel == Channel.Unspecified || x.Key.Item2 == channel)).Select(x => x.Value).ToList();
            var anyConsent = cells.Any(x => x.Consented);
            var anyObjection = cells.Any(x => x.Objected);
            total++;
            consented += anyConsent ? 1 : 0;
            objected += anyObjection ? 1 : 0;
            neither += anyConsent || anyObjection ? 0 : 1;
            reachable += cells.Any(x => x.Reachable) ? 1 : 0;
        }
        return new ExpectedCounts(total, consented, objected, neither, reachable);
    }

    public static ExpectedCounts Actual(TallyRow row)
    {
        Assert.False(row.Customers.Suppressed || row.Consented.Suppressed || row.Objected.Suppressed || row.Neither.Suppressed || row.Reachable.Suppressed,
            $"a count is withheld in {row}");
        return new ExpectedCounts(row.Customers.Count, row.Consented.Count, row.Objected.Count, row.Neither.Count, row.Reachable.Count);
    }

    /// <summary>Every way of asking: each dimension split or combined.</summary>
    public static IEnumerable<TallySelection> EverySelection()
    {
        foreach (var combinePurposes in new[] { false, true })
        {
            foreach (var combineChannels in new[] { false, true })
            {
                foreach (var combineGroups in new[] { false, true })
                {
                    yield return new TallySelection { CombinePurposes = combinePurposes, CombineChannels = combineChannels, CombineGroups = combineGroups };
                }
            }
        }
    }
}
