using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Jnt.Consent.Benchmarks;

/// <summary>
/// A round trip (serialise, then deserialise) of the persisted grain state with the Orleans serializer,
/// as the storage provider does on every write and activation, against System.Text.Json of the same object.
/// The state has a profile, 10 cells and <see cref="HistoryEntries"/> history entries.
/// </summary>
[MemoryDiagnoser]
public class StateSerializationBenchmarks
{
    private const int CellCount = 10;
    private static readonly DateTimeOffset Start = new(2024, 3, 1, 9, 0, 0, TimeSpan.FromHours(2));

    private Serializer serializer = null!;
    private CustomerState state = null!;

    [Params(1, 10, 100)]
    public int HistoryEntries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // AddSerializer's assembly scan finds the Abstractions codecs even from BenchmarkDotNet's generated
        // entry assembly. If it ever stops doing so, the check below fails: then register the assembly with
        // AddSerializer(b => b.AddAssembly(typeof(CustomerState).Assembly)).
        serializer = new ServiceCollection()
            .AddSerializer()
            .BuildServiceProvider()
            .GetRequiredService<Serializer>();
        state = CreateState(HistoryEntries);

        // Once, not per iteration: both round trips must preserve the state, or their timings mean nothing.
        // Cell and history records carry Domain enums (Purpose, Channel, ConsentCellStatus, ConsentSource),
        // so a passing check also shows those serialise through the generated codecs.
        var orleansBytes = serializer.SerializeToArray(state);
        Verify("Orleans", serializer.Deserialize<CustomerState>(orleansBytes));
        var jsonBytes = JsonSerializer.SerializeToUtf8Bytes(state, JsonSerializerOptions.Default);
        Verify("System.Text.Json", JsonSerializer.Deserialize<CustomerState>(jsonBytes, JsonSerializerOptions.Default));
        Console.WriteLine($"// Payload with {HistoryEntries} history entries: Orleans {orleansBytes.Length} B, System.Text.Json {jsonBytes.Length} B");
    }

    [Benchmark(Baseline = true)]
    public CustomerState? SystemTextJsonRoundTrip() =>
        JsonSerializer.Deserialize<CustomerState>(
            JsonSerializer.SerializeToUtf8Bytes(state, JsonSerializerOptions.Default), JsonSerializerOptions.Default);

    [Benchmark]
    public CustomerState? OrleansRoundTrip() => serializer.Deserialize<CustomerState>(serializer.SerializeToArray(state));

    private void Verify(string serializerName, CustomerState? copy)
    {
        if (copy is null
            || copy.Version != state.Version
            || copy.Cells.Count != state.Cells.Count
            || copy.History.Count != state.History.Count
            || copy.Profile?.Group != state.Profile?.Group
            || copy.Cells[^1].Status != state.Cells[^1].Status
            || copy.History[^1].Provenance.Source != state.History[^1].Provenance.Source)
        {
            throw new InvalidOperationException($"The {serializerName} round trip did not preserve the customer state.");
        }
    }

    /// <summary>A synthetic consumer shaped like the register's: two contact points, ten written cells, a history.</summary>
    private static CustomerState CreateState(int historyEntries)
    {
        var provenance = new ProvenanceRecord(ConsentSource.CustomerService, "agent-007", "call-2024-000123", "asked on the phone");
        var cells = new List<ConsentCellRecord>(CellCount);
        for (var i = 0; i < CellCount; i++)
        {
            cells.Add(new ConsentCellRecord(
                Purpose: Purposes.Objectable[i % Purposes.Objectable.Count],
                Channel: Channels.All[i % Channels.All.Count],
                Status: (ConsentCellStatus)(1 + (i % 3)),
                RecordedAt: Start.AddDays(i),
                Provenance: provenance,
                ExpiresAt: i % 4 == 0 ? Start.AddYears(2) : null,
                Version: i + 1));
        }

        var kinds = new[] { HistoryKind.ConsentRecorded, HistoryKind.ConsentWithdrawn, HistoryKind.ObjectionRecorded, HistoryKind.ProfileUpdated };
        var history = new List<HistoryEntry>(historyEntries);
        for (var i = 0; i < historyEntries; i++)
        {
            var kind = i == 0 ? HistoryKind.CustomerCreated : kinds[i % kinds.Length];
            var changesCells = kind is not (HistoryKind.CustomerCreated or HistoryKind.ProfileUpdated);
            history.Add(new HistoryEntry
            {
                Version = i + 1,
                Kind = kind,
                RecordedAt = Start.AddHours(i),
                Provenance = provenance with { Source = (ConsentSource)(1 + (i % 5)) },
                Purposes = changesCells ? [Purpose.DirectAdvertising, Purpose.OtherDirectMarketing] : [],
                Channels = changesCells ? [Channel.Email, Channel.Sms] : [],
                ExpiresAt = kind == HistoryKind.ConsentRecorded ? Start.AddYears(2) : null,
                ChangedFields = kind == HistoryKind.ProfileUpdated ? ["emails", "address"] : [],
                PolicyVersion = PolicyVersion.Current,
                IdempotencyKey = $"c1c4e7b0-{i:D4}",
                RequestDigest = new string('a', 64),
            });
        }

        return new CustomerState
        {
            Version = Math.Max(historyEntries, 1),
            Profile = new CustomerProfile
            {
                Group = CustomerGroup.Consumer,
                GivenName = "Matti",
                FamilyName = "Meikäläinen",
                Emails = ["matti.meikalainen@example.fi"],
                Phones = ["+358401234567"],
                Address = new PostalAddressRecord("Esimerkkikatu 1 A 2", "00100", "Helsinki", "FI"),
                BirthDate = new DateOnly(1985, 7, 14),
                PersonalIdentityCodeHash = new string('b', 64),
                CustomerSince = Start,
                ContactObtainedInSale = true,
            },
            Cells = cells,
            History = history,
            ContactKeys = ["email:" + new string('c', 64), "phone:" + new string('d', 64)],
            IndexedContactKeys = ["email:" + new string('c', 64), "phone:" + new string('d', 64)],
        };
    }
}
