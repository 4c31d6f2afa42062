namespace Jnt.Consent.Cli;

/// <summary>A problem with what the user asked for: printed as it is, exit code 1 (or the code given).</summary>
public sealed class UsageException(string message, int exitCode = ExitCodes.Usage) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
