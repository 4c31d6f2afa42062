using Jnt.Consent.Cli.Connection;
using System.CommandLine;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Parsing;

namespace Jnt.Consent.Cli.Commands;

/// <summary>The options of a consent, withdrawal or objection: scope and provenance.</summary>
internal sealed class ScopeOptions
{
    public Option<string[]> Purposes { get; } = new("--purposes")
    {
        Description = "Purposes, comma-separated: " + string.Join(", ", Names.Purposes.SkipLast(1)) + "; or 'all'",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string[]> Channels { get; } = new("--channels")
    {
        Description = "Channels, comma-separated: " + string.Join(", ", Names.Channels) + "; or 'all'",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string> Source { get; } = new("--source")
    {
        Description = "Where it came from: " + string.Join(", ", Names.Sources),
        DefaultValueFactory = _ => "customer-service",
    };

    public Option<string> Actor { get; } = new("--actor")
    {
        Description = "Who recorded it (agent id or system name)",
        DefaultValueFactory = _ => "jnt-consent:" + Environment.UserName,
    };

    public Option<string?> Evidence { get; } = new("--evidence") { Description = "Evidence: form version shown, call recording id, document reference" };

    public Option<string?> Note { get; } = new("--note") { Description = "A note for customer service" };

    public Option<string?> IdempotencyKey { get; } = new("--idempotency-key") { Description = "A key unique to this change: a retry with it records nothing twice" };

    public Option<long?> ExpectedVersion { get; } = new("--expected-version") { Description = "Apply only if the customer is at this version" };

    public void AddTo(Command command)
    {
        command.Options.Add(Purposes);
        command.Options.Add(Channels);
        command.Options.Add(Source);
        command.Options.Add(Actor);
        command.Options.Add(Evidence);
        command.Options.Add(Note);
        command.Options.Add(IdempotencyKey);
        command.Options.Add(ExpectedVersion);
    }

    public Scope Scope(ParseResult parse)
    {
        var errors = new List<string>();
        var scope = ScopeOf(CommonOptions.Split(parse.GetValue(Purposes) ?? []).ToList(), CommonOptions.Split(parse.GetValue(Channels) ?? []).ToList(), errors);
        return errors.Count == 0 ? scope : throw new UsageException("--" + string.Join("; --", errors));
    }

    /// <summary>Purpose and channel names (or "all") as a scope; each unknown name is one error, "purposes: …" or "channels: …".</summary>
    public static Scope ScopeOf(IReadOnlyList<string> purposes, IReadOnlyList<string> channels, List<string> errors)
    {
        var scope = new Scope { AllPurposes = purposes is ["all"], AllChannels = channels is ["all"] };
        if (!scope.AllPurposes)
        {
            scope.Purposes.AddRange(Parse<Purpose>(purposes, "purposes", "purpose", Names.TryPurpose, Names.Purposes, errors));
        }
        if (!scope.AllChannels)
        {
            scope.Channels.AddRange(Parse<Channel>(channels, "channels", "channel", Names.TryChannel, Names.Channels, errors));
        }
        return scope;
    }

    private delegate bool TryParse<T>(string text, out T value);

    private static List<T> Parse<T>(IReadOnlyList<string> names, string field, string what, TryParse<T> tryParse, IEnumerable<string> known, List<string> errors)
    {
        var values = new List<T>();
        foreach (var name in names)
        {
            if (tryParse(name, out var value))
            {
                values.Add(value);
            }
            else
            {
                errors.Add($"{field}: \"{name}\" is not a {what}: one of {string.Join(", ", known)}, or all");
            }
        }
        return values;
    }

    public Provenance Provenance(ParseResult parse)
    {
        var sourceText = parse.GetValue(Source)!;
        if (!Names.TrySource(sourceText, out var source))
        {
            throw new UsageException($"--source: \"{sourceText}\" is not one of {string.Join(", ", Names.Sources)}");
        }
        return new Provenance
        {
            Source = source,
            Actor = parse.GetValue(Actor)!,
            Evidence = parse.GetValue(Evidence) ?? "",
            Note = parse.GetValue(Note) ?? "",
        };
    }

    public WriteOptions Options(ParseResult parse)
    {
        // Always a key: the gateway client retries writes, and a retry must never apply twice.
        var options = new WriteOptions { IdempotencyKey = parse.GetValue(IdempotencyKey) ?? Gateway.NewIdempotencyKey() };
        if (parse.GetValue(ExpectedVersion) is { } version)
        {
            options.ExpectedVersion = version;
        }
        return options;
    }
}
