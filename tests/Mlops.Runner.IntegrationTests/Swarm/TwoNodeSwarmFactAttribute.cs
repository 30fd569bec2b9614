using System.Diagnostics;

namespace Mlops.Runner.IntegrationTests.Swarm;

/// <summary>
/// Skipped, saying why, where this machine cannot make a second engine in a network namespace (not root, or no
/// namespaces, as in an unprivileged container). Set MLOPS_SWARM_TESTS=off to skip it anyway.
/// </summary>
public sealed class TwoNodeSwarmFactAttribute : FactAttribute
{
    private static readonly string? WhyNot = Check();

    public TwoNodeSwarmFactAttribute()
    {
        if (WhyNot is { } reason)
        {
            Skip = reason;
        }
    }

    private static string? Check()
    {
        if (Environment.GetEnvironmentVariable("MLOPS_SWARM_TESTS") == "off")
        {
            return "MLOPS_SWARM_TESTS=off";
        }

        if (Environment.UserName != "root")
        {
            return "the two-node swarm needs root (a network namespace and a second dockerd)";
        }

        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", "--net true") { RedirectStandardError = true })!;
            probe.WaitForExit(10_000);
            return probe.ExitCode == 0 ? null : $"this machine cannot make network namespaces: {probe.StandardError.ReadToEnd().Trim()}";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"unshare is missing: {ex.Message}";
        }
    }
}
