namespace Mlops.Cli;

/// <summary>What the process exits with, so that scripts can tell the caller's mistakes from the server's answers.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The server refused or failed the call, or the invocation did not succeed.</summary>
    public const int Failure = 1;

    /// <summary>The command line or the set-up (no key, a malformed parameter) is wrong; nothing was sent.</summary>
    public const int Usage = 2;

    /// <summary>Ctrl+C, as shells count it (128 + SIGINT).</summary>
    public const int Cancelled = 130;
}
