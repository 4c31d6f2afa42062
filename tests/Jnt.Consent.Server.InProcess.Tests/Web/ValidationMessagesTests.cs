using Jnt.Consent.Domain.ContactPoints;
using Jnt.Consent.Server.Api;
using Jnt.Consent.Server.Web;

namespace Jnt.Consent.Server.InProcess.Tests.Web;

/// <summary>Every problem the API can find in an address or number a form sends has the console's Finnish for it.</summary>
public sealed class ValidationMessagesTests
{
    /// <summary>One input per thing that can be wrong with an email address or a phone number.</summary>
    private static readonly string[] Emails =
    [
        "", new string('a', 300) + "@example.fi", "a@@example.fi", "matti", "@example.fi", new string('a', 70) + "@example.fi",
        "mat ti@example.fi", "ma(tti@example.fi", ".matti@example.fi", "matti@", "matti@" + new string('a', 250) + ".fi",
        "matti@example", "matti@example.f", "matti@example..fi", "matti@" + new string('a', 70) + ".fi", "matti@exa_mple.fi", "matti@-example.fi",
    ];

    private static readonly string[] Phones = ["", "4012345678", "040 123 456x", "+", "+0401234", "+12345", "+358 40", "+358 0401234567", new string('1', 45)];

    public static TheoryData<string> BadEmails => new(Emails);

    public static TheoryData<string> BadPhones => new(Phones);

    private static string[] EnglishWords => ["the ", " must ", " email", " phone", " number", " domain", " part "];

    private static void AssertTranslated(string description)
    {
        Assert.True(ValidationMessages.IsKnown(description), $"no Finnish for \"{description}\"");
        var finnish = ValidationMessages.Translate(description, UiLanguage.Fi);
        Assert.All(EnglishWords, word => Assert.DoesNotContain(word, " " + finnish, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(BadEmails))]
    public void Every_email_problem_has_a_Finnish_message(string input)
    {
        var errors = new FieldErrors();
        Assert.Null(RequestReader.ReadEmail(input, "emails[0]", errors));
        AssertTranslated(errors.FirstAsItemError().Description);
    }

    [Theory]
    [MemberData(nameof(BadPhones))]
    public void Every_phone_problem_has_a_Finnish_message(string input)
    {
        var errors = new FieldErrors();
        Assert.Null(RequestReader.ReadPhone(input, "phones[0]", errors));
        AssertTranslated(errors.FirstAsItemError().Description);
    }

    [Fact]
    public void The_inputs_above_reach_every_distinct_problem()
    {
        // Guards the lists: a new parser message without an input here goes unnoticed otherwise.
        // Of the parsers' messages, two cannot be reached: a domain over 253 characters makes the
        // address over 254 first, and a Finnish number over 12 digits is over E.164's 15 first.
        var emails = Emails.Select(e => EmailAddress.TryParse(e, out _, out var error) ? null : error).Distinct().Count();
        var phones = Phones.Select(p => PhoneNumber.TryParse(p, out _, out var error) ? null : error).Distinct().Count();
        Assert.Equal(15, emails);
        Assert.Equal(8, phones);
    }

    [Theory]
    [InlineData("must be at most 80 characters", "Enintään 80 merkkiä.", "Must be at most 80 characters.")]
    [InlineData("a Finnish postcode has five digits", "Suomalaisessa postinumerossa on viisi numeroa.", "A Finnish postcode has five digits.")]
    [InlineData("must be in the future", "Päivän pitää olla tulevaisuudessa.", "The date must be in the future.")]
    [InlineData("expected version 3, current version is 4", "Asiakkaan tietoja muutettiin sillä välin. Lataa sivu uudelleen.", "The customer was changed meanwhile. Reload the page.")]
    public void Descriptions_are_said_in_the_pages_language_with_their_numbers(string api, string fi, string en)
    {
        Assert.Equal(fi, ValidationMessages.Translate(api, UiLanguage.Fi));
        Assert.Equal(en, ValidationMessages.Translate(api, UiLanguage.En));
    }

    [Fact]
    public void A_line_of_a_box_is_named_first()
    {
        Assert.Equal("Rivi 2: sähköpostiosoitteessa pitää olla täsmälleen yksi @-merkki.",
            ValidationMessages.Translate("the email address must contain exactly one @", UiLanguage.Fi, line: 2));
        Assert.Equal("Line 2: the email address must contain exactly one @.",
            ValidationMessages.Translate("the email address must contain exactly one @", UiLanguage.En, line: 2));
        // "@-merkin ..." keeps its case after the prefix.
        Assert.Equal("Rivi 1: @-merkin jälkeen puuttuu verkkotunnus (esim. example.fi).",
            ValidationMessages.Translate("the domain after the @ is empty", UiLanguage.Fi, line: 1));
    }

    [Fact]
    public void A_description_without_a_translation_is_still_shown_not_lost() =>
        Assert.Equal("Tieto ei kelpaa (something new).", ValidationMessages.Translate("something new", UiLanguage.Fi));
}
