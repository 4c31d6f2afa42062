using Jnt.Consent.Cli.Connection;
using System.CommandLine;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Parsing;

namespace Jnt.Consent.Cli.Commands;

/// <summary>
/// contact forbid|show|allow: the operator's own do-not-contact list, for any email address, phone
/// number or postal address, whether or not it belongs to a customer.
/// </summary>
internal static class ContactCommands
{
    public static Command Create()
    {
        var command = new Command("contact", "The do-not-contact list: forbid contact to an email address, phone number or postal address, customer or not");
        command.Subcommands.Add(Forbid());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Allow());
        return command;
    }

    private static Command Forbid()
    {
        var point = new ContactPointOptions();
        var channels = new Option<string[]>("--channels", "--channel")
        {
            Description = "Channels to forbid, comma-separated: email (an address); phone, sms, automated-call (a number); post (a postal address); or 'all' (default: all that reach the contact point)",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => ["all"],
        };
        var source = new Option<string>("--source")
        {
            Description = "Where it came from: " + string.Join(", ", Names.Sources),
            DefaultValueFactory = _ => "customer-service",
        };
        var actor = new Option<string>("--actor")
        {
            Description = "Who recorded it (agent id or system name)",
            DefaultValueFactory = _ => "jnt-consent:" + Environment.UserName,
        };
        var evidence = new Option<string?>("--evidence") { Description = "Evidence: call recording id, letter, ticket" };
        var note = new Option<string?>("--note") { Description = "A note for customer service (what the person said)" };
        var key = new Option<string?>("--idempotency-key") { Description = "A key unique to this prohibition: a retry with it records nothing twice" };
        var json = CommonOptions.Json();
        var command = new Command("forbid", """
            Forbid contact to an email address, phone number or postal address (role: service). In force at the next
            check on every silo, for that contact point alone and for every customer who has it.
            """);
        point.AddTo(command);
        foreach (var option in new Option[] { channels, source, actor, evidence, note, key, json })
        {
            command.Options.Add(option);
        }
        command.SetGatewayAction("service", async (parse, gateway, cancellationToken) =>
        {
            var sourceText = parse.GetValue(source)!;
            if (!Names.TrySource(sourceText, out var consentSource))
            {
                throw new UsageException($"--source: \"{sourceText}\" is not one of {string.Join(", ", Names.Sources)}");
            }
            var request = new ForbidContactRequest
            {
                Contact = point.Read(parse),
                Provenance = new Provenance
                {
                    Source = consentSource,
                    Actor = parse.GetValue(actor)!,
                    Evidence = parse.GetValue(evidence) ?? "",
                    Note = parse.GetValue(note) ?? "",
                },
                IdempotencyKey = parse.GetValue(key) ?? Gateway.NewIdempotencyKey(),
            };
            var names = CommonOptions.Split(parse.GetValue(channels) ?? []).ToList();
            if (names is [] or ["all"])
            {
                request.AllChannels = true;
            }
            else
            {
                request.Channels.AddRange(names.Select(Names.ParseChannel));
            }
            var response = await RpcFailures.NamingKey(request.IdempotencyKey, () => gateway.DoNotContact.ForbidContactAsync(request, cancellationToken: cancellationToken).ResponseAsync);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonFormatter.Default.Format(response));
                return ExitCodes.Ok;
            }
            var p = response.Prohibition;
            Console.WriteLine(response.Replayed
                ? $"Prohibition {p.ProhibitionId} was recorded earlier with this idempotency key; nothing new written"
                : $"Prohibition {p.ProhibitionId} recorded at {CustomerCommands.Time(p.RecordedAt)}: {List(p.Channels)} forbidden to this {Describe(p.Kind)}");
            Console.WriteLine($"Forbidden now: {List(response.ForbiddenChannels)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show()
    {
        var point = new ContactPointOptions();
        var reason = CommonOptions.Reason("Why you read what is recorded about this contact point (recorded with your credential)");
        var json = CommonOptions.Json();
        var command = new Command("show", "Every prohibition of a contact point, in force or removed, with its provenance, and every read of them (role: service or admin)");
        point.AddTo(command);
        command.Options.Add(reason);
        command.Options.Add(json);
        command.SetGatewayAction("service", async (parse, gateway, cancellationToken) =>
        {
            var response = await gateway.DoNotContact.GetContactProhibitionsAsync(
                new GetContactProhibitionsRequest { Contact = point.Read(parse), AccessReason = parse.GetValue(reason)! }, cancellationToken: cancellationToken);
            Console.Write(parse.GetValue(json) ? JsonFormatter.Default.Format(response) + "\n" : Render(response));
            return response.Prohibitions.Count > 0 ? ExitCodes.Ok : ExitCodes.NotFound;
        });
        return command;
    }

    private static Command Allow()
    {
        var point = new ContactPointOptions();
        var reason = CommonOptions.Reason("Why the prohibition is lifted (e.g. \"recorded on the wrong number, ticket 4711\"); recorded");
        var prohibition = new Option<string?>("--prohibition") { Description = "Only this prohibition (its id, from forbid or show); default: every one in force" };
        var command = new Command("allow", "Lift the prohibitions of a contact point (role: admin); they stay in the ledger with your reason");
        point.AddTo(command);
        command.Options.Add(reason);
        command.Options.Add(prohibition);
        command.SetGatewayAction("admin", async (parse, gateway, cancellationToken) =>
        {
            var response = await gateway.DoNotContact.AllowContactAsync(new AllowContactRequest
            {
                Contact = point.Read(parse),
                Reason = parse.GetValue(reason)!,
                ProhibitionId = parse.GetValue(prohibition) ?? "",
            }, cancellationToken: cancellationToken);
            foreach (var removed in response.Removed)
            {
                Console.WriteLine($"Prohibition {removed.ProhibitionId} ({List(removed.Channels)}) removed at {CustomerCommands.Time(removed.RemovedAt)}");
            }
            Console.WriteLine(response.ForbiddenChannels.Count == 0
                ? "Nothing is forbidden to this contact point now"
                : $"Still forbidden by other prohibitions: {List(response.ForbiddenChannels)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static string Render(GetContactProhibitionsResponse response)
    {
        var text = new StringBuilder();
        var kind = Describe(response.Kind);
        text.AppendLine(response.ForbiddenChannels.Count == 0
            ? $"Nothing is forbidden to this {kind} now"
            : $"Forbidden to this {kind} now: {List(response.ForbiddenChannels)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Prohibitions ({response.Prohibitions.Count}):");
        foreach (var p in response.Prohibitions)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {p.ProhibitionId}  recorded {CustomerCommands.Time(p.RecordedAt)} by {p.RecordedBy} ({p.Provenance.Actor}, {Names.ToName(p.Provenance.Source)})");
            text.AppendLine(CultureInfo.InvariantCulture, $"    channels  {List(p.Channels)}");
            if (p.Provenance.Evidence.Length > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    evidence  {p.Provenance.Evidence}");
            }
            if (p.Provenance.Note.Length > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    note      {p.Provenance.Note.ReplaceLineEndings(" / ")}");
            }
            text.AppendLine(p.RemovedAt is null
                ? "    in force"
                : $"    removed   {CustomerCommands.Time(p.RemovedAt)} by {p.RemovedBy}: {p.RemovalReason}");
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"Reads ({response.Reads.Count}):");
        foreach (var r in response.Reads)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {CustomerCommands.Time(r.ReadAt)}  {r.ReadBy}  {r.Reason}");
        }
        return text.ToString();
    }

    private static string Describe(ContactKind kind) => kind switch
    {
        ContactKind.Email => "email address",
        ContactKind.Phone => "phone number",
        _ => "postal address",
    };

    private static string List(IEnumerable<Channel> channels) => string.Join(", ", channels.Select(Names.ToName));

    /// <summary>--email, --phone, or --street with --postal-code (and --city, --country): exactly one contact point.</summary>
    private sealed class ContactPointOptions
    {
        private readonly Option<string?> email = new("--email") { Description = "An email address" };
        private readonly Option<string?> phone = new("--phone") { Description = "A phone number (E.164 or Finnish national form)" };
        private readonly Option<string?> street = new("--street") { Description = "A postal address: street and number (with --postal-code)" };
        private readonly Option<string?> postalCode = new("--postal-code") { Description = "The postal address's postcode" };
        private readonly Option<string?> city = new("--city") { Description = "The postal address's city (not part of the match)" };
        private readonly Option<string?> country = new("--country") { Description = "The postal address's ISO country code (default FI)" };

        public void AddTo(Command command)
        {
            foreach (var option in new[] { email, phone, street, postalCode, city, country })
            {
                command.Options.Add(option);
            }
            command.Validators.Add(result =>
            {
                if (new[] { email, phone, street }.Count(o => result.GetResult(o) is not null) != 1)
                {
                    result.AddError("give exactly one of --email, --phone, --street (with --postal-code)");
                }
                else if (result.GetResult(street) is not null && result.GetResult(postalCode) is null)
                {
                    result.AddError("--street needs --postal-code");
                }
                else if (result.GetResult(street) is null && new[] { postalCode, city, country }.Any(o => result.GetResult(o) is not null))
                {
                    result.AddError("--postal-code, --city and --country belong to --street");
                }
            });
        }

        public ContactPoint Read(ParseResult parse)
        {
            if (parse.GetValue(email) is { } e)
            {
                return new ContactPoint { Email = e };
            }
            if (parse.GetValue(phone) is { } p)
            {
                return new ContactPoint { Phone = p };
            }
            return new ContactPoint
            {
                Address = new PostalAddress
                {
                    Street = parse.GetValue(street)!,
                    PostalCode = parse.GetValue(postalCode)!,
                    City = parse.GetValue(city) ?? "",
                    Country = parse.GetValue(country) ?? "",
                },
            };
        }
    }
}
