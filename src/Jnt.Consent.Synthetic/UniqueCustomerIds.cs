using System.Globalization;

namespace Jnt.Consent.Synthetic;

/// <summary>Customer ids of 6–8 digits, unique within one generator, leading zeros included.</summary>
internal sealed class UniqueCustomerIds(Random random)
{
    private const int MaxLength = 8;

    private static readonly (int Length, int Weight)[] Lengths = [(6, 50), (7, 30), (8, 20)];

    private readonly HashSet<string> _issued = new(StringComparer.Ordinal);
    private readonly List<string> _inOrder = [];

    public string Next()
    {
        // Now and then the twin of an earlier id with one more leading zero ("020235" beside "20235"
        // style): they are two customers, and code that trims or parses ids as numbers must fail on it.
        if (_inOrder.Count > 0 && random.Chance(0.01))
        {
            var earlier = random.Pick(_inOrder);
            if (earlier.Length < MaxLength && Issue("0" + earlier))
            {
                return "0" + earlier;
            }
        }

        while (true)
        {
            var length = random.PickWeighted(Lengths);
            var id = random.Next(1, (int)Math.Pow(10, length)).ToString("D" + length.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (Issue(id))
            {
                return id;
            }
        }
    }

    private bool Issue(string id)
    {
        if (!_issued.Add(id))
        {
            return false;
        }

        _inOrder.Add(id);
        return true;
    }
}
