namespace Mlops.Cli;

/// <summary>A failure the CLI explains itself (no key, a malformed parameter, an invocation that failed): printed as
/// <c>error: message</c>, never with a stack trace.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Usage) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
