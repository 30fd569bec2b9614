using System.Diagnostics;

namespace Mlops.Testing;

/// <summary>
/// Runs the CLI as a user does: its own build (Mlops.Cli/bin) under `dotnet`, stdout and stderr redirected (so plain
/// text), in a folder of its own with exactly the environment given: nothing from the shell that runs the tests leaks in.
/// </summary>
public static class CliProcess
{
    public static string Dll => Path.Combine(RepositoryPaths.Root, "Mlops.Cli", "bin", RepositoryPaths.Configuration, "net10.0", "Mlops.Cli.dll");

    public static async Task<CliRun> RunAsync(IReadOnlyDictionary<string, string?> environment, string workingDirectory, TimeSpan bound, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("MLOPS_URL");
        info.Environment.Remove("MLOPS_API_KEY");
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mlops {string.Join(' ', args)} did not end within {bound}:\n{await output}\n{await errors}");
        }

        return new CliRun(process.ExitCode, await output, await errors);
    }
}
