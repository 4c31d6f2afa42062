using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using Npgsql;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Rights;

/// <summary>Access export (GDPR 15) and erasure (GDPR 17), end to end, on SQLite and PostgreSQL.</summary>
public sealed class ErasureTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    private sealed record Person(string Id, string GivenName, string FamilyName, string Email, string Phone, string NationalPhone, string Code, string Street);

    private static Person NewPerson()
    {
        var national = NewPhone();
        return new Person(NewCustomerId(), "Aino" + Guid.NewGuid().ToString("N")[..6], "Pöllänen" + Guid.NewGuid().ToString("N")[..6],
            NewEmail(), "+358" + national[1..], national, TestIdentityCode(new DateOnly(1979, 5, 17), 900 + Random.Shared.Next(100)),
            "Kauppiaankatu " + Random.Shared.Next(100_000, 1_000_000));
    }

    private static async Task Register(GatewayProcess gateway, Person person)
    {
        var request = Consumer(person.Id, person.Email, person.NationalPhone);
        request.GivenName = person.GivenName;
        request.FamilyName = person.FamilyName;
        request.PersonalIdentityCode = person.Code;
        request.Address.Street = PersonalData.Register(person.Street);
        await gateway.Customers.UpsertCustomerAsync(request);
        await gateway.Customers.RecordObjectionAsync(Objection(person.Id, Only(Purpose.DistanceSelling, Channel.Phone)));
    }

    [Fact]
    public async Task The_access_export_holds_everything_including_who_read_the_data_and_why()
    {
        await using var gateway = await GatewayProcess.StartAsync(directory.Path);
        var person = NewPerson();
        await Register(gateway, person);
        await gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = person.Id, AccessReason = "customer called about invoice" });

        var export = await new RightsService.RightsServiceClient(gateway.As("admin"))
            .ExportCustomerDataAsync(new ExportCustomerDataRequest { CustomerId = person.Id, AccessReason = "access request by letter" });
        var json = JsonDocument.Parse(export.Json).RootElement;

        Assert.Equal(person.FamilyName, json.GetProperty("profile").GetProperty("family_name").GetString());
        Assert.Equal(2, json.GetProperty("history").GetArrayLength());
        var reads = json.GetProperty("reads").EnumerateArray().ToList();
        Assert.Contains(reads, r => r.GetProperty("reason").GetString() == "customer called about invoice" && r.GetProperty("caller").GetString() == "key:test-service");
        Assert.True(json.GetProperty("profile").GetProperty("personal_identity_code_on_file").GetBoolean());
        Assert.DoesNotContain(person.Code, export.Json, StringComparison.Ordinal);
        var missingReason = await Fails(() => gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = person.Id }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, missingReason.StatusCode);
    }

    [Fact]
    public async Task Erasure_on_sqlite_leaves_no_trace_in_the_files_and_keeps_the_contact_points_suppressed()
    {
        var person = NewPerson();
        await using (var gateway = await GatewayProcess.StartAsync(directory.Path))
        {
            await Register(gateway, person);
            await EraseAndVerify(gateway, person);
            await gateway.StopAsync();
        }

        // The database files as UTF-8 (how strings are stored) and as raw bytes.
        var files = Directory.GetFiles(directory.Path, "jnt-consent.db*").Select(File.ReadAllBytes).ToList();
        AssertNoTrace(person, string.Concat(files.Select(Encoding.UTF8.GetString)) + string.Concat(files.Select(Encoding.Latin1.GetString)));
        Assert.True(files.Sum(f => f.Length) > 0);
    }

    [Fact]
    public async Task Erasure_on_postgres_leaves_no_trace_in_the_data_files_the_wal_or_a_dump_and_keeps_the_contact_points_suppressed()
    {
        var database = await TestServices.CreateDatabaseAsync();
        var person = NewPerson();
        await using (var gateway = await GatewayProcess.StartAsync(directory.Path,
            TestServices.ProductionArguments(database, "c" + Guid.NewGuid().ToString("N")[..10], TestServices.NewPseudonymisationKey())))
        {
            await Register(gateway, person);
            await EraseAndVerify(gateway, person);
        }

        // Crypto-shredding: the person's data was only ever stored sealed under a data key that the
        // erasure destroyed, so no file of the cluster holds it in clear: not the heap files, not the
        // WAL (after a checkpoint), not a file that a base backup would copy.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var checkpoint = new NpgsqlCommand("CHECKPOINT", connection);
            await checkpoint.ExecuteNonQueryAsync();
        }
        var dataDirectory = Path.Combine(Environment.GetEnvironmentVariable("JNT_TEST_SERVICES_DIR")!, "postgres", "data");
        var files = Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.Contains($"{Path.DirectorySeparatorChar}pg_wal{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var needles = new[] { person.GivenName, person.FamilyName, person.Email, person.Phone, person.Street }.Select(Encoding.UTF8.GetBytes).ToList();
        foreach (var file in files)
        {
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(file);
            }
            catch (IOException)
            {
                continue;   // removed (a recycled WAL segment, a temporary file) while listed
            }
            foreach (var needle in needles)
            {
                Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{Encoding.UTF8.GetString(needle).Length}-character personal value found in {Path.GetRelativePath(dataDirectory, file)}");
            }
        }

        var dump = await PgDump(database);
        Assert.Contains("orleansstorage", dump, StringComparison.Ordinal);
        AssertNoTrace(person, dump);
        // bytea columns are dumped as hex: look for the UTF-8 bytes in hex too.
        Assert.DoesNotContain(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(person.FamilyName)), dump, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(person.Email)), dump, StringComparison.Ordinal);
    }

    private static async Task EraseAndVerify(GatewayProcess gateway, Person person)
    {
        var rights = new RightsService.RightsServiceClient(gateway.As("admin"));
        var erased = await rights.EraseCustomerAsync(new EraseCustomerRequest { CustomerId = person.Id, Reason = "erasure request" });

        var export = await Fails(() => rights.ExportCustomerDataAsync(new ExportCustomerDataRequest { CustomerId = person.Id, AccessReason = "check" }).ResponseAsync);
        var read = await Fails(() => gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = person.Id, AccessReason = "check" }).ResponseAsync);
        var byEmail = await gateway.Suppression.CheckAsync(CheckEmail(person.Email, Channel.Email, Purpose.DirectAdvertising));
        var byPhone = await gateway.Suppression.CheckAsync(CheckPhone(person.Phone, Channel.Phone, Purpose.DirectAdvertising));
        var byId = await gateway.Suppression.CheckAsync(CheckCustomer(person.Id, Channel.Post, Purpose.DirectAdvertising));

        Assert.Equal(3, erased.ContactPointsSuppressed);
        Assert.Equal(StatusCode.NotFound, export.StatusCode);
        Assert.Equal(StatusCode.NotFound, read.StatusCode);
        Assert.Equal((false, DecisionReason.ExternalProhibition), (byEmail.Allowed, byEmail.Reason));
        Assert.Equal((false, DecisionReason.ExternalProhibition), (byPhone.Allowed, byPhone.Reason));
        Assert.Equal(DecisionReason.UnknownCustomer, byId.Reason);

        // A new customer with the same email inherits the suppression until consenting again.
        var newcomer = NewCustomerId();
        await gateway.Customers.UpsertCustomerAsync(Business(newcomer, person.Email));
        var inherited = await gateway.Suppression.CheckAsync(CheckCustomer(newcomer, Channel.Email, Purpose.DirectAdvertising));
        await gateway.Customers.RecordConsentAsync(ConsentTo(newcomer, Only(Purpose.DirectAdvertising, Channel.Email)));
        var afterConsent = await gateway.Suppression.CheckAsync(CheckEmail(person.Email, Channel.Email, Purpose.DirectAdvertising));
        Assert.Equal((false, DecisionReason.ExternalProhibition), (inherited.Allowed, inherited.Reason));
        Assert.True(afterConsent.Allowed);
        await new RightsService.RightsServiceClient(gateway.As("admin")).EraseCustomerAsync(new EraseCustomerRequest { CustomerId = newcomer, Reason = "test cleanup" });
    }

    private static void AssertNoTrace(Person person, string haystack)
    {
        foreach (var value in new[] { person.GivenName, person.FamilyName, person.Email, person.Phone, person.NationalPhone, person.Code, person.Code.Replace("-", "", StringComparison.Ordinal), person.Street })
        {
            Assert.DoesNotContain(value, haystack, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static async Task<string> PgDump(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var pgDump = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pg_dump")).First(File.Exists);
        var dump = await Processes.RunAsync(pgDump,
            ["-h", builder.Host!, "-p", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", builder.Username!, "-d", builder.Database!]);
        Assert.True(dump.ExitCode == 0, dump.Stderr);
        return dump.Stdout;
    }
}
