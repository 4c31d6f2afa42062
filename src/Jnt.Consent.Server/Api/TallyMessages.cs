using Jnt.Consent.Api.V1;
using Jnt.Consent.Domain.Tallies;
using Jnt.Consent.Server.Tallies;

namespace Jnt.Consent.Server.Api;

/// <summary>A published tally row as the API sends it: the one place a row becomes a message.</summary>
public static class TallyMessages
{
    public static TallyRow ToProto(TallyReportRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        TallyCount Count(TallyMeasure measure)
        {
            // A withheld count is absent, never 0: a client that ignores `suppressed` must not read a zero.
            var count = new TallyCount
            {
                Withheld = row.Counts.Withholding(measure) switch
                {
                    Withholding.SmallGroup => TallyWithholding.SmallGroup,
                    Withholding.ProtectsAnother => TallyWithholding.ProtectsAnother,
                    _ => TallyWithholding.Unspecified,
                },
            };
            if (row.Counts.Count(measure) is not { } published)
            {
                count.Suppressed = true;
                return count;
            }
            count.Count = published;
            if (row.Counts.Rate(measure, row.Population) is { } rate)
            {
                count.Rate = rate;
            }
            else
            {
                count.RateSuppressed = true;
            }
            return count;
        }
        return new TallyRow
        {
            Purpose = row.Key.Purpose is { } p ? ProtoEnums.ToProto(p) : Jnt.Consent.Api.V1.Purpose.Unspecified,
            Channel = row.Key.Channel is { } c ? ProtoEnums.ToProto(c) : Jnt.Consent.Api.V1.Channel.Unspecified,
            Group = row.Key.Group is { } g ? ProtoEnums.ToProto(g) : Jnt.Consent.Api.V1.CustomerGroup.Unspecified,
            Customers = Count(TallyMeasure.Customers),
            Consented = Count(TallyMeasure.Consented),
            Objected = Count(TallyMeasure.Objected),
            Neither = Count(TallyMeasure.Neither),
            Reachable = Count(TallyMeasure.Reachable),
        };
    }
}
