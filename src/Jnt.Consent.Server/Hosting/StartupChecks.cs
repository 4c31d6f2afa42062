using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Jnt.Consent.Server.Hosting;

/// <summary>
/// Settings that depend on each other (which the per-field attributes cannot see), checked before
/// anything starts, each failure naming the setting to fix.
/// </summary>
public static class StartupChecks
{
    public static IReadOnlyList<string> KnownConnectionStrings { get; } = [StorageProfile.PostgresConnectionName, StorageProfile.RedisConnectionName];

    /// <param name="serving">True for a silo (needs everything); false for one-off commands such as
    /// migrate, which need only the database.</param>
    public static void ThrowIfInvalid(GatewayOptions options, IConfiguration configuration, bool serving = true)
    {
        var errors = new List<string>();
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true))
        {
            errors.AddRange(results.Select(r => $"{GatewayOptions.Section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }
        if (!Enum.IsDefined(options.Profile))
        {
            errors.Add($"{GatewayOptions.Section}:Profile: must be Embedded or Production");
        }
        if (options.Profile == GatewayProfile.Production)
        {
            if (string.IsNullOrWhiteSpace(configuration.GetConnectionString(StorageProfile.PostgresConnectionName)))
            {
                errors.Add($"ConnectionStrings:{StorageProfile.PostgresConnectionName}: required by the Production profile (PostgreSQL storage and cluster membership)");
            }
            if (serving && string.IsNullOrWhiteSpace(configuration.GetConnectionString(StorageProfile.RedisConnectionName)))
            {
                errors.Add($"ConnectionStrings:{StorageProfile.RedisConnectionName}: required by the Production profile (the suppression cache every silo shares)");
            }
            if (string.IsNullOrWhiteSpace(options.PseudonymisationKey))
            {
                errors.Add($"{GatewayOptions.Section}:PseudonymisationKey: required by the Production profile (every silo must hash with the same key)");
            }
            if (serving && (string.IsNullOrWhiteSpace(options.CurrentKeyEncryptionKey) || !options.KeyEncryptionKeys.ContainsKey(options.CurrentKeyEncryptionKey)))
            {
                errors.Add($"{GatewayOptions.Section}:CurrentKeyEncryptionKey: required by the Production profile, naming one of {GatewayOptions.Section}:KeyEncryptionKeys (it wraps the customers' data keys; every silo needs the same keys)");
            }
            if (options.AdvertisedAddress is { Length: > 0 } address && !IPAddress.TryParse(address, out _))
            {
                errors.Add($"{GatewayOptions.Section}:AdvertisedAddress: not an IP address");
            }
        }
        if (!string.IsNullOrWhiteSpace(configuration["Auth:Jwt:Issuer"]) && string.IsNullOrWhiteSpace(configuration["Auth:Jwt:Audience"]))
        {
            errors.Add("Auth:Jwt:Audience: required with Auth:Jwt:Issuer (otherwise tokens the identity provider issued for other applications, and their roles, would be accepted)");
        }
        foreach (var name in configuration.GetSection("ConnectionStrings").GetChildren().Select(c => c.Key))
        {
            if (!KnownConnectionStrings.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"ConnectionStrings:{name}: not a connection string this gateway uses (known: {string.Join(", ", KnownConnectionStrings)})");
            }
        }
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (!Uri.TryCreate(endpoint["Url"], UriKind.Absolute, out _))
            {
                errors.Add($"Kestrel:Endpoints:{endpoint.Key}:Url: not an absolute URL");
            }
        }
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(GatewayOptions.Section, typeof(GatewayOptions), errors);
        }
    }

    public static IPAddress AdvertisedAddress(GatewayOptions options)
    {
        if (options.AdvertisedAddress is { Length: > 0 } configured)
        {
            return IPAddress.Parse(configured);
        }
        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? IPAddress.Loopback;
    }
}
