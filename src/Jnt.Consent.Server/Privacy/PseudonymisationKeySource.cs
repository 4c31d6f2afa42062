using System.Security.Cryptography;
using Jnt.Consent.Server.Hosting;

namespace Jnt.Consent.Server.Privacy;

/// <summary>Finds the pseudonymisation key: configured, or (embedded profile) generated once and
/// kept in a file readable only by its owner.</summary>
public static class PseudonymisationKeySource
{
    public const string FileName = "pseudonymisation.key";

    public static byte[] Load(GatewayOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.PseudonymisationKey))
        {
            byte[] configured;
            try
            {
                configured = Convert.FromBase64String(options.PseudonymisationKey);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException("Gateway:PseudonymisationKey is not valid base64.");
            }
            return configured.Length >= 32
                ? configured
                : throw new InvalidOperationException("Gateway:PseudonymisationKey must decode to at least 32 bytes.");
        }

        if (options.Profile != GatewayProfile.Embedded)
        {
            throw new InvalidOperationException("Gateway:PseudonymisationKey is required outside the embedded profile.");
        }
        Directory.CreateDirectory(options.DataDirectory);
        return LoadOrCreateSecret(Path.Combine(options.DataDirectory, FileName));
    }

    /// <summary>A 32-byte secret kept in <paramref name="path"/> (base64), created readable by its
    /// owner only on first use.</summary>
    internal static byte[] LoadOrCreateSecret(string path)
    {
        if (File.Exists(path))
        {
            var stored = Convert.FromBase64String(File.ReadAllText(path).Trim());
            return stored.Length >= 32
                ? stored
                : throw new InvalidOperationException($"The key in {path} is shorter than 32 bytes.");
        }
        var key = RandomNumberGenerator.GetBytes(32);
        var temporary = path + ".tmp";
        // Created readable by its owner only: never world-readable, not even for a moment.
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        File.Delete(temporary);
        using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, create))
        {
            writer.Write(Convert.ToBase64String(key));
        }
        File.Move(temporary, path);
        return key;
    }
}
