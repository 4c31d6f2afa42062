namespace Jnt.Consent.Domain.Tallies;

/// <summary>
/// The cells a tally counts: the four marketing purposes (the ones a customer can consent to or
/// forbid) times the five channels. Each cell is one bit of a 20-bit mask, so one customer's whole
/// status fits in three integers.
/// </summary>
public static class TallyCells
{
    public static IReadOnlyList<Purpose> Purposes { get; } = Domain.Purposes.Objectable;

    public static IReadOnlyList<Channel> Channels { get; } = Domain.Channels.All;

    public const int Count = 20;

    public static bool IsCounted(Purpose purpose) => purpose.IsObjectable();

    public static int Bit(Purpose purpose, Channel channel)
    {
        if (!IsCounted(purpose) || !Domain.Channels.IsDefined(channel))
        {
            throw new ArgumentOutOfRangeException(nameof(purpose), $"{purpose} × {channel} is not a tallied cell.");
        }
        return ((int)purpose - 1) * 5 + ((int)channel - 1);
    }

    // Every key's mask, worked out once: the projector asks for them 90 times per counted customer.
    // Index: purpose 0 (any) to 4, channel 0 (any) to 5.
    private static readonly int[,] Masks = BuildMasks();

    /// <summary>The bits a key covers: one cell, a purpose on any channel, a channel for any purpose, or all 20.</summary>
    public static int Mask(Purpose? purpose, Channel? channel) =>
        purpose is { } p && !IsCounted(p) || channel is { } c && !Domain.Channels.IsDefined(c)
            ? ComputeMask(purpose, channel)
            : Masks[purpose is null ? 0 : (int)purpose, channel is null ? 0 : (int)channel];

    private static int[,] BuildMasks()
    {
        var masks = new int[5, 6];
        for (var p = 0; p <= 4; p++)
        {
            for (var c = 0; c <= 5; c++)
            {
                masks[p, c] = ComputeMask(p == 0 ? null : (Purpose)p, c == 0 ? null : (Channel)c);
            }
        }
        return masks;
    }

    private static int ComputeMask(Purpose? purpose, Channel? channel)
    {
        var mask = 0;
        foreach (var p in Purposes)
        {
            if (purpose is { } wanted && wanted != p)
            {
                continue;
            }
            foreach (var c in Channels)
            {
                if (channel is null || channel == c)
                {
                    mask |= 1 << Bit(p, c);
                }
            }
        }
        return mask;
    }
}
