using System.CommandLine;
using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Csv;
using Jnt.Consent.Cli.Terminal;
using Jnt.Consent.Synthetic;
using Domain = Jnt.Consent.Domain;

namespace Jnt.Consent.Cli.Commands;

/// <summary>
/// seed: generated Finnish customers (synthetic names, test-range identity codes, Finnish mobiles)
/// with their consent and objection histories, written through the public API (role: service).
/// The same --seed and --as-of give the same customers; every write carries an idempotency key
/// derived from them, so running it again, or after an interruption, records nothing twice.
/// </summary>
internal static class SeedCommand
{
    public const int DefaultSeed = 20260225;

    /// <summary>The generator's "now": fixed, so the default run is the same everywhere.</summary>
    public static readonly DateTimeOffset DefaultAsOf = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public static Command Create()
    {
        var customers = new Option<int>("--customers", "-n") { Description = "How many customers", Required = true };
        customers.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 10_000_000)
            {
                r.AddError("--customers must be 1 to 10,000,000");
            }
        });
        var seed = new Option<int>("--seed") { Description = "Picks the generated sequence", DefaultValueFactory = _ => DefaultSeed };
        var asOf = new Option<DateTimeOffset>("--as-of")
        {
            Description = "The generated register's \"now\": histories end there (default 2026-11-01)",
            DefaultValueFactory = _ => DefaultAsOf,
            CustomParser = CommonOptions.ParseInstant,
        };
        var parallel = new Option<int>("--parallel") { Description = "Customers written at once", DefaultValueFactory = _ => 32 };
        var contacts = new Option<string?>("--contacts-csv")
        {
            Description = "Also write the customers' ids, emails and phones to this CSV (a campaign list to scrub)",
        };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress" };
        var command = new Command("seed", """
            Write generated Finnish customers and their consent/objection histories through the API (role: service).
            Synthetic data only: identity codes in the test range 900-999, example-domain emails. Never send anything
            to the generated phone numbers: Finland has no fictional mobile range.
            """)
        {
            customers, seed, asOf, parallel, contacts, quiet,
        };
        command.SetGatewayAction("service", async (parse, gateway, cancellationToken) =>
        {
            var count = parse.GetValue(customers);
            var seedValue = parse.GetValue(seed);
            var generator = new FinnishCustomerGenerator(seedValue, parse.GetValue(asOf));
            var now = DateTimeOffset.UtcNow;
            using var inFlight = new SemaphoreSlim(Math.Max(1, parse.GetValue(parallel)));
            CsvWriter? contactsOut = null;
            StreamWriter? contactsFile = null;
            if (parse.GetValue(contacts) is { } contactsPath)
            {
                contactsFile = new StreamWriter(contactsPath, false, new UTF8Encoding(false));
                contactsOut = new CsvWriter(contactsFile);
                contactsOut.Write(["customer_id", "email", "phone"]);
            }
            long consumers = 0, businesses = 0, events = 0, replayed = 0;
            var first = new List<string>();
            var tasks = new List<Task>();
            Exception? failure = null;
            var progress = new Progress("seed", count, parse.GetValue(quiet));
            try
            {
                foreach (var customer in generator.Generate(count))
                {
                    await inFlight.WaitAsync(cancellationToken);
                    if (failure is not null)
                    {
                        break;
                    }
                    contactsOut?.Write([customer.CustomerId, customer.Email, customer.Phone]);
                    if (first.Count < 3)
                    {
                        first.Add($"{customer.CustomerId} ({(customer.Group == Domain.CustomerGroup.Consumer ? "consumer" : "business")})");
                    }
                    Interlocked.Increment(ref customer.Group == Domain.CustomerGroup.Consumer ? ref consumers : ref businesses);
                    tasks.Add(Task.Run(async () =>
                    {
                        try
                        {
                            var (written, replays) = await WriteAsync(gateway.Customers, customer, seedValue, now, cancellationToken);
                            Interlocked.Add(ref events, written);
                            Interlocked.Add(ref replayed, replays);
                        }
                        catch (Exception e)
                        {
                            failure ??= e;
                        }
                        finally
                        {
                            progress.Add();
                            inFlight.Release();
                        }
                    }, cancellationToken));
                    if (tasks.Count > 1024)
                    {
                        tasks.RemoveAll(t => t.IsCompleted);
                    }
                }
                await Task.WhenAll(tasks);
            }
            finally
            {
                await progress.DisposeAsync();
                if (contactsFile is not null)
                {
                    await contactsFile.DisposeAsync();
                }
            }
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }
            var elapsed = progress.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Seeded {count:N0} customers ({consumers:N0} consumers, {businesses:N0} businesses) with {events:N0} consent and objection events in {elapsed:N1} s ({count / Math.Max(elapsed, 0.001):N0} customers/s)"));
            if (replayed > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{replayed:N0} writes had been made before (same --seed): nothing recorded twice"));
            }
            Console.WriteLine($"First customers: {string.Join(", ", first)}");
            if (parse.GetValue(contacts) is { } written)
            {
                Console.WriteLine($"Contacts written to {written}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The customer, then its history in order. Returns the events written and the writes that were replays.</summary>
    private static async Task<(int Events, int Replays)> WriteAsync(CustomerService.CustomerServiceClient client, SyntheticCustomer customer, int seed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = $"seed-{seed}-{customer.CustomerId}";
        var provenance = new Provenance { Source = ConsentSource.Import, Actor = "jnt-consent-seed", Evidence = "synthetic data" };
        var upsert = new UpsertCustomerRequest
        {
            CustomerId = customer.CustomerId,
            Group = customer.Group == Domain.CustomerGroup.Consumer ? CustomerGroup.Consumer : CustomerGroup.Business,
            GivenName = customer.GivenName,
            FamilyName = customer.FamilyName,
            Emails = { customer.Email },
            Phones = { customer.Phone },
            Address = new PostalAddress { Street = customer.Address.Street, PostalCode = customer.Address.PostalCode, City = customer.Address.City, Country = "FI" },
            CustomerSince = Timestamp.FromDateTimeOffset(customer.CustomerSince),
            ContactObtainedInSale = customer.ContactObtainedInSale,
            Provenance = provenance,
            Options = new WriteOptions { IdempotencyKey = key + "-profile" },
        };
        if (customer.PersonalIdentityCode is { } code)
        {
            upsert.PersonalIdentityCode = code;
        }
        else if (customer.BirthDate is { } born)
        {
            upsert.BirthDate = Timestamp.FromDateTimeOffset(new DateTimeOffset(born.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        }
        if (customer.RelationshipEndedAt is { } ended)
        {
            upsert.RelationshipEndedAt = Timestamp.FromDateTimeOffset(ended);
        }
        var replays = (await client.UpsertCustomerAsync(upsert, cancellationToken: cancellationToken)).Result.Replayed ? 1 : 0;
        var events = 0;
        for (var i = 0; i < customer.History.Count; i++)
        {
            var change = customer.History[i];
            if (change.Change == SyntheticChange.Consent && change.ExpiresAt is { } expiry && expiry <= now)
            {
                // Lapsed already: recorded without its expiry it would become a live consent, so leave it out.
                continue;
            }
            var scope = new Scope();
            scope.Purposes.AddRange(change.Purposes.Select(p => (Purpose)(int)p));
            scope.Channels.AddRange(change.Channels.Select(c => (Channel)(int)c));
            var eventProvenance = new Provenance
            {
                Source = (ConsentSource)(int)change.Source,
                Actor = "jnt-consent-seed",
                // The API records the time of the call; the generated time is kept as evidence.
                Evidence = "synthetic event of " + change.At.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            };
            var options = new WriteOptions { IdempotencyKey = $"{key}-{i}" };
            var result = change.Change switch
            {
                SyntheticChange.Consent => await client.RecordConsentAsync(new RecordConsentRequest
                {
                    CustomerId = customer.CustomerId, Scope = scope, Provenance = eventProvenance, Options = options,
                    ExpiresAt = change.ExpiresAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
                }, cancellationToken: cancellationToken),
                SyntheticChange.Withdrawal => await client.WithdrawConsentAsync(new WithdrawConsentRequest
                {
                    CustomerId = customer.CustomerId, Scope = scope, Provenance = eventProvenance, Options = options,
                }, cancellationToken: cancellationToken),
                _ => await client.RecordObjectionAsync(new RecordObjectionRequest
                {
                    CustomerId = customer.CustomerId, Scope = scope, Provenance = eventProvenance, Options = options,
                }, cancellationToken: cancellationToken),
            };
            events++;
            replays += result.Replayed ? 1 : 0;
        }
        return (events, replays);
    }
}
