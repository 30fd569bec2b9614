namespace Mlops.Testing;

/// <summary>What one run of the CLI printed and exited with.</summary>
public sealed record CliRun(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}
