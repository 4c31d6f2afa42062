using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Jnt.Consent.Domain;
using Jnt.Consent.Suppression.Tokens;

namespace Jnt.Consent.Suppression.Tests.Tokens;

public sealed class UnsubscribeTokenCodecTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(60);
    private static readonly Purpose[] Objectable =
        [Purpose.DirectAdvertising, Purpose.DistanceSelling, Purpose.OtherDirectMarketing, Purpose.MarketResearch];

    private readonly SettableTime time = new() { UtcNow = Now };

    public static TheoryData<Channel> EveryChannel() => new(Enum.GetValues<Channel>());

    public static TheoryData<Purpose> EveryObjectablePurpose() => new(Objectable);

    // ---- round trip ----

    [Theory]
    [MemberData(nameof(EveryChannel))]
    public void A_customer_token_reads_back_as_issued_on_every_channel(Channel channel)
    {
        var codec = Codec(Key("k1"));
        var issued = CustomerToken("020235", channel, Purpose.DistanceSelling, Purpose.DirectAdvertising);

        var read = ReadOk(codec, codec.Issue(issued));

        Assert.Equal("020235", read.CustomerId);
        Assert.Null(read.Email);
        Assert.Equal(channel, read.Channel);
        Assert.Equal([Purpose.DirectAdvertising, Purpose.DistanceSelling], read.Purposes); // ascending
        Assert.Equal(issued.IssuedAt, read.IssuedAt);
    }

    [Theory]
    [MemberData(nameof(EveryChannel))]
    public void An_email_token_reads_back_as_issued_on_every_channel(Channel channel)
    {
        var codec = Codec(Key("k1"));
        var issued = EmailToken("Matti.Meikalainen@example.fi", channel, Objectable.Reverse().ToArray());

        var read = ReadOk(codec, codec.Issue(issued));

        Assert.Null(read.CustomerId);
        Assert.Equal("Matti.Meikalainen@example.fi", read.Email);
        Assert.Equal(channel, read.Channel);
        Assert.Equal(Objectable, read.Purposes);
        Assert.Equal(issued.IssuedAt, read.IssuedAt);
    }

    [Theory]
    [MemberData(nameof(EveryObjectablePurpose))]
    public void A_token_for_a_single_purpose_names_only_that_purpose(Purpose purpose)
    {
        var codec = Codec(Key("k1"));

        var read = ReadOk(codec, codec.Issue(CustomerToken("1", Channel.Sms, purpose)));

        Assert.Equal([purpose], read.Purposes);
    }

    [Fact]
    public void Issued_at_is_kept_to_the_second_and_read_back_in_utc()
    {
        var codec = Codec(Key("k1"));
        var helsinki = new DateTimeOffset(2025, 3, 1, 13, 59, 30, 999, TimeSpan.FromHours(2));

        var read = ReadOk(codec, codec.Issue(CustomerToken("1", Channel.Email, Purpose.DirectAdvertising) with { IssuedAt = helsinki }));

        Assert.Equal(new DateTimeOffset(2025, 3, 1, 11, 59, 30, TimeSpan.Zero), read.IssuedAt);
        Assert.Equal(TimeSpan.Zero, read.IssuedAt.Offset);
    }

    [Fact]
    public void A_non_ascii_email_of_the_longest_allowed_length_round_trips_within_the_readable_length()
    {
        var codec = Codec(Key("sixteen-chars-id"));
        string email = string.Concat(Enumerable.Repeat("€", 243)) + "@example.fi"; // 3 UTF-8 bytes a character
        Assert.Equal(UnsubscribeTokenCodec.MaxSubjectLength, email.Length);

        string text = codec.Issue(EmailToken(email, Channel.Email, Objectable));

        Assert.True(text.Length <= UnsubscribeTokenCodec.MaxTokenLength, $"{text.Length} characters");
        Assert.Equal(email, ReadOk(codec, text).Email);
    }

    [Fact]
    public void A_token_uses_only_url_safe_characters_and_no_padding()
    {
        var codec = Codec(Key("k1"));
        for (int i = 0; i < 200; i++)
        {
            string text = codec.Issue(CustomerToken(new string('7', 1 + i % 40), Channel.Email, Purpose.DirectAdvertising));
            Assert.Matches("^[A-Za-z0-9_-]+$", text);
        }
    }

    [Fact]
    public void Two_tokens_with_the_same_content_differ_so_links_cannot_be_matched_up()
    {
        var codec = Codec(Key("k1"));
        var token = CustomerToken("020235", Channel.Email, Purpose.DirectAdvertising);

        Assert.NotEqual(codec.Issue(token), codec.Issue(token));
    }

    // ---- tampering and confidentiality ----

    [Fact]
    public void Flipping_any_bit_of_any_byte_is_rejected()
    {
        var codec = Codec(Key("k1"));
        var bytes = Decode(codec.Issue(CustomerToken("020235", Channel.Email, Purpose.DirectAdvertising)));
        int headerLength = 2 + bytes[1];

        for (int position = 0; position < bytes.Length; position++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                var changed = (byte[])bytes.Clone();
                changed[position] ^= (byte)(1 << bit);

                Assert.False(codec.TryRead(Base64Url.EncodeToString(changed), out var token, out var rejection), $"byte {position} bit {bit}");
                Assert.Null(token);
                if (position == 0)
                {
                    Assert.Equal(TokenRejection.Malformed, rejection);
                }
                else if (position < headerLength)
                {
                    Assert.Contains(rejection, new[] { TokenRejection.Malformed, TokenRejection.UnknownKey });
                }
                else
                {
                    Assert.Equal(TokenRejection.Tampered, rejection);
                }
            }
        }
    }

    [Fact]
    public void Cutting_a_token_short_or_lengthening_it_is_rejected()
    {
        var codec = Codec(Key("k1"));
        var bytes = Decode(codec.Issue(CustomerToken("020235", Channel.Email, Purpose.DirectAdvertising)));

        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.False(codec.TryRead(Base64Url.EncodeToString(bytes.AsSpan(0, length)), out var token, out var rejection));
            Assert.Null(token);
            Assert.Contains(rejection, new[] { TokenRejection.Malformed, TokenRejection.Tampered });
        }
        for (int extra = 1; extra <= 8; extra++)
        {
            var longer = bytes.Concat(new byte[extra]).ToArray();
            Assert.False(codec.TryRead(Base64Url.EncodeToString(longer), out var token, out var rejection));
            Assert.Null(token);
            Assert.Equal(TokenRejection.Tampered, rejection);
        }
    }

    [Fact]
    public void A_token_for_customer_020235_cannot_be_turned_into_one_for_20235()
    {
        var codec = Codec(Key("k1"));
        string text = codec.Issue(CustomerToken("020235", Channel.Email, Purpose.DirectAdvertising));
        var bytes = Decode(text);

        // Confidential: neither id is there to edit, in the link or in its decoded bytes.
        Assert.DoesNotContain("020235", text, StringComparison.Ordinal);
        Assert.False(Contains(bytes, Encoding.UTF8.GetBytes("020235")));
        Assert.False(Contains(bytes, Encoding.UTF8.GetBytes("20235")));

        // Dropping any one byte (as deleting the leading zero would) never yields a token.
        for (int position = 0; position < bytes.Length; position++)
        {
            var shorter = bytes.Take(position).Concat(bytes.Skip(position + 1)).ToArray();
            Assert.False(codec.TryRead(Base64Url.EncodeToString(shorter), out var token, out _), $"without byte {position}");
            Assert.Null(token);
        }

        // And the genuine token still names exactly "020235", leading zero included.
        Assert.Equal("020235", ReadOk(codec, text).CustomerId);
    }

    [Fact]
    public void The_email_address_is_not_readable_from_the_link()
    {
        var codec = Codec(Key("k1"));
        const string email = "liisa.virtanen@example.fi";
        string text = codec.Issue(EmailToken(email, Channel.Email, Purpose.DirectAdvertising));
        var bytes = Decode(text);

        Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(email)));
        Assert.False(Contains(bytes, Encoding.UTF8.GetBytes("liisa")));
        Assert.False(Contains(bytes, Encoding.UTF8.GetBytes("example.fi")));
        Assert.DoesNotContain("liisa", text, StringComparison.OrdinalIgnoreCase);
    }

    // ---- keys ----

    [Fact]
    public void A_token_sealed_with_a_retired_key_is_rejected_as_retired()
    {
        var key = Key("k1");
        string text = Codec(key).Issue(CustomerToken("020235", Channel.Email, Purpose.DirectAdvertising));
        var codec = Codec(Key("k2"), key with { Retired = true });

        Assert.False(codec.TryRead(text, out var token, out var rejection));
        Assert.Null(token);
        Assert.Equal(TokenRejection.RetiredKey, rejection);
    }

    [Fact]
    public void A_token_sealed_with_a_key_the_codec_does_not_hold_is_rejected_as_unknown()
    {
        string text = Codec(Key("k1")).Issue(CustomerToken("020235", Channel.Email, Purpose.DirectAdvertising));
        var codec = Codec(Key("k2"));

        Assert.False(codec.TryRead(text, out var token, out var rejection));
        Assert.Null(token);
        Assert.Equal(TokenRejection.UnknownKey, rejection);
    }

    [Fact]
    public void A_token_whose_key_id_names_a_different_secret_is_rejected_as_tampered()
    {
        string text = Codec(Key("k1")).Issue(CustomerToken("020235", Channel.Email, Purpose.DirectAdvertising));
        var codec = Codec(Key("k1"));

        Assert.False(codec.TryRead(text, out var token, out var rejection));
        Assert.Null(token);
        Assert.Equal(TokenRejection.Tampered, rejection);
    }

    [Fact]
    public void A_forged_token_naming_a_retired_key_is_tampered_not_retired()
    {
        var retired = Key("old", retired: true);
        var codec = Codec(Key("new"), retired);
        var forged = new byte[] { 1, 3, (byte)'o', (byte)'l', (byte)'d' }.Concat(RandomNumberGenerator.GetBytes(60)).ToArray();

        Assert.False(codec.TryRead(Base64Url.EncodeToString(forged), out _, out var rejection));
        Assert.Equal(TokenRejection.Tampered, rejection);
    }

    [Fact]
    public void After_rotation_new_tokens_are_sealed_with_the_new_key_and_old_tokens_still_read()
    {
        var oldKey = Key("2024-1");
        var newKey = Key("2025-1");
        string oldText = Codec(oldKey).Issue(CustomerToken("020235", Channel.Email, Purpose.DirectAdvertising));
        var rotated = Codec(newKey, oldKey);

        string newText = rotated.Issue(CustomerToken("020235", Channel.Sms, Purpose.MarketResearch));

        Assert.Equal("2025-1", KeyIdOf(newText));
        Assert.Equal("020235", ReadOk(rotated, oldText).CustomerId);
        Assert.Equal(Channel.Sms, ReadOk(rotated, newText).Channel);
        Assert.False(Codec(oldKey).TryRead(newText, out _, out var rejection));
        Assert.Equal(TokenRejection.UnknownKey, rejection);
    }

    [Fact]
    public void Retiring_the_old_key_stops_its_tokens_and_keeps_the_new_ones()
    {
        var oldKey = Key("2024-1");
        var newKey = Key("2025-1");
        var rotated = Codec(newKey, oldKey);
        string oldText = Codec(oldKey).Issue(CustomerToken("020235", Channel.Email, Purpose.DirectAdvertising));
        string newText = rotated.Issue(CustomerToken("020235", Channel.Email, Purpose.DirectAdvertising));

        var retired = Codec(newKey, oldKey with { Retired = true });

        Assert.False(retired.TryRead(oldText, out var token, out var rejection));
        Assert.Null(token);
        Assert.Equal(TokenRejection.RetiredKey, rejection);
        Assert.Equal("020235", ReadOk(retired, newText).CustomerId);
    }

    [Fact]
    public void The_first_key_that_is_not_retired_seals_new_tokens()
    {
        var codec = Codec(Key("a", retired: true), Key("b"), Key("c"));

        Assert.Equal("b", KeyIdOf(codec.Issue(CustomerToken("1", Channel.Post, Purpose.DirectAdvertising))));
    }

    [Fact]
    public void Changing_the_callers_secret_array_after_construction_does_not_change_the_key()
    {
        var key = Key("k1");
        var codec = Codec(key);
        string text = codec.Issue(CustomerToken("1", Channel.Email, Purpose.DirectAdvertising));

        Array.Clear(key.Secret);

        Assert.Equal("1", ReadOk(codec, text).CustomerId);
    }

    [Fact]
    public void A_signing_key_does_not_print_its_secret()
    {
        var key = new TokenSigningKey("k1", Enumerable.Repeat((byte)0xAB, 32).ToArray(), Retired: false);

        Assert.Equal("TokenSigningKey { Id = k1, Retired = False }", key.ToString());
    }

    public static TheoryData<string, TokenSigningKey[]> BadKeySets() => new()
    {
        { "no keys", [] },
        { "only retired keys", [Key("a", retired: true), Key("b", retired: true)] },
        { "duplicate id", [Key("a"), Key("a", retired: true)] },
        { "empty id", [Key("")] },
        { "id of 17 characters", [Key("abcdefghijklmnopq")] },
        { "upper-case id", [Key("K1")] },
        { "id with underscore", [Key("k_1")] },
        { "id with non-ASCII", [Key("kä")] },
        { "secret of 31 bytes", [new TokenSigningKey("a", new byte[31], false)] },
        { "secret of 33 bytes", [new TokenSigningKey("a", new byte[33], false)] },
        { "secret of 16 bytes", [new TokenSigningKey("a", new byte[16], false)] },
    };

    [Theory]
    [MemberData(nameof(BadKeySets))]
    public void A_codec_refuses_a_bad_key_set(string why, TokenSigningKey[] keys)
    {
        Assert.False(string.IsNullOrEmpty(why));
        Assert.ThrowsAny<ArgumentException>(() => new UnsubscribeTokenCodec(keys, Lifetime, time));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_codec_refuses_a_lifetime_that_is_not_positive(int seconds) =>
        Assert.ThrowsAny<ArgumentException>(() => new UnsubscribeTokenCodec([Key("k1")], TimeSpan.FromSeconds(seconds), time));

    [Fact]
    public void A_sixteen_character_id_of_lower_case_digits_and_dashes_is_accepted()
    {
        var codec = Codec(Key("abc-0123456789-z"));

        Assert.Equal("abc-0123456789-z", KeyIdOf(codec.Issue(CustomerToken("1", Channel.Email, Purpose.DirectAdvertising))));
    }

    // ---- time ----

    [Fact]
    public void A_token_older_than_the_lifetime_is_expired_and_one_exactly_that_old_is_not()
    {
        var codec = Codec(Key("k1"));
        string text = codec.Issue(CustomerToken("020235", Channel.Email, Purpose.DirectAdvertising));

        time.UtcNow = Now + Lifetime;
        Assert.True(codec.TryRead(text, out _, out _));

        time.UtcNow = Now + Lifetime + TimeSpan.FromSeconds(1);
        Assert.False(codec.TryRead(text, out var token, out var rejection));
        Assert.Null(token);
        Assert.Equal(TokenRejection.Expired, rejection);
    }

    [Fact]
    public void A_token_issued_more_than_five_minutes_ahead_is_from_the_future_and_one_within_five_is_not()
    {
        var codec = Codec(Key("k1"));
        var withinSkew = CustomerToken("020235", Channel.Email, Purpose.DirectAdvertising) with { IssuedAt = Now.AddMinutes(5) };
        var beyondSkew = withinSkew with { IssuedAt = Now.AddMinutes(5).AddSeconds(1) };

        Assert.True(codec.TryRead(codec.Issue(withinSkew), out _, out _));
        Assert.False(codec.TryRead(codec.Issue(beyondSkew), out var token, out var rejection));
        Assert.Null(token);
        Assert.Equal(TokenRejection.FromTheFuture, rejection);
    }

    [Fact]
    public void A_token_that_was_from_the_future_reads_once_the_clock_catches_up()
    {
        var codec = Codec(Key("k1"));
        string text = codec.Issue(CustomerToken("1", Channel.Email, Purpose.DirectAdvertising) with { IssuedAt = Now.AddHours(1) });
        Assert.False(codec.TryRead(text, out _, out _));

        time.UtcNow = Now.AddHours(1);

        Assert.True(codec.TryRead(text, out _, out _));
    }

    // ---- garbage ----

    public static TheoryData<string?> MalformedTexts()
    {
        var codec = new UnsubscribeTokenCodec([Key("k1")], Lifetime, new SettableTime { UtcNow = Now });
        string good = codec.Issue(CustomerToken("020235", Channel.Email, Purpose.DirectAdvertising));
        var bytes = Decode(good);
        var wrongVersion = (byte[])bytes.Clone();
        wrongVersion[0] = 2;
        var noKeyId = (byte[])bytes.Clone();
        noKeyId[1] = 0;
        var keyIdBeyondEnd = (byte[])bytes.Clone();
        keyIdBeyondEnd[1] = 255;
        return new()
        {
            null,
            "",
            " ",
            new string('A', UnsubscribeTokenCodec.MaxTokenLength + 1),
            new string('A', 1_000_000),
            good + "=",
            good + "==",
            " " + good,
            good[..10] + "\n" + good[10..],
            good.Replace('-', '+').Replace('_', '/') is var plain && plain != good ? plain : good + "+",
            good[..^1] + NonCanonicalLastCharacter(good),
            good[..^1] + "é",
            "A",
            "AAAAA",
            Base64Url.EncodeToString(wrongVersion),
            Base64Url.EncodeToString(noKeyId),
            Base64Url.EncodeToString(keyIdBeyondEnd),
            Base64Url.EncodeToString([1]),
            Base64Url.EncodeToString([1, 2, (byte)'k', (byte)'1']),
        };
    }

    [Theory]
    [MemberData(nameof(MalformedTexts))]
    public void Text_that_is_not_a_well_formed_token_is_malformed(string? text)
    {
        var codec = Codec(Key("k1"));

        Assert.False(codec.TryRead(text, out var token, out var rejection));
        Assert.Null(token);
        Assert.Equal(TokenRejection.Malformed, rejection);
    }

    [Fact]
    public void Ten_thousand_random_strings_never_throw_and_never_read()
    {
        var codec = Codec(Key("k1"));
        var random = new Random(8058);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        for (int i = 0; i < 10_000; i++)
        {
            int length = random.Next(0, 2_600);
            var chars = new char[length];
            bool urlSafeOnly = i % 2 == 0; // half get past the alphabet check and into decoding
            for (int c = 0; c < length; c++)
            {
                chars[c] = urlSafeOnly ? alphabet[random.Next(alphabet.Length)] : (char)random.Next(0, 0x10000);
            }

            Assert.False(codec.TryRead(new string(chars), out var token, out var rejection));
            Assert.Null(token);
            Assert.True(Enum.IsDefined(rejection));
        }
    }

    [Fact]
    public void Ten_thousand_random_byte_strings_in_base64url_never_throw_and_never_read()
    {
        var codec = Codec(Key("k1"));
        var random = new Random(2058);

        for (int i = 0; i < 10_000; i++)
        {
            var bytes = new byte[random.Next(0, 1_600)];
            random.NextBytes(bytes);

            Assert.False(codec.TryRead(Base64Url.EncodeToString(bytes), out var token, out var rejection));
            Assert.Null(token);
            Assert.True(Enum.IsDefined(rejection));
        }
    }

    [Fact]
    public void Random_bytes_behind_a_genuine_header_are_tampered()
    {
        var codec = Codec(Key("k1"));
        var random = new Random(917);
        byte[] header = [1, 2, (byte)'k', (byte)'1'];

        for (int i = 0; i < 2_000; i++)
        {
            var body = new byte[random.Next(12 + 14 + 16, 900)];
            random.NextBytes(body);

            Assert.False(codec.TryRead(Base64Url.EncodeToString([.. header, .. body]), out var token, out var rejection));
            Assert.Null(token);
            Assert.Equal(TokenRejection.Tampered, rejection);
        }
    }

    // ---- Issue validates ----

    public static TheoryData<string, UnsubscribeToken> InvalidTokens()
    {
        var valid = CustomerToken("020235", Channel.Email, Purpose.DirectAdvertising);
        return new()
        {
            { "both customer and email", valid with { Email = "a@example.fi" } },
            { "neither customer nor email", valid with { CustomerId = null } },
            { "empty customer id", valid with { CustomerId = "" } },
            { "blank customer id", valid with { CustomerId = "   " } },
            { "empty email", valid with { CustomerId = null, Email = "" } },
            { "customer id of 255 characters", valid with { CustomerId = new string('1', 255) } },
            { "email of 255 characters", valid with { CustomerId = null, Email = new string('a', 244) + "@example.fi" } },
            { "lone surrogate", valid with { CustomerId = "12\uD800" } },
            { "customer-relationship purpose", valid with { Purposes = [Purpose.CustomerRelationship] } },
            { "customer-relationship among others", valid with { Purposes = [Purpose.DirectAdvertising, Purpose.CustomerRelationship] } },
            { "no purposes", valid with { Purposes = [] } },
            { "five purposes", valid with { Purposes = [.. Objectable, Purpose.DirectAdvertising] } },
            { "a purpose twice", valid with { Purposes = [Purpose.MarketResearch, Purpose.MarketResearch] } },
            { "undefined purpose 0", valid with { Purposes = [(Purpose)0] } },
            { "undefined purpose 6", valid with { Purposes = [(Purpose)6] } },
            { "undefined channel 0", valid with { Channel = 0 } },
            { "undefined channel 6", valid with { Channel = (Channel)6 } },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    public void Issue_refuses_a_token_that_does_not_name_one_subject_and_objectable_purposes(string why, UnsubscribeToken token)
    {
        var codec = Codec(Key("k1"));

        var error = Assert.ThrowsAny<ArgumentException>(() => codec.Issue(token));
        Assert.False(string.IsNullOrEmpty(why + error.Message));
    }

    [Fact]
    public void Issue_accepts_subjects_of_exactly_254_characters()
    {
        var codec = Codec(Key("k1"));
        string id = new('0', 254);
        string email = new string('a', 242) + "@example.fi";

        Assert.Equal(id, ReadOk(codec, codec.Issue(CustomerToken(id, Channel.Email, Purpose.DirectAdvertising))).CustomerId);
        Assert.Equal(email, ReadOk(codec, codec.Issue(EmailToken(email, Channel.Email, Purpose.DirectAdvertising))).Email);
    }

    // ---- helpers ----

    private UnsubscribeTokenCodec Codec(params TokenSigningKey[] keys) => new(keys, Lifetime, time);

    private static TokenSigningKey Key(string id, bool retired = false) => new(id, RandomNumberGenerator.GetBytes(32), retired);

    private static UnsubscribeToken CustomerToken(string customerId, Channel channel, params Purpose[] purposes) =>
        new(customerId, null, purposes, channel, Now);

    private static UnsubscribeToken EmailToken(string email, Channel channel, params Purpose[] purposes) =>
        new(null, email, purposes, channel, Now);

    private static UnsubscribeToken ReadOk(UnsubscribeTokenCodec codec, string text)
    {
        Assert.True(codec.TryRead(text, out var token, out var rejection), $"rejected: {rejection}");
        return token;
    }

    private static byte[] Decode(string text) => Base64Url.DecodeFromChars(text);

    private static string KeyIdOf(string text)
    {
        var bytes = Decode(text);
        return Encoding.ASCII.GetString(bytes, 2, bytes[1]);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    // The last character of unpadded base64url carries spare bits when the byte count is not a multiple
    // of 3; setting one gives a different text for the same bytes, which the codec must not accept.
    private static char NonCanonicalLastCharacter(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int value = alphabet.IndexOf(text[^1], StringComparison.Ordinal);
        int spareBits = (text.Length % 4) switch { 2 => 4, 3 => 2, _ => 0 };
        return spareBits == 0 ? '=' : alphabet[value | 1];
    }

    private sealed class SettableTime : TimeProvider
    {
        public DateTimeOffset UtcNow { get; set; }

        public override DateTimeOffset GetUtcNow() => UtcNow;
    }
}
