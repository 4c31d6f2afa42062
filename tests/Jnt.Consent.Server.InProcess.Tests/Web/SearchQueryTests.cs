using Jnt.Consent.Server.Web;

namespace Jnt.Consent.Server.InProcess.Tests.Web;

/// <summary>How the console's search box reads what an agent types on a call.</summary>
public sealed class SearchQueryTests
{
    [Theory]
    [InlineData("358468795425")]
    [InlineData("358 46 879 5425")]
    [InlineData("+358 46-879 5425")]
    [InlineData("046-879 5425")]
    [InlineData("046 879 5425")]
    [InlineData("(046) 879 5425")]
    [InlineData("00358468795425")]
    public void A_phone_number_in_any_common_form_is_read_as_the_same_number(string typed)
    {
        var read = SearchQuery.Read(typed, "auto");
        Assert.Equal(SearchHint.None, read.Hint);
        Assert.Equal("+358468795425", read.Phone?.Value);
    }

    [Fact]
    public void Digits_only_are_both_a_customer_id_and_a_phone_number()
    {
        var read = SearchQuery.Read("358468795425", "auto");
        Assert.Equal("358468795425", read.CustomerId);
        Assert.NotNull(read.Phone);
        var shortId = SearchQuery.Read("020235", "auto");
        Assert.Equal("020235", shortId.CustomerId);
        Assert.Null(shortId.Phone);
    }

    [Theory]
    [InlineData("+358 0468795425", "a Finnish number must not have a 0 after the country code 358")]
    [InlineData("040 12", "an international number must have 8–15 digits including the country code")]
    [InlineData("+12", "an international number must have 8–15 digits including the country code")]
    public void A_malformed_phone_number_is_invalid_with_the_reason(string typed, string problem)
    {
        var read = SearchQuery.Read(typed, "auto");
        Assert.Equal(SearchHint.Invalid, read.Hint);
        Assert.True(read.AsPhone);
        Assert.Equal(problem, read.Problem);
    }

    [Fact]
    public void A_malformed_email_is_invalid_with_the_reason()
    {
        var read = SearchQuery.Read("matti@@example.fi", "auto");
        Assert.Equal(SearchHint.Invalid, read.Hint);
        Assert.True(read.AsEmail);
        Assert.Equal("the email address must contain exactly one @", read.Problem);
    }

    [Theory]
    [InlineData("Matti Meikäläinen", SearchHint.Name)]
    [InlineData("Anna-Liisa O'Brien", SearchHint.Name)]
    [InlineData("131052+308T", SearchHint.IdentityCode)]
    [InlineData("#?!", SearchHint.Unrecognised)]
    public void A_name_or_identity_code_is_recognised_before_any_lookup(string typed, SearchHint hint) =>
        Assert.Equal(hint, SearchQuery.Read(typed, "auto").Hint);

    [Theory]
    [InlineData("Virtanen", SearchHint.Name)]
    [InlineData("131052-308T", SearchHint.IdentityCode)]
    [InlineData("020235", SearchHint.None)]
    public void Text_that_is_also_a_valid_customer_id_is_looked_up_first_and_explained_if_not_found(string typed, SearchHint whenNotFound)
    {
        var read = SearchQuery.Read(typed, "auto");
        Assert.Equal(SearchHint.None, read.Hint);
        Assert.Equal(typed, read.CustomerId);
        Assert.Equal(whenNotFound, SearchQuery.HintWhenNotFound(typed));
    }

    [Fact]
    public void Searching_by_id_does_not_read_a_number_as_a_phone() =>
        Assert.Null(SearchQuery.Read("0401234567", "id").Phone);
}
