namespace Jnt.Consent.Domain.ContactPoints;

/// <summary>
/// An email address in the one form the gateway stores, compares and hashes. The only way to get one
/// is <see cref="TryParse"/>, so every instance (except <c>default</c>) is valid and normalised.
/// </summary>
public readonly record struct EmailAddress
{
    private const int MaxLength = 254;      // RFC 5321 path limit minus the angle brackets
    private const int MaxLocalLength = 64;
    private const int MaxDomainLength = 253;
    private const int MaxLabelLength = 63;

    // Characters that RFC 5322 allows in a local part only when quoted. Quoted local parts are not
    // accepted: nobody in the register has one, and they would make matching ambiguous.
    private const string QuotedOnlyCharacters = "()<>[]:;@\\,\"";

    private readonly string? _value;

    private EmailAddress(string value) => _value = value;

    /// <summary>The normalised address: trimmed and lower-cased as a whole.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>
    /// Validates and normalises an address. The error describes what is wrong and never repeats the input.
    /// </summary>
    /// <remarks>
    /// The whole address is lower-cased, not only the domain as DOMAIN.md says. RFC 5321 lets the
    /// local part be case-sensitive, but no real mailbox provider uses that, and matching objections
    /// case-insensitively fails closed: an objection recorded for Matti.Virtanen@x.fi must suppress
    /// matti.virtanen@x.fi. A wrong "allowed" is the worst bug this gateway can have.
    /// </remarks>
    public static bool TryParse(string? input, out EmailAddress email, out string? error)
    {
        email = default;
        error = Validate(input);
        if (error is not null)
        {
            return false;
        }

        email = new EmailAddress(input!.Trim().ToLowerInvariant());
        return true;
    }

    public override string ToString() => Value;

    private static string? Validate(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return "the email address is empty";
        }

        var address = input.AsSpan().Trim();
        if (address.Length > MaxLength)
        {
            return $"the email address is longer than {MaxLength} characters";
        }

        var at = address.LastIndexOf('@');
        if (at < 0 || address[..at].Contains('@'))
        {
            return "the email address must contain exactly one @";
        }

        return ValidateLocalPart(address[..at]) ?? ValidateDomain(address[(at + 1)..]);
    }

    private static string? ValidateLocalPart(ReadOnlySpan<char> local)
    {
        if (local.IsEmpty)
        {
            return "the part before the @ is empty";
        }

        if (local.Length > MaxLocalLength)
        {
            return $"the part before the @ is longer than {MaxLocalLength} characters";
        }

        foreach (var c in local)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return "the email address contains a space or a control character";
            }

            if (QuotedOnlyCharacters.Contains(c, StringComparison.Ordinal))
            {
                return "the part before the @ contains a character that is only allowed in quotes";
            }
        }

        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return "the part before the @ must not start or end with a dot or contain two dots in a row";
        }

        return null;
    }

    private static string? ValidateDomain(ReadOnlySpan<char> domain)
    {
        if (domain.IsEmpty)
        {
            return "the domain after the @ is empty";
        }

        if (domain.Length > MaxDomainLength)
        {
            return $"the domain is longer than {MaxDomainLength} characters";
        }

        var labelCount = 0;
        var lastLabel = ReadOnlySpan<char>.Empty;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            var labelError = ValidateLabel(label);
            if (labelError is not null)
            {
                return labelError;
            }

            labelCount++;
            lastLabel = label;
        }

        if (labelCount < 2)
        {
            return "the domain must have at least two parts separated by a dot";
        }

        if (lastLabel.Length < 2 || !IsAllAsciiLetters(lastLabel))
        {
            return "the top-level domain must be at least two letters";
        }

        return null;
    }

    private static string? ValidateLabel(ReadOnlySpan<char> label)
    {
        if (label.IsEmpty)
        {
            return "the domain has an empty part (two dots in a row, or a dot at the start or end)";
        }

        if (label.Length > MaxLabelLength)
        {
            return $"a part of the domain is longer than {MaxLabelLength} characters";
        }

        foreach (var c in label)
        {
            // Internationalised domains must arrive in their ASCII (xn--) form.
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return "the domain may contain only letters a–z, digits, hyphens and dots";
            }
        }

        if (label[0] == '-' || label[^1] == '-')
        {
            return "a part of the domain must not start or end with a hyphen";
        }

        return null;
    }

    private static bool IsAllAsciiLetters(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }
}
