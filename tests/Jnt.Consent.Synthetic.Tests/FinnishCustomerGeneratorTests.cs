using Jnt.Consent.Domain;
using Jnt.Consent.Domain.ContactPoints;
using Jnt.Consent.Domain.Identity;

namespace Jnt.Consent.Synthetic.Tests;

[Collection(GeneratedRegisterCollection.Name)]
public sealed class FinnishCustomerGeneratorTests(GeneratedRegister register)
{
    private static readonly string[] ReservedEmailDomains = ["example.com", "example.net", "example.org"];

    [Fact]
    public void Every_identity_code_is_a_valid_test_range_code_for_the_customers_birth_date()
    {
        var coded = register.Customers.Where(c => c.PersonalIdentityCode is not null).ToList();

        Assert.NotEmpty(coded);
        Assert.All(coded, c =>
        {
            Assert.True(PersonalIdentityCode.TryParse(c.PersonalIdentityCode, out var code, out var error), error);
            Assert.True(code.IsTestRange);
            Assert.Equal(code.BirthDate, c.BirthDate);
            Assert.Equal(c.PersonalIdentityCode, code.Value);
        });
    }

    [Fact]
    public void Businesses_have_neither_identity_code_nor_birth_date()
    {
        Assert.NotEmpty(register.Businesses);
        Assert.All(register.Businesses, c =>
        {
            Assert.Null(c.PersonalIdentityCode);
            Assert.Null(c.BirthDate);
        });
    }

    [Fact]
    public void Every_consumer_has_a_birth_date_from_1935_to_2006_and_most_have_an_identity_code()
    {
        var consumers = register.Consumers.ToList();

        Assert.All(consumers, c => Assert.InRange(c.BirthDate!.Value, new DateOnly(1935, 1, 1), new DateOnly(2006, 12, 31)));
        Assert.InRange(consumers.Count(c => c.PersonalIdentityCode is not null) / (double)consumers.Count, 0.85, 0.95);
        Assert.Contains(consumers, c => c.BirthDate!.Value.Year < 1950);
        Assert.Contains(consumers, c => c.BirthDate!.Value.Year >= 2000);
    }

    [Fact]
    public void No_two_customers_share_an_identity_code()
    {
        var codes = register.Customers.Select(c => c.PersonalIdentityCode).OfType<string>().ToList();

        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Identity_codes_also_use_the_century_signs_added_in_2023()
    {
        var signs = register.Customers.Select(c => c.PersonalIdentityCode).OfType<string>().Select(code => code[6]).ToHashSet();

        Assert.Contains('-', signs);
        Assert.Contains('A', signs);
        Assert.True(signs.Overlaps("YXWVU"), "no 1900s code uses Y X W V or U");
    }

    [Fact]
    public void Every_phone_is_a_Finnish_mobile_number_already_in_normalised_form()
    {
        Assert.All(register.Customers, c =>
        {
            Assert.True(PhoneNumber.TryParse(c.Phone, out var phone, out var error), error);
            Assert.True(phone.IsFinnishMobile, c.Phone);
            Assert.Equal(phone.Value, c.Phone);
        });
    }

    [Fact]
    public void Every_email_is_valid_normalised_and_at_a_reserved_example_domain()
    {
        Assert.All(register.Customers, c =>
        {
            Assert.True(EmailAddress.TryParse(c.Email, out var email, out var error), error);
            Assert.Equal(email.Value, c.Email);
            Assert.True(c.Email.All(char.IsAscii), c.Email);
            var domain = c.Email[(c.Email.IndexOf('@', StringComparison.Ordinal) + 1)..];
            Assert.Contains(ReservedEmailDomains, d => domain == d || domain.EndsWith("." + d, StringComparison.Ordinal));
        });
    }

    [Fact]
    public void Customer_ids_emails_and_phones_are_unique()
    {
        Assert.Equal(GeneratedRegister.Size, register.Customers.Select(c => c.CustomerId).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(GeneratedRegister.Size, register.Customers.Select(c => c.Email).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(GeneratedRegister.Size, register.Customers.Select(c => c.Phone).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Customer_ids_are_6_to_8_digits_and_some_start_with_zero()
    {
        Assert.All(register.Customers, c =>
        {
            Assert.InRange(c.CustomerId.Length, 6, 8);
            Assert.True(c.CustomerId.All(char.IsAsciiDigit), c.CustomerId);
        });
        Assert.InRange(register.Share(c => c.CustomerId.StartsWith('0')), 0.05, 0.2);
    }

    [Fact]
    public void Some_customer_ids_differ_from_another_only_by_a_leading_zero()
    {
        var ids = register.Customers.Select(c => c.CustomerId).ToHashSet(StringComparer.Ordinal);

        Assert.Contains(ids, id => id.StartsWith('0') && ids.Contains(id[1..]));
    }

    [Fact]
    public void Every_address_has_a_street_with_a_number_a_five_digit_postcode_and_a_city()
    {
        Assert.All(register.Customers, c =>
        {
            Assert.Matches(@"^\p{Lu}\p{Ll}+(katu|tie|kuja) \d+( [A-F] \d+)?$", c.Address.Street);
            Assert.Matches("^[0-9]{5}$", c.Address.PostalCode);
            Assert.False(string.IsNullOrWhiteSpace(c.Address.City));
        });
    }

    [Fact]
    public void Consumers_are_80_to_90_percent_of_customers()
    {
        Assert.InRange(register.Share(c => c.Group == CustomerGroup.Consumer), 0.80, 0.90);
    }

    [Fact]
    public void Consumers_have_personal_names_and_businesses_a_company_name_only()
    {
        Assert.All(register.Consumers, c =>
        {
            Assert.False(string.IsNullOrWhiteSpace(c.GivenName));
            Assert.False(string.IsNullOrWhiteSpace(c.FamilyName));
        });
        Assert.All(register.Businesses, c =>
        {
            Assert.Equal("", c.GivenName);
            Assert.Matches(" (Oy|Ky|Ab)$", c.FamilyName);
        });
    }

    [Fact]
    public void About_5_percent_of_relationships_have_ended_after_they_began_and_not_after_now()
    {
        Assert.InRange(register.Share(c => c.RelationshipEndedAt is not null), 0.03, 0.07);
        Assert.All(register.Customers.Where(c => c.RelationshipEndedAt is not null), c =>
            Assert.InRange(c.RelationshipEndedAt!.Value, c.CustomerSince.AddTicks(1), GeneratedRegister.Now));
    }

    [Fact]
    public void About_half_of_the_contacts_were_obtained_in_a_sale()
    {
        Assert.InRange(register.Share(c => c.ContactObtainedInSale), 0.45, 0.55);
    }

    [Fact]
    public void Customers_became_customers_before_now_and_consumers_as_adults()
    {
        Assert.All(register.Customers, c => Assert.True(c.CustomerSince < GeneratedRegister.Now));
        Assert.All(register.Consumers, c =>
            Assert.True(DateOnly.FromDateTime(c.CustomerSince.UtcDateTime) >= c.BirthDate!.Value.AddYears(18)));
    }

    [Fact]
    public void Generate_returns_the_number_of_customers_asked_for_and_refuses_a_negative_count()
    {
        var generator = new FinnishCustomerGenerator(1, GeneratedRegister.Now);

        Assert.Empty(generator.Generate(0));
        Assert.Equal(3, generator.Generate(3).Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => generator.Generate(-1));
    }
}
