using System.Security.Cryptography;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Rights;

/// <summary>
/// The key-encryption key (KEK) runbook of docs/security-and-rights.md on PostgreSQL: add a new KEK,
/// make it current, run `rotate-keys`, retire the old one; the data stays readable throughout.
/// </summary>
public sealed class KeyRotationTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Rotate_keys_rewraps_every_data_key_and_the_old_kek_can_then_be_retired()
    {
        var database = await TestServices.CreateDatabaseAsync();
        var (cluster, key) = ("c" + Guid.NewGuid().ToString("N")[..10], TestServices.NewPseudonymisationKey());
        var (old, next) = (Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var production = TestServices.ProductionArgumentsWithoutKek(database, cluster, key);
        var id = NewCustomerId();
        var familyName = PersonalData.Register("Rotaatio" + Guid.NewGuid().ToString("N")[..6]);

        await using (var gateway = await GatewayProcess.StartAsync(directory.Path, [.. production, $"--Gateway:KeyEncryptionKeys:old={old}", "--Gateway:CurrentKeyEncryptionKey=old"]))
        {
            var customer = Consumer(id);
            customer.FamilyName = familyName;
            await gateway.Customers.UpsertCustomerAsync(customer);
            // Leaves the cluster, so that the next silo of it does not wait for this one.
            await gateway.StopAsync();
        }

        // Both keys configured, the new one current: every data key is re-wrapped; a second run has nothing to do.
        string[] both = [.. production, $"--Gateway:KeyEncryptionKeys:old={old}", $"--Gateway:KeyEncryptionKeys:new={next}", "--Gateway:CurrentKeyEncryptionKey=new"];
        var (exitCode, output) = await Processes.RunServerCommandAsync(["rotate-keys", .. both]);
        Assert.True(exitCode == 0, output);
        Assert.Contains("Re-wrapped 1 data keys under new.", output, StringComparison.Ordinal);
        Assert.Contains("new: 1 data keys", output, StringComparison.Ordinal);
        Assert.DoesNotContain("old:", output, StringComparison.Ordinal);
        (exitCode, output) = await Processes.RunServerCommandAsync(["rotate-keys", .. both]);
        Assert.True(exitCode == 0, output);
        Assert.Contains("Re-wrapped 0 data keys", output, StringComparison.Ordinal);

        // The old key retired (no longer configured): the customer reads as before.
        await using (var gateway = await GatewayProcess.StartAsync(directory.Path, [.. production, $"--Gateway:KeyEncryptionKeys:new={next}", "--Gateway:CurrentKeyEncryptionKey=new"]))
        {
            var read = await gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "after rotation" });
            Assert.Equal(familyName, read.FamilyName);
            await gateway.StopAsync();
        }

        // A silo given only the retired key reads the decisions but none of the personal data.
        await using (var gateway = await GatewayProcess.StartAsync(directory.Path, [.. production, $"--Gateway:KeyEncryptionKeys:old={old}", "--Gateway:CurrentKeyEncryptionKey=old"]))
        {
            var read = await gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "with the retired key" });
            Assert.Equal(("", 0), (read.FamilyName, read.Emails.Count));
            Assert.Equal(CustomerGroup.Consumer, read.Group);
            await gateway.StopAsync();
        }
    }

    [Fact]
    public async Task A_production_silo_without_a_key_encryption_key_refuses_to_start_and_names_the_setting()
    {
        var database = await TestServices.CreateDatabaseAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => GatewayProcess.StartAsync(directory.Path,
            TestServices.ProductionArgumentsWithoutKek(database, "c" + Guid.NewGuid().ToString("N")[..10], TestServices.NewPseudonymisationKey())));
        Assert.Contains("Gateway:CurrentKeyEncryptionKey", error.Message, StringComparison.Ordinal);
    }
}
