using System.ComponentModel.DataAnnotations;

namespace Jnt.Consent.Server.Hosting;

/// <summary>The gateway's own settings (section "Gateway"), validated at start-up.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Embedded: one silo, SQLite file, in-process cache. Production: PostgreSQL storage and
    /// cluster membership, any number of silos.</summary>
    [Required]
    public GatewayProfile Profile { get; set; } = GatewayProfile.Embedded;

    /// <summary>Where the embedded profile keeps its SQLite database and generated key.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Orleans service identity: silos with the same ServiceId share grain state.</summary>
    [Required, RegularExpression("^[a-z0-9-]{1,64}$")]
    public string ServiceId { get; set; } = "jnt-consent";

    /// <summary>Orleans cluster identity: silos with the same ClusterId form one cluster.</summary>
    [Required, RegularExpression("^[a-z0-9-]{1,64}$")]
    public string ClusterId { get; set; } = "embedded";

    /// <summary>Silo-to-silo port.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans client gateway port; 0 turns the gateway off (the API is gRPC, not Orleans clients).</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; }

    /// <summary>Production: the IP address other silos reach this one at. Default: the first
    /// non-loopback IPv4 address of the host.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Apply pending schema migrations at start-up. Default: yes for the embedded profile,
    /// no for production (run the `migrate` command, or set this to true on one silo).</summary>
    public bool? MigrateOnStart { get; set; }

    /// <summary>
    /// Base64 secret (at least 32 bytes) for the keyed hashes of contact points and identity codes.
    /// Required in production; the embedded profile generates one on first start into DataDirectory.
    /// Changing it orphans every stored hash.
    /// </summary>
    public string? PseudonymisationKey { get; set; }

    /// <summary>
    /// Key-encryption keys by id (base64, 32 bytes each): they wrap every customer's data key, under
    /// which the customer's personal data is stored (docs/security-and-rights.md, "Keys"). Required in
    /// production; the embedded profile generates one on first start into DataDirectory. Keep every
    /// key that still wraps data keys; remove (retire) one only after `rotate-keys` has re-wrapped.
    /// </summary>
    public Dictionary<string, string> KeyEncryptionKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The id, in <see cref="KeyEncryptionKeys"/>, of the key that wraps new data keys and that
    /// `rotate-keys` re-wraps every data key under.</summary>
    public string? CurrentKeyEncryptionKey { get; set; }

    /// <summary>Prefix of every Redis key the gateway writes (lets several gateways or tests share one Redis).</summary>
    [RegularExpression("^[a-z0-9:_-]{1,32}$")]
    public string CacheKeyPrefix { get; set; } = "js:";

    /// <summary>The most items one CheckBatch call may hold (a million-contact list is one call).</summary>
    [Range(1, int.MaxValue)]
    public int MaxBatchItems { get; set; } = 10_000_000;

    /// <summary>How many generated demo customers to write at start-up.</summary>
    [Range(0, 1_000_000)]
    public int SeedDemoCustomers { get; set; }

    public bool ShouldMigrateOnStart => MigrateOnStart ?? Profile == GatewayProfile.Embedded;
}

public enum GatewayProfile
{
    Embedded = 1,
    Production = 2,
}
