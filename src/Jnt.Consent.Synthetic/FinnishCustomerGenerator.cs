using Bogus;
using Jnt.Consent.Domain;
using BogusGender = Bogus.DataSets.Name.Gender;

namespace Jnt.Consent.Synthetic;

/// <summary>
/// Synthetic customers of a Finnish regional operator: about 85 % consumers and 15 % businesses,
/// with valid test-range identity codes, Finnish mobile numbers, example-domain email addresses and
/// a consent history. The same seed and "now" give the same sequence. Not thread-safe.
/// </summary>
public sealed class FinnishCustomerGenerator
{
    private const double ConsumerShare = 0.85;
    private const double IdentityCodeShare = 0.9;          // of consumers; the rest are known by birth date
    private const double RelationshipEndedShare = 0.05;
    private const double ContactObtainedInSaleShare = 0.5;
    private const double SecondGivenNameShare = 0.2;
    private const int AdultAge = 18;

    private static readonly DateOnly EarliestBirthDate = new(1935, 1, 1);
    private static readonly DateOnly LatestBirthDate = new(2006, 12, 31);
    private static readonly DateTimeOffset OperatorFounded = new(1990, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset EarliestNow = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Trades =
    [
        "Rakennus", "Kuljetus", "Sähkö", "Maalaus", "Putki", "LVI", "Tilitoimisto", "Kiinteistöhuolto",
        "Auto", "Puutarha", "Konepaja", "Siivous", "Kahvila", "Parturi-kampaamo", "Metalli", "Puu",
    ];

    private readonly DateTimeOffset _now;
    private readonly DateOnly _latestBirthDate;
    private readonly Random _random;
    private readonly Faker _names;
    private readonly UniqueCustomerIds _ids;
    private readonly UniqueEmailAddresses _emails;
    private readonly ConsentHistoryGenerator _histories;
    private readonly HashSet<string> _phones = new(StringComparer.Ordinal);
    private readonly HashSet<string> _identityCodes = new(StringComparer.Ordinal);

    /// <param name="seed">Picks the sequence.</param>
    /// <param name="now">The latest instant anything may happen; from 2000 on.</param>
    public FinnishCustomerGenerator(int seed, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(now, EarliestNow);
        _now = RandomChoices.WholeSecond(now);
        var adultsBornBy = DateOnly.FromDateTime(_now.UtcDateTime).AddYears(-AdultAge);
        _latestBirthDate = adultsBornBy < LatestBirthDate ? adultsBornBy : LatestBirthDate;

        _random = new Random(seed);
        // A Faker's own Randomizer: Bogus' global Randomizer.Seed is shared by every Faker in the
        // process, so relying on it would make two generators disturb each other.
        _names = new Faker("fi") { Random = new Randomizer(seed) };
        _ids = new UniqueCustomerIds(_random);
        _emails = new UniqueEmailAddresses(_random);
        _histories = new ConsentHistoryGenerator(_random);
    }

    public SyntheticCustomer Next() =>
        _random.Chance(ConsumerShare) ? NextConsumer() : NextBusiness();

    public IEnumerable<SyntheticCustomer> Generate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Sequence(count);
    }

    private IEnumerable<SyntheticCustomer> Sequence(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Next();
        }
    }

    private SyntheticCustomer NextConsumer()
    {
        var isMale = _random.Chance(0.5);
        var gender = isMale ? BogusGender.Male : BogusGender.Female;
        var givenName = _names.Name.FirstName(gender);
        if (_random.Chance(SecondGivenNameShare))
        {
            var second = _names.Name.FirstName(gender);
            if (second != givenName)
            {
                givenName += " " + second;
            }
        }

        var familyName = _names.Name.LastName();
        var birthDate = _random.Date(EarliestBirthDate, _latestBirthDate);
        var code = _random.Chance(IdentityCodeShare) ? UniqueIdentityCode(birthDate, isMale) : null;
        var adult = new DateTimeOffset(birthDate.AddYears(AdultAge).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return Complete(
            CustomerGroup.Consumer,
            givenName,
            familyName,
            _emails.ForPerson(givenName, familyName, birthDate),
            code,
            birthDate,
            adult > OperatorFounded ? adult : OperatorFounded);
    }

    private SyntheticCustomer NextBusiness()
    {
        var surname = _names.Name.LastName();
        var companyName = _random.Next(100) switch
        {
            < 45 => _random.Pick(Trades) + " " + surname + " Oy",
            < 65 => surname + " Oy",
            < 80 => surname + " & " + _names.Name.LastName() + " Ky",
            < 90 => surname + " Ky",
            _ => surname + " Ab",
        };
        return Complete(
            CustomerGroup.Business,
            givenName: "",
            companyName,
            _emails.ForBusiness(companyName),
            identityCode: null,
            birthDate: null,
            OperatorFounded);
    }

    private SyntheticCustomer Complete(
        CustomerGroup group, string givenName, string familyName, string email,
        string? identityCode, DateOnly? birthDate, DateTimeOffset earliestSince)
    {
        var latestSince = _now.AddDays(-1);
        var since = _random.DaytimeInstant(earliestSince < latestSince ? earliestSince : latestSince.AddDays(-1), latestSince);
        DateTimeOffset? endedAt = _random.Chance(RelationshipEndedShare) && since.AddDays(30) < _now
            ? _random.DaytimeInstant(since.AddDays(30), _now)
            : null;
        var obtainedInSale = _random.Chance(ContactObtainedInSaleShare);
        return new SyntheticCustomer(
            _ids.Next(),
            group,
            givenName,
            familyName,
            email,
            UniquePhone(),
            FinnishAddresses.Next(_random),
            identityCode,
            birthDate,
            since,
            endedAt,
            obtainedInSale,
            _histories.Generate(since, endedAt, _now, obtainedInSale));
    }

    private string UniquePhone()
    {
        while (true)
        {
            var phone = FinnishPhoneNumbers.Mobile(_random);
            if (_phones.Add(phone))
            {
                return phone;
            }
        }
    }

    // Two customers never share a code: it identifies one person (the century sign included). A birth
    // date has only 300 test-range codes per sex; once they run out the customer is known by birth date.
    private string? UniqueIdentityCode(DateOnly birthDate, bool isMale)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var code = FinnishIdentityCodes.TestRange(_random, birthDate, isMale);
            if (_identityCodes.Add(code))
            {
                return code;
            }
        }

        return null;
    }
}
