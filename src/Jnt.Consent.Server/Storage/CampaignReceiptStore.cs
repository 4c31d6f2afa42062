using System.Text.Json;

namespace Jnt.Consent.Server.Storage;

/// <summary>Proof that a campaign list was checked, and against which rules. Holds no personal data:
/// counts, versions, and a digest over keyed hashes.</summary>
public sealed record CampaignReceiptRecord(
    string ReceiptId, string CampaignId, string Caller, DateTimeOffset CompletedAt, string PolicyVersion,
    string ListDigest, long Checked, long Allowed, long Errors,
    IReadOnlyDictionary<string, long> CountsByReason, IReadOnlyList<string> ListVersions);

public sealed class CampaignReceiptStore(Database database)
{
    public async Task SaveAsync(CampaignReceiptRecord receipt, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection, """
            INSERT INTO jnt_campaign_receipt
                (receipt_id, campaign_id, caller, completed_at, policy_version, list_digest, checked, allowed, errors, counts_json, list_versions)
            VALUES (@id, @campaign, @caller, @completed, @policy, @digest, @checked, @allowed, @errors, @counts, @lists)
            """, null,
            ("@id", receipt.ReceiptId), ("@campaign", receipt.CampaignId), ("@caller", receipt.Caller),
            ("@completed", receipt.CompletedAt), ("@policy", receipt.PolicyVersion), ("@digest", receipt.ListDigest),
            ("@checked", receipt.Checked), ("@allowed", receipt.Allowed), ("@errors", receipt.Errors),
            ("@counts", JsonSerializer.Serialize(receipt.CountsByReason)), ("@lists", JsonSerializer.Serialize(receipt.ListVersions)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<CampaignReceiptRecord?> FindAsync(string receiptId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection, """
            SELECT receipt_id, campaign_id, caller, completed_at, policy_version, list_digest, checked, allowed, errors, counts_json, list_versions
            FROM jnt_campaign_receipt WHERE receipt_id = @id
            """, null, ("@id", receiptId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new CampaignReceiptRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2),
            reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4), reader.GetString(5),
            reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8),
            JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(9)) ?? [],
            JsonSerializer.Deserialize<List<string>>(reader.GetString(10)) ?? []);
    }
}
