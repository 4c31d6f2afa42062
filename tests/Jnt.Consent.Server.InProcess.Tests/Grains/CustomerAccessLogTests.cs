using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Grains.Storage;
using Orleans.Storage;

namespace Jnt.Consent.Server.InProcess.Tests.Grains;

/// <summary>
/// Reads of personal data go to the access log (jnt_customer_access), one row each, and never
/// rewrite the customer's stored state; reads an earlier release kept inside the state move to the
/// log once. A silo in the test process (see <see cref="GrainHost"/>).
/// </summary>
public sealed class CustomerAccessLogTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_read_of_personal_data_writes_no_state_and_appends_one_row_before_returning()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = host.Grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey("cust-1"));
        Assert.Equal(WriteStatus.Applied, (await grain.Upsert(GrainHost.NewCustomer(Now))).Status);
        var writes = host.Storage.Writes(StorageNames.CustomerState);
        Assert.True(writes > 0);

        host.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.NotNull(await grain.Get(new AccessRecord(default, "key:agent", "customer called", "profile")));
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.NotNull(await grain.GetHistory(new AccessRecord(default, "key:agent", "customer called", "history")));
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var export = await grain.Export(new AccessRecord(default, "key:admin", "access request", "export"));

        Assert.Equal(writes, host.Storage.Writes(StorageNames.CustomerState));
        Assert.NotNull(export);
        Assert.Equal(
            [(Now.AddMinutes(1), "key:agent", "profile"), (Now.AddMinutes(2), "key:agent", "history"), (Now.AddMinutes(3), "key:admin", "export")],
            export.Reads.Select(r => (r.At, r.Caller, r.What)));
        Assert.Equal(3, (await host.AccessLog.ReadAllAsync(host.Pseudonymiser.CustomerHash("cust-1"))).Count);
        Assert.Empty(await host.AccessLog.ReadAllAsync(host.Pseudonymiser.CustomerHash("cust-2")));
    }

    [Fact]
    public async Task A_read_of_a_customer_who_does_not_exist_records_nothing()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = host.Grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey("nobody"));
        Assert.Null(await grain.Get(new AccessRecord(default, "key:agent", "customer called", "profile")));
        Assert.Empty(await host.AccessLog.ReadAllAsync(host.Pseudonymiser.CustomerHash("nobody")));
        Assert.Equal(0, host.Storage.Writes(StorageNames.CustomerState));
    }

    [Fact]
    public async Task Reads_kept_in_the_state_by_an_earlier_release_move_to_the_log_once_and_keep_their_order()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var key = CustomerKeys.ToGrainKey("cust-old");
        var grain = host.Grains.GetGrain<ICustomerGrain>(key);
        var old = new[]
        {
            new AccessRecord(Now.AddDays(-30), "key:agent", "customer called", "profile"),
            new AccessRecord(Now.AddDays(-20), "key:agent", "complaint", "history"),
        };
        // Stored as the previous release stored it: reads inside the state.
        var stored = new CustomerState
        {
            Version = 1,
            CellRulesVersion = CellRules.Current,
            Profile = GrainHost.NewCustomer(Now).Profile with { CustomerSince = Now.AddYears(-1) },
            Reads = [.. old],
        };
        await host.Storage.WriteStateAsync(StorageNames.CustomerState, grain.GetGrainId(), new GrainState<CustomerState>(stored));

        var export = await grain.Export(new AccessRecord(default, "key:admin", "access request", "export"));
        var again = await grain.Export(new AccessRecord(default, "key:admin", "access request", "export"));

        Assert.Equal([old[0].At, old[1].At, Now], export!.Reads.Select(r => r.At));
        Assert.Equal(["profile", "history", "export", "export"], again!.Reads.Select(r => r.What));
        // The state no longer carries them: the next read of it holds none.
        var reread = new GrainState<CustomerState>(new CustomerState());
        await host.Storage.ReadStateAsync(StorageNames.CustomerState, grain.GetGrainId(), reread);
        Assert.Empty(reread.State!.Reads);
        Assert.Equal(1, reread.State.Version);
        // Moving again (a crash before the state was written back) adds nothing twice.
        await host.AccessLog.MoveLegacyAsync(host.Pseudonymiser.CustomerHash("cust-old"), old);
        Assert.Equal(4, (await host.AccessLog.ReadAllAsync(host.Pseudonymiser.CustomerHash("cust-old"))).Count);
    }

    [Fact]
    public async Task Erasure_removes_the_record_of_reads_with_the_person()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = host.Grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey("cust-erased"));
        await grain.Upsert(GrainHost.NewCustomer(Now));
        await grain.Get(new AccessRecord(default, "key:agent", "customer called", "profile"));
        Assert.Single(await host.AccessLog.ReadAllAsync(host.Pseudonymiser.CustomerHash("cust-erased")));

        Assert.NotNull(await grain.Erase());

        Assert.Empty(await host.AccessLog.ReadAllAsync(host.Pseudonymiser.CustomerHash("cust-erased")));
    }

    public static TheoryData<string> Dialects => ["Sqlite", "Postgres"];

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task The_log_keeps_moved_reads_first_never_twice_and_forgets_an_erased_customer(string dialect)
    {
        await using var db = await Tallies.TallyDatabase.CreateAsync(dialect, Now);
        var log = new Ledger.CustomerAccessLog(db.Database);
        var (customer, other) = (new Suppression.Cache.HashKey(new byte[12]), new Suppression.Cache.HashKey(Enumerable.Repeat((byte)7, 12).ToArray()));
        await log.AppendAsync(customer, new AccessRecord(Now, "key:a", "called", "profile"));
        var moved = new[] { new AccessRecord(Now.AddDays(-2), "key:b", "old", "history"), new AccessRecord(Now.AddDays(-1), "key:c", "old", "export") };
        await log.MoveLegacyAsync(customer, moved);
        await log.MoveLegacyAsync(customer, moved);
        await log.AppendAsync(other, new AccessRecord(Now, "key:a", "called", "profile"));
        await log.AppendAsync(customer, new AccessRecord(Now.AddMinutes(1), "key:a", "called again", "profile"));

        Assert.Equal(
            [(Now.AddDays(-2), "history"), (Now.AddDays(-1), "export"), (Now, "profile"), (Now.AddMinutes(1), "profile")],
            (await log.ReadAllAsync(customer)).Select(r => (r.At, r.What)));

        await log.EraseAsync(customer);
        Assert.Empty(await log.ReadAllAsync(customer));
        Assert.Single(await log.ReadAllAsync(other));
    }
}
