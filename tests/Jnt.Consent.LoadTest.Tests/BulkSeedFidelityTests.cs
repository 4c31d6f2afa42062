using System.Globalization;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using Npgsql;
using WriteOptions = Jnt.Consent.Api.V1.WriteOptions;

namespace Jnt.Consent.LoadTest.Tests;

/// <summary>
/// The same generated population twice: gateway A gets all of it through the API (the load
/// generator's <c>seed</c>); gateway B gets the first part through the API and the rest from
/// <c>bulk-seed</c> (COPY straight into grain storage, continuing the generator), as
/// benchmarks/run.sh does. After a cache rebuild on both, every read and check must answer the same.
/// Only the times the API stamps on each write (cells' and history entries' recorded_at) may differ.
/// </summary>
public sealed class BulkSeedFidelityTests(SeededPair pair) : IClassFixture<SeededPair>
{
    private static readonly Purpose[] Purposes = [.. Enum.GetValues<Purpose>().Where(p => p != Purpose.Unspecified)];
    private static readonly Channel[] Channels = [.. Enum.GetValues<Channel>().Where(c => c != Channel.Unspecified)];

    [Fact]
    public void The_contacts_file_covers_the_same_population_with_unique_ids()
    {
        Assert.Equal(SeededPair.Customers + 1, pair.ContactsA.Length);
        Assert.Equal(pair.ContactsA, pair.ContactsB);
        Assert.Equal(SeededPair.Customers, pair.Contacts.Select(c => c.CustomerId).Distinct().Count());
        Assert.Equal(SeededPair.Customers, pair.Contacts.Select(c => c.Phone).Distinct().Count());
    }

    [Fact]
    public async Task GetCustomer_and_GetHistory_answer_the_same()
    {
        var histories = 0;
        var kinds = new HashSet<HistoryEventKind>();
        foreach (var contact in pair.Contacts)
        {
            var a = await pair.A.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = contact.CustomerId, AccessReason = "fidelity test" });
            var b = await pair.B.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = contact.CustomerId, AccessReason = "fidelity test" });
            Assert.Equal(WithoutWriteTimes(a), WithoutWriteTimes(b));
            Assert.Equal(contact.Email, Assert.Single(b.Emails));

            var historyA = await pair.A.Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = contact.CustomerId, AccessReason = "fidelity test" });
            var historyB = await pair.B.Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = contact.CustomerId, AccessReason = "fidelity test" });
            Assert.Equal(WithoutWriteTimes(historyA), WithoutWriteTimes(historyB));
            Assert.Equal(b.Version, historyB.Events[^1].Version);
            histories += historyB.Events.Count > 1 ? 1 : 0;
            kinds.UnionWith(historyB.Events.Select(e => e.Kind));
        }
        // The population exercises more than customer creation.
        Assert.True(histories > SeededPair.Customers / 3, $"only {histories} customers have a consent history");
        Assert.Contains(HistoryEventKind.ConsentRecorded, kinds);
        Assert.Contains(HistoryEventKind.ObjectionRecorded, kinds);
    }

    [Fact]
    public async Task FindCustomers_by_email_and_phone_answer_the_same()
    {
        foreach (var contact in pair.Contacts)
        {
            foreach (var request in new[] { new FindCustomersRequest { Email = contact.Email }, new FindCustomersRequest { Phone = contact.Phone } })
            {
                var a = await pair.A.Customers.FindCustomersAsync(request);
                var b = await pair.B.Customers.FindCustomersAsync(request);
                Assert.Equal(contact.CustomerId, Assert.Single(a.CustomerIds));
                Assert.Equal(a.CustomerIds, b.CustomerIds);
            }
        }
    }

    [Fact]
    public async Task Check_answers_the_same_for_every_contact_channel_and_purpose()
    {
        var checks = pair.Contacts.SelectMany(c => new[] { new CheckRequest { Email = c.Email }, new CheckRequest { Phone = c.Phone } })
            .SelectMany(subject => Purposes.SelectMany(p => Channels.Where(ch => SeededPair.Reaches(subject, ch)).Select(ch =>
            {
                var check = subject.Clone();
                check.Purpose = p;
                check.Channel = ch;
                return check;
            })))
            .ToList();
        var allowed = 0;
        foreach (var chunk in checks.Chunk(32))
        {
            var a = await Task.WhenAll(chunk.Select(c => pair.A.Suppression.CheckAsync(c).ResponseAsync));
            var b = await Task.WhenAll(chunk.Select(c => pair.B.Suppression.CheckAsync(c).ResponseAsync));
            for (var i = 0; i < chunk.Length; i++)
            {
                Assert.True(a[i].Equals(b[i]), $"{chunk[i]}: A {a[i]}, B {b[i]}");
                allowed += b[i].Allowed ? 1 : 0;
            }
        }
        Assert.InRange(allowed, 1, checks.Count - 1);
    }

    [Fact]
    public async Task CheckBatch_answers_the_same_by_id_email_and_phone_with_and_without_a_campaign()
    {
        var items = new List<(string, CheckRequest)>();
        foreach (var contact in pair.Contacts)
        {
            foreach (var subject in new[] { new CheckRequest { CustomerId = contact.CustomerId }, new CheckRequest { Email = contact.Email }, new CheckRequest { Phone = contact.Phone } })
            {
                foreach (var purpose in Purposes)
                {
                    foreach (var channel in Channels.Where(ch => SeededPair.Reaches(subject, ch)))
                    {
                        foreach (var campaign in new[] { false, true })
                        {
                            var check = subject.Clone();
                            check.Purpose = purpose;
                            check.Channel = channel;
                            if (campaign)
                            {
                                check.Campaign = new CampaignContext { MarketsOwnSimilarProducts = true };
                            }
                            items.Add(($"{items.Count}", check));
                        }
                    }
                }
            }
        }
        var a = await SuppressionCalls.CheckBatchAsync(pair.A, items);
        var b = await SuppressionCalls.CheckBatchAsync(pair.B, items);
        Assert.Equal(items.Count, a.AnswerCount);
        Assert.Equal(items.Count, b.AnswerCount);
        var reasons = new HashSet<DecisionReason>();
        foreach (var (id, check) in items)
        {
            Assert.True(a.Answers[id].Result.Equals(b.Answers[id].Result), $"{check}: A {a.Answers[id]}, B {b.Answers[id]}");
            reasons.Add(b.Answers[id].Result.Reason);
        }
        Assert.Contains(DecisionReason.Consent, reasons);
        Assert.Contains(DecisionReason.Objection, reasons);
        Assert.Contains(DecisionReason.SoftOptIn, reasons);
    }

    [Fact]
    public async Task Rerunning_the_API_seed_over_bulk_loaded_customers_replays_every_write()
    {
        var before = await VersionsAsync(pair.B);
        // Same requests, same idempotency keys: a request digest that differs from the API's would
        // make the gateway refuse them as reused keys, and the seed would exit with failures.
        var rerun = await pair.RunLoadTestAsync("seed", "--address", pair.B.Address.ToString(), "--api-key", pair.B.Keys["service"],
            "--customers", SeededPair.Customers.ToString(CultureInfo.InvariantCulture), "--concurrency", "8",
            "--contacts-out", Path.Combine(pair.Directory, "rerun.csv"), "--generator-now", pair.GeneratorNow);
        Assert.True(rerun.ExitCode == 0, rerun.Output);
        Assert.Equal(before, await VersionsAsync(pair.B));
    }

    [Fact]
    public async Task A_write_to_a_bulk_loaded_customer_continues_its_stored_state()
    {
        // A bulk-loaded customer with a consented email cell: the check allows it before the objection.
        var bulk = pair.Contacts.Skip(SeededPair.ApiCustomers).ToList();
        (SeededPair.Contact Contact, Purpose Purpose)? target = null;
        foreach (var contact in bulk)
        {
            var customer = await pair.B.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = contact.CustomerId, AccessReason = "fidelity test" });
            if (customer.Consents.FirstOrDefault(c => c.Channel == Channel.Email && c.Status == ConsentStatus.Consented && c.Allowed) is { } cell)
            {
                target = (contact, cell.Purpose);
                break;
            }
        }
        Assert.NotNull(target);
        var (who, purpose) = target.Value;
        var check = new CheckRequest { Email = who.Email, Purpose = purpose, Channel = Channel.Email };
        Assert.True((await pair.B.Suppression.CheckAsync(check)).Allowed);
        var version = (await pair.B.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = who.CustomerId, AccessReason = "fidelity test" })).Version;

        var objection = new RecordObjectionRequest
        {
            CustomerId = who.CustomerId,
            Scope = new Scope { Purposes = { purpose }, Channels = { Channel.Email } },
            Provenance = new Provenance { Source = ConsentSource.CustomerService, Actor = "fidelity test" },
            Options = new WriteOptions { IdempotencyKey = "fidelity-objection" },
        };
        var written = await pair.B.Customers.RecordObjectionAsync(objection);
        // The grain read the COPY'd state: its version continues rather than starting again at 1.
        Assert.Equal(version + 1, written.Version);
        Assert.False(written.Replayed);
        var after = await pair.B.Suppression.CheckAsync(check);
        Assert.False(after.Allowed);
        Assert.Equal(DecisionReason.Objection, after.Reason);
        // The grain updated the bulk-loaded row instead of creating another.
        await using (var connection = new NpgsqlConnection(pair.DatabaseB))
        {
            await connection.OpenAsync();
            await using var rows = new NpgsqlCommand(
                "SELECT count(*) FROM orleansstorage WHERE graintypestring = 'customer' AND grainidextensionstring = @key", connection);
            rows.Parameters.AddWithValue("key", "cust:" + who.CustomerId);
            Assert.Equal(1L, (long)(await rows.ExecuteScalarAsync())!);
        }
        // The same write on A keeps the two populations equal for the other tests.
        Assert.Equal(written.Version, (await pair.A.Customers.RecordObjectionAsync(objection)).Version);
    }

    [Fact]
    public async Task Tallies_count_bulk_loaded_customers_as_the_projector_counts_API_seeded_ones()
    {
        var a = await pair.A.Tallies.GetTalliesAsync(new GetTalliesRequest());
        var b = await pair.B.Tallies.GetTalliesAsync(new GetTalliesRequest());
        Assert.NotEmpty(b.Rows);
        Assert.Equal(a.Rows, b.Rows);
        var total = await pair.B.Tallies.GetTalliesAsync(new GetTalliesRequest
        {
            Selection = new TallySelection { CombineGroups = true, CombinePurposes = true, CombineChannels = true },
        });
        Assert.Equal(SeededPair.Customers, Assert.Single(total.Rows).Customers.Count);
        // The gateway's own recount from the stored states agrees with the booked counters, statuses and daily changes.
        var recount = await Processes.RunServerCommandAsync(["recount-tallies", .. pair.ArgumentsB]);
        Assert.True(recount.ExitCode == 0, recount.Output);
        Assert.Contains("No difference", recount.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bulk_load_leaves_the_tally_trigger_on_and_one_row_per_grain()
    {
        await using var connection = new NpgsqlConnection(pair.DatabaseB);
        await connection.OpenAsync();
        await using (var trigger = new NpgsqlCommand("SELECT tgenabled::text FROM pg_trigger WHERE tgname = 'trg_jnt_tally_write'", connection))
        {
            Assert.Equal("O", (string)(await trigger.ExecuteScalarAsync())!);
        }
        await using var counts = new NpgsqlCommand(
            "SELECT graintypestring, count(*), count(DISTINCT grainidextensionstring) FROM orleansstorage GROUP BY graintypestring ORDER BY 1", connection);
        await using var reader = await counts.ExecuteReaderAsync();
        var seen = new Dictionary<string, (long Rows, long Keys)>();
        while (await reader.ReadAsync())
        {
            seen[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }
        Assert.Equal((SeededPair.Customers, SeededPair.Customers), seen["customer"]);
        Assert.Equal(seen["contact-point"].Rows, seen["contact-point"].Keys);
        // An email and a phone each, and an identity code for most consumers.
        Assert.InRange(seen["contact-point"].Rows, 2L * SeededPair.Customers + 1, 3L * SeededPair.Customers);
    }

    private async Task<Dictionary<string, long>> VersionsAsync(GatewayProcess gateway)
    {
        var versions = new Dictionary<string, long>();
        foreach (var contact in pair.Contacts)
        {
            versions[contact.CustomerId] = (await gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = contact.CustomerId, AccessReason = "fidelity test" })).Version;
        }
        return versions;
    }

    private static Customer WithoutWriteTimes(Customer customer)
    {
        var copy = customer.Clone();
        foreach (var cell in copy.Consents)
        {
            cell.RecordedAt = null;
        }
        return copy;
    }

    private static GetHistoryResponse WithoutWriteTimes(GetHistoryResponse history)
    {
        var copy = history.Clone();
        foreach (var entry in copy.Events)
        {
            entry.RecordedAt = null;
        }
        return copy;
    }
}

/// <summary>Gateways A (API seed) and B (API seed, then bulk load) over the same population, caches rebuilt.</summary>
public sealed class SeededPair : IAsyncLifetime, IDisposable
{
    public const int Customers = 150;
    public const int ApiCustomers = 50;

    private readonly TempDirectory directoryA = new();
    private readonly TempDirectory directoryB = new();
    private readonly TempDirectory work = new();

    public sealed record Contact(string CustomerId, string Email, string Phone);

    public GatewayProcess A { get; private set; } = null!;

    public GatewayProcess B { get; private set; } = null!;

    public string DatabaseB { get; private set; } = "";

    /// <summary>Gateway B's production settings, for the server's commands.</summary>
    public string[] ArgumentsB { get; private set; } = [];

    public string Directory => work.Path;

    /// <summary>The generator's "now", shared by every seed of the pair (the generator's output depends on it).</summary>
    public string GeneratorNow { get; } = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O", CultureInfo.InvariantCulture);

    public string[] ContactsA { get; private set; } = [];

    public string[] ContactsB { get; private set; } = [];

    public IReadOnlyList<Contact> Contacts { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var key = TestServices.NewPseudonymisationKey();
        var databaseA = await TestServices.CreateDatabaseAsync();
        DatabaseB = await TestServices.CreateDatabaseAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        A = await GatewayProcess.StartAsync(directoryA.Path, TestServices.ProductionArguments(databaseA, "bsa" + suffix, key));
        ArgumentsB = TestServices.ProductionArguments(DatabaseB, "bsb" + suffix, key);
        B = await GatewayProcess.StartAsync(directoryB.Path, ArgumentsB);

        var contactsA = Path.Combine(work.Path, "a.csv");
        var contactsB = Path.Combine(work.Path, "b.csv");
        var seedA = RunLoadTestAsync("seed", "--address", A.Address.ToString(), "--api-key", A.Keys["service"],
            "--customers", Customers.ToString(CultureInfo.InvariantCulture), "--concurrency", "8", "--contacts-out", contactsA, "--generator-now", GeneratorNow);
        var seedB = RunLoadTestAsync("seed", "--address", B.Address.ToString(), "--api-key", B.Keys["service"],
            "--customers", ApiCustomers.ToString(CultureInfo.InvariantCulture), "--concurrency", "8", "--contacts-out", contactsB, "--generator-now", GeneratorNow);
        foreach (var run in await Task.WhenAll(seedA, seedB))
        {
            Assert.True(run.ExitCode == 0, run.Output);
        }
        // While B's gateway runs, as in benchmarks/run.sh.
        var bulk = await RunLoadTestAsync("bulk-seed", "--postgres", DatabaseB, "--key-base64", key,
            "--customers", (Customers - ApiCustomers).ToString(CultureInfo.InvariantCulture), "--skip", ApiCustomers.ToString(CultureInfo.InvariantCulture),
            "--contacts-out", contactsB, "--append", "true", "--generator-now", GeneratorNow);
        Assert.True(bulk.ExitCode == 0, bulk.Output);
        Assert.Contains($"| production | {Customers - ApiCustomers} |", bulk.Stdout, StringComparison.Ordinal);

        await RebuildAsync(A);
        await RebuildAsync(B);

        ContactsA = await File.ReadAllLinesAsync(contactsA);
        ContactsB = await File.ReadAllLinesAsync(contactsB);
        Contacts = [.. ContactsA.Skip(1).Select(line => line.Split(',')).Select(p => new Contact(p[0], p[1], p[2]))];
        foreach (var contact in Contacts)
        {
            PersonalData.Register(contact.Email);
            PersonalData.Register(contact.Phone);
        }
    }

    public async Task DisposeAsync()
    {
        if (A is not null)
        {
            await A.DisposeAsync();
        }
        if (B is not null)
        {
            await B.DisposeAsync();
        }
    }

    public void Dispose()
    {
        directoryA.Dispose();
        directoryB.Dispose();
        work.Dispose();
    }

    public Task<Processes.Result> RunLoadTestAsync(params string[] arguments) =>
        Processes.RunAsync("dotnet", [LoadTestAssembly(), .. arguments], timeout: TimeSpan.FromMinutes(5));

    private static async Task RebuildAsync(GatewayProcess gateway)
    {
        using var call = gateway.SuppressionAdmin.RebuildCache(new RebuildCacheRequest());
        RebuildProgress? last = null;
        await foreach (var progress in call.ResponseStream.ReadAllAsync())
        {
            last = progress;
        }
        Assert.NotNull(last);
        Assert.True(last.Completed);
        Assert.Equal(Customers, last.Customers);
    }

    private static string LoadTestAssembly()
    {
        // tests/Jnt.Consent.LoadTest.Tests/bin/<Configuration>/net10.0 -> benchmarks/Jnt.Consent.LoadTest/bin/<Configuration>/net10.0
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory);
        var root = testOutput.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, "benchmarks", "Jnt.Consent.LoadTest", "bin", testOutput.Parent.Name, testOutput.Name, "Jnt.Consent.LoadTest.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the load generator first.", path);
    }

    /// <summary>Channels that reach the check's contact point; the gateway refuses the others.</summary>
    internal static bool Reaches(CheckRequest subject, Channel channel) => subject.ContactCase switch
    {
        CheckRequest.ContactOneofCase.Email => channel == Channel.Email,
        CheckRequest.ContactOneofCase.Phone => channel is Channel.Sms or Channel.Phone or Channel.AutomatedCall,
        _ => true,
    };
}
