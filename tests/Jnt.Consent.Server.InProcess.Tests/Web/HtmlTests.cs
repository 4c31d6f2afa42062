using Jnt.Consent.Server.Web;

namespace Jnt.Consent.Server.InProcess.Tests.Web;

public sealed class HtmlTests
{
    [Fact]
    public void Markup_in_a_value_is_encoded_and_Finnish_letters_are_kept() =>
        Assert.Equal("&lt;script&gt;&quot;Äänekoski&quot; &amp; Öljy&lt;/script&gt;", Html.E("<script>\"Äänekoski\" & Öljy</script>"));

    [Fact]
    public void A_field_error_is_linked_to_its_field()
    {
        Assert.Contains("id=\"phones-error\"", Html.FieldError("phones", "not a valid phone number"), StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"phones-error\"", Html.Invalid("phones", "not a valid phone number"), StringComparison.Ordinal);
        Assert.Equal("", Html.Invalid("phones", null));
    }

    [Theory]
    [InlineData("fi", UiLanguage.Fi)]
    [InlineData("EN", UiLanguage.En)]
    [InlineData("sv", null)]
    [InlineData(null, null)]
    public void Language_codes_are_read(string? code, UiLanguage? expected) => Assert.Equal(expected, UiLanguages.Parse(code));
}
