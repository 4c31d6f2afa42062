using Jnt.Consent.Cli.Connection;
using Jnt.Consent.Cli.Csv;
using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Parsing;
using Jnt.Consent.Cli.Terminal;

namespace Jnt.Consent.Cli.Commands;

/// <summary>customer show|history|consent|withdraw|withdraw-and-forbid|objection|find: one customer at a time (role: service).</summary>
internal static class CustomerCommands
{
    public static Command Create()
    {
        var command = new Command("customer", "Read and change one customer (role: service)");
        command.Subcommands.Add(CreateCustomer());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(History());
        command.Subcommands.Add(Change("consent", "Record consent for purposes on channels (lifts an earlier objection for them)"));
        command.Subcommands.Add(Change("withdraw", "Withdraw consent: \"no\" on email and SMS to consumers, but calls, post and business email stay open"));
        command.Subcommands.Add(Change("withdraw-and-forbid", "Withdraw consent and forbid (kielto): closes calls, post and business email too; when in doubt, use this"));
        command.Subcommands.Add(Change("objection", "Record an objection (kielto): every later check for them is suppressed"));
        command.Subcommands.Add(Find());
        return command;
    }

    private static Argument<string> CustomerId() => new("customer-id") { Description = "The customer id (asiakastunnus)" };

    private static Command Show()
    {
        var id = CustomerId();
        var reason = CommonOptions.Reason("Why you read this customer's personal data (recorded with your credential)");
        var json = CommonOptions.Json();
        var command = new Command("show", "The customer's profile and consent grid, with each cell's current answer") { id, reason, json };
        command.SetGatewayAction("service", async (parse, gateway, cancellationToken) =>
        {
            var customer = await gateway.Customers.GetCustomerAsync(
                new GetCustomerRequest { CustomerId = parse.GetValue(id)!, AccessReason = parse.GetValue(reason)! }, cancellationToken: cancellationToken);
            Console.Write(parse.GetValue(json) ? JsonFormatter.Default.Format(customer) + "\n" : Render(customer));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command History()
    {
        var id = CustomerId();
        var reason = CommonOptions.Reason("Why you read this customer's history (recorded with your credential)");
        var json = CommonOptions.Json();
        var command = new Command("history", "Every recorded change, oldest first") { id, reason, json };
        command.SetGatewayAction("service", async (parse, gateway, cancellationToken) =>
        {
            // Every page: the gateway answers at most 1,000 changes per call.
            var history = new GetHistoryResponse();
            var request = new GetHistoryRequest { CustomerId = parse.GetValue(id)!, AccessReason = parse.GetValue(reason)! };
            do
            {
                var page = await gateway.Customers.GetHistoryAsync(request, cancellationToken: cancellationToken);
                history.CustomerId = page.CustomerId;
                history.Events.AddRange(page.Events);
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonFormatter.Default.Format(history));
                return ExitCodes.Ok;
            }
            var table = new Table("version", "recorded (UTC)", "event", "purposes", "channels", "source", "actor", "evidence");
            foreach (var e in history.Events)
            {
                var what = e.Kind == HistoryEventKind.ProfileUpdated && e.ChangedFields.Count > 0
                    ? "profile-updated (" + string.Join(", ", e.ChangedFields) + ")"
                    : Names.ToName(e.Kind);
                if (e.ExpiresAt is not null)
                {
                    what += " until " + Date(e.ExpiresAt);
                }
                if (e.ImportedAt is not null)
                {
                    // Its time is when it happened in the earlier system.
                    what += ", imported " + Date(e.ImportedAt);
                }
                table.Add(e.Version.ToString(CultureInfo.InvariantCulture), Time(e.RecordedAt), what,
                    e.Purposes.Count == 4 && !e.Purposes.Contains(Purpose.CustomerRelationship) ? "all" : List(e.Purposes),
                    e.Channels.Count == 5 ? "all" : List(e.Channels),
                    e.Provenance is null ? "" : Names.ToName(e.Provenance.Source), e.Provenance?.Actor ?? "", e.Provenance?.Evidence ?? "");
            }
            Console.WriteLine($"History of customer {history.CustomerId}: {history.Events.Count} events");
            Console.Write(table.Render());
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Change(string name, string description)
    {
        var id = CustomerId();
        var scope = new ScopeOptions();
        var expires = new Option<DateTimeOffset?>("--expires")
        {
            Description = "When the consent lapses (ISO date or time, in the future; UTC unless an offset is given)",
            CustomParser = r => CommonOptions.ParseInstant(r),
        };
        var command = new Command(name, description) { id };
        scope.AddTo(command);
        if (name == "consent")
        {
            command.Options.Add(expires);
        }
        command.SetGatewayAction("service", async (parse, gateway, cancellationToken) =>
        {
            var customerId = parse.GetValue(id)!;
            var customers = gateway.Customers;
            var options = scope.Options(parse);
            WriteResult result = await RpcFailures.NamingKey(options.IdempotencyKey, async () => name switch
            {
                "consent" => await customers.RecordConsentAsync(new RecordConsentRequest
                {
                    CustomerId = customerId,
                    Scope = scope.Scope(parse),
                    Provenance = scope.Provenance(parse),
                    Options = options,
                    ExpiresAt = parse.GetValue(expires) is { } at ? Timestamp.FromDateTimeOffset(at) : null,
                }, cancellationToken: cancellationToken),
                "withdraw" => await customers.WithdrawConsentAsync(new WithdrawConsentRequest
                {
                    CustomerId = customerId, Scope = scope.Scope(parse), Provenance = scope.Provenance(parse), Options = options,
                }, cancellationToken: cancellationToken),
                // An objection ends any consent and forbids: one write, so the two never come apart.
                _ => await customers.RecordObjectionAsync(new RecordObjectionRequest
                {
                    CustomerId = customerId, Scope = scope.Scope(parse), Provenance = scope.Provenance(parse), Options = options,
                }, cancellationToken: cancellationToken),
            });
            var what = name switch
            {
                "consent" => "Consent recorded",
                "withdraw" => "Consent withdrawn",
                "withdraw-and-forbid" => "Consent withdrawn and objection recorded",
                _ => "Objection recorded",
            };
            Console.WriteLine(result.Replayed
                ? $"{what} earlier with this idempotency key; nothing new written (customer {customerId}, version {result.Version})"
                : $"{what} for customer {customerId}: version {result.Version}, at {Time(result.RecordedAt)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>One customer from options, validated as a row of `import customers` is (the same parsers).</summary>
    private static Command CreateCustomer()
    {
        var id = CustomerId();
        var group = new Option<string>("--group") { Description = "consumer or business", Required = true };
        group.AcceptOnlyFromAmong("consumer", "business");
        var givenName = new Option<string?>("--given-name") { Description = "Given names" };
        var familyName = new Option<string?>("--family-name") { Description = "Family name, or the company's name" };
        var emails = new Option<string[]>("--email") { Description = "An email address (repeat for several)", AllowMultipleArgumentsPerToken = false };
        var phones = new Option<string[]>("--phone") { Description = "A phone number, +358… or 040… (repeat for several)", AllowMultipleArgumentsPerToken = false };
        var street = new Option<string?>("--street") { Description = "Street address" };
        var postalCode = new Option<string?>("--postal-code") { Description = "Postal code" };
        var city = new Option<string?>("--city") { Description = "Post office" };
        var since = new Option<string?>("--customer-since") { Description = "When the customer relationship started (YYYY-MM-DD; default: now)" };
        var inSale = new Option<bool>("--contact-obtained-in-sale") { Description = "The contact details were obtained in a sale (soft opt-in, §200(2))" };
        var actor = new Option<string>("--actor") { Description = "Who records it", DefaultValueFactory = _ => Environment.UserName };
        var command = new Command("create", "Create a customer (or update its profile): the same checks as a row of import customers")
        {
            id, group, givenName, familyName, emails, phones, street, postalCode, city, since, inSale, actor,
        };
        command.SetGatewayAction("service", async (parse, gateway, cancellationToken) =>
        {
            (string Column, string Value)[] cells =
            [
                ("customer_id", parse.GetValue(id)!), ("group", parse.GetValue(group)!),
                ("given_name", parse.GetValue(givenName) ?? ""), ("family_name", parse.GetValue(familyName) ?? ""),
                ("emails", string.Join(';', parse.GetValue(emails) ?? [])), ("phones", string.Join(';', parse.GetValue(phones) ?? [])),
                ("street", parse.GetValue(street) ?? ""), ("postal_code", parse.GetValue(postalCode) ?? ""), ("city", parse.GetValue(city) ?? ""),
                ("customer_since", parse.GetValue(since) ?? ""), ("contact_obtained_in_sale", parse.GetValue(inSale) ? "true" : ""),
            ];
            var provenance = new Provenance { Source = ConsentSource.CustomerService, Actor = parse.GetValue(actor)! };
            var rows = new CustomerRows(new CsvHeader([.. cells.Select(c => c.Column)]), provenance, DateTimeOffset.UtcNow);
            var (request, errors) = rows.Read(new CsvRecord([.. cells.Select(c => c.Value)], 1));
            if (request is null)
            {
                // Named as the options are: "emails[0]: …" is --email's first value.
                throw new UsageException(string.Join("; ", errors.Select(e => "--" + e.Replace('_', '-').Replace("emails", "email", StringComparison.Ordinal).Replace("phones", "phone", StringComparison.Ordinal))));
            }
            request.Options = new WriteOptions { IdempotencyKey = Gateway.NewIdempotencyKey() };
            var response = await RpcFailures.NamingKey(request.Options.IdempotencyKey, async () =>
                await gateway.Customers.UpsertCustomerAsync(request, cancellationToken: cancellationToken));
            Console.WriteLine(response.Created
                ? $"Customer {request.CustomerId} created: version {response.Result.Version}"
                : $"Customer {request.CustomerId} updated: version {response.Result.Version}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Find()
    {
        var email = new Option<string?>("--email") { Description = "An email address" };
        var phone = new Option<string?>("--phone") { Description = "A phone number" };
        var code = new Option<string?>("--identity-code") { Description = "A henkilötunnus (looked up by its keyed hash)" };
        var command = new Command("find", "Customer ids by email, phone or henkilötunnus") { email, phone, code };
        command.Validators.Add(result =>
        {
            if (new[] { email, phone, code }.Count(o => result.GetResult(o) is not null) != 1)
            {
                result.AddError("give exactly one of --email, --phone, --identity-code");
            }
        });
        command.SetGatewayAction("service", async (parse, gateway, cancellationToken) =>
        {
            var request = new FindCustomersRequest();
            if (parse.GetValue(email) is { } e)
            {
                request.Email = e;
            }
            else if (parse.GetValue(phone) is { } p)
            {
                request.Phone = p;
            }
            else
            {
                request.PersonalIdentityCode = parse.GetValue(code)!;
            }
            var found = await gateway.Customers.FindCustomersAsync(request, cancellationToken: cancellationToken);
            foreach (var id in found.CustomerIds)
            {
                Console.WriteLine(id);
            }
            return found.CustomerIds.Count > 0 ? ExitCodes.Ok : ExitCodes.NotFound;
        });
        return command;
    }

    public static string Render(Customer c)
    {
        var lines = new System.Text.StringBuilder();
        lines.AppendLine($"Customer {c.CustomerId} ({Names.ToName(c.Group)}), version {c.Version}");
        var name = string.Join(" ", new[] { c.GivenName, c.FamilyName }.Where(n => n.Length > 0));
        lines.AppendLine($"  name             {name}");
        lines.AppendLine($"  emails           {string.Join(", ", c.Emails)}");
        lines.AppendLine($"  phones           {string.Join(", ", c.Phones)}");
        if (c.Address is { } a)
        {
            lines.AppendLine($"  address          {a.Street}, {a.PostalCode} {a.City}{(a.Country is "" or "FI" ? "" : ", " + a.Country)}");
        }
        if (c.BirthDate is not null)
        {
            lines.AppendLine($"  birth date       {Date(c.BirthDate)}{(c.HasPersonalIdentityCode ? " (identity code on file, kept as a keyed hash)" : "")}");
        }
        lines.AppendLine($"  customer since   {Date(c.CustomerSince)}{(c.RelationshipEndedAt is null ? "" : ", ended " + Date(c.RelationshipEndedAt))}");
        lines.AppendLine($"  contact in sale  {(c.ContactObtainedInSale ? "yes" : "no")}");
        lines.AppendLine($"Consents and current answers (policy {c.PolicyVersion}):");
        var channels = System.Enum.GetValues<Channel>().Skip(1).ToArray();
        var table = new Table(["purpose", .. channels.Select(Names.ToName)]);
        foreach (var purpose in System.Enum.GetValues<Purpose>().Skip(1))
        {
            var row = new List<string> { Names.ToName(purpose) };
            foreach (var channel in channels)
            {
                var cell = c.Consents.FirstOrDefault(x => x.Purpose == purpose && x.Channel == channel);
                row.Add(cell is null ? "?" : Cell(cell));
            }
            table.Add([.. row]);
        }
        lines.Append(table.Render("  "));
        lines.AppendLine("  (recorded status, if any, then the current answer: + allowed, - suppressed, and why)");
        return lines.ToString();
    }

    private static string Cell(ConsentCell cell)
    {
        var status = cell.Status switch
        {
            ConsentStatus.Consented => "consented",
            ConsentStatus.Withdrawn => "withdrawn",
            ConsentStatus.Objected => "OBJECTED",
            _ => "",
        };
        var answer = (cell.Allowed ? "+" : "-") + Names.ToName(cell.Reason);
        return status.Length == 0 ? answer : status + " " + answer;
    }

    private static string List<T>(IEnumerable<T> values) where T : struct, System.Enum => string.Join(",", values.Select(Names.ToName));

    public static string Time(Timestamp? t) => t is null ? "" : t.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Date(Timestamp? t) => t is null ? "" : t.ToDateTimeOffset().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
