using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Server.Checks;

namespace Jnt.Consent.Server.Web;

/// <summary>One cell of the grid: the answer a campaign would get now, what the cell's events make it
/// now, and the record behind it.</summary>
public sealed record GridCell(Purpose Purpose, Channel Channel, ContactDecision Decision, ConsentCellStatus Status, ConsentCellRecord? Record);

/// <summary>
/// The purpose × channel grid of one customer. Each answer is the very check a campaign tool gets
/// (<see cref="SuppressionChecker"/>: the same table, external prohibition lists included), for a
/// campaign that declares nothing; the stored cell adds who recorded what, and when.
/// </summary>
public sealed class CustomerGrid(SuppressionChecker checker, TimeProvider time)
{
    public async Task<IReadOnlyList<GridCell>> BuildAsync(CustomerSnapshot snapshot, CancellationToken cancellationToken)
    {
        var subject = checker.CustomerSubject(snapshot.CustomerId);
        var items = (from purpose in Purposes.All
                     from channel in Channels.All
                     select new CheckItem(subject, purpose, channel, CampaignContext.None)).ToList();
        var decisions = await checker.CheckAsync(items, cancellationToken);
        var now = time.GetUtcNow();
        return [.. items.Select((item, i) =>
        {
            var record = snapshot.Cells.FirstOrDefault(c => c.Purpose == item.Purpose && c.Channel == item.Channel);
            return new GridCell(item.Purpose, item.Channel, decisions[i], record?.StatusAt(now) ?? ConsentCellStatus.None, record);
        })];
    }
}
