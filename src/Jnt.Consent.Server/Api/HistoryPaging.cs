using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Jnt.Consent.Server.Api;

/// <summary>
/// GetHistory's pages: the token names the last version returned (opaque to callers, but not a
/// secret: every page is an audited read of the same customer by an authorised caller).
/// </summary>
public static class HistoryPaging
{
    public const int MaxPageSize = 1000;
    private const string Prefix = "h1:";

    public static (int PageSize, long AfterVersion) Read(int pageSize, string pageToken)
    {
        var errors = new FieldErrors();
        if (pageSize is < 0 or > MaxPageSize)
        {
            errors.Add("page_size", $"must be 0 to {MaxPageSize} (0: {MaxPageSize})");
        }
        long after = 0;
        if (pageToken.Length > 0 && !TryParse(pageToken, out after))
        {
            errors.Add("page_token", "not a token from a previous response");
        }
        errors.ThrowIfAny();
        return (pageSize == 0 ? MaxPageSize : pageSize, after);
    }

    public static string Token(long afterVersion) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(Prefix + afterVersion.ToString(CultureInfo.InvariantCulture)));

    private static bool TryParse(string token, out long afterVersion)
    {
        afterVersion = 0;
        if (token.Length > 64)
        {
            return false;
        }
        try
        {
            var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token));
            return text.StartsWith(Prefix, StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out afterVersion)
                && afterVersion > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
