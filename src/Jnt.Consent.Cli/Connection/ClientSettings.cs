using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jnt.Consent.Cli.Connection;

/// <summary>
/// Where the gateway is and which key to send. Each setting comes from the first of: the command
/// line (--address, --api-key), the environment (JNT_CONSENT_ADDRESS, JNT_CONSENT_API_KEY), the
/// config file (--config, else ~/.config/jnt-consent/config.json when it exists).
/// </summary>
public sealed record ClientSettings(Uri Address, string? ApiKey, string Source)
{
    public const string DefaultAddress = "http://127.0.0.1:5080";
    public const string AddressVariable = "JNT_CONSENT_ADDRESS";
    public const string ApiKeyVariable = "JNT_CONSENT_API_KEY";

    /// <param name="role">The role the command needs; a config file may hold a key per role.</param>
    public static ClientSettings Resolve(string? addressFlag, string? apiKeyFlag, string? configPath, string role,
        Func<string, string?> environment)
    {
        ConfigFile? file = null;
        var path = configPath ?? DefaultConfigPath(environment);
        if (configPath is not null || (path is not null && File.Exists(path)))
        {
            file = ConfigFile.Load(path!);
        }
        var address = First(addressFlag, environment(AddressVariable), file?.Address) ?? DefaultAddress;
        var key = First(apiKeyFlag, environment(ApiKeyVariable), file?.Keys?.GetValueOrDefault(role), file?.ApiKey);
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw new UsageException($"the gateway address \"{address}\" is not an http:// or https:// URL");
        }
        return new ClientSettings(uri, key, path ?? "");
    }

    public static string? DefaultConfigPath(Func<string, string?> environment)
    {
        var configHome = environment("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(configHome))
        {
            var home = environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(home))
            {
                return null;
            }
            configHome = Path.Combine(home, ".config");
        }
        return Path.Combine(configHome, "jnt-consent", "config.json");
    }

    private static string? First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}

/// <summary>
/// ~/.config/jnt-consent/config.json: <c>{"address": "http://…", "apiKey": "jnt_…", "keys": {"campaign": "jnt_…"}}</c>.
/// "keys" names a key per role; "apiKey" is used for any role without one. The CLI only reads it.
/// </summary>
public sealed class ConfigFile
{
    [JsonPropertyName("address")]
    public string? Address { get; init; }

    [JsonPropertyName("apiKey")]
    public string? ApiKey { get; init; }

    [JsonPropertyName("keys")]
    public Dictionary<string, string>? Keys { get; init; }

    public static ConfigFile Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, ConfigJson.Default.ConfigFile)
                ?? throw new UsageException($"config file {path} is empty");
        }
        catch (JsonException e)
        {
            throw new UsageException($"config file {path} is not valid JSON: {e.Message}");
        }
        catch (IOException e)
        {
            throw new UsageException($"config file {path} cannot be read: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UsageException($"config file {path} cannot be read: {e.Message}");
        }
    }
}

[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(ConfigFile))]
internal sealed partial class ConfigJson : JsonSerializerContext;
