namespace Jnt.Consent.Cli;

/// <summary>The process exit codes, documented in README.md (Command-line client) and in --help.</summary>
public static class ExitCodes
{
    /// <summary>Done; nothing rejected.</summary>
    public const int Ok = 0;

    /// <summary>Bad command line, unreadable or malformed input, or the gateway rejected the request as invalid.</summary>
    public const int Usage = 1;

    /// <summary>Finished, but some rows were rejected (see the output or report); or an import refused because of them.</summary>
    public const int RowsRejected = 2;

    /// <summary>No or wrong credential, or the credential's role may not do this.</summary>
    public const int AuthFailed = 3;

    /// <summary>The gateway could not be reached or is unavailable (retry later).</summary>
    public const int Unavailable = 4;

    /// <summary>The customer, receipt or other thing asked for does not exist.</summary>
    public const int NotFound = 5;

    /// <summary>The gateway refused the change as it stands (version or idempotency-key conflict).</summary>
    public const int Conflict = 6;

    /// <summary>Anything else the gateway answered with an error (internal error, limit exceeded, deadline).</summary>
    public const int ServerError = 7;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Interrupted = 130;

    public const string Help = """
        Exit codes:
          0  done
          1  usage error or invalid input (the gateway's INVALID_ARGUMENT too)
          2  finished, but rows were rejected (scrub: error rows; import: invalid rows)
          3  authentication or permission failed (wrong key, or a role that may not do this)
          4  the gateway is unreachable or unavailable
          5  not found
          6  conflict (expected version or idempotency key)
          7  other server error
        """;
}
