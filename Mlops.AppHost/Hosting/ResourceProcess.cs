using System.Diagnostics;
using System.Runtime.InteropServices;
using Mlops.AppHost.Telemetry;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// One child process: its output goes to the console with the resource's name in front, the last lines are
/// kept for when it dies, and stopping it asks first (SIGTERM) and insists only after a grace period.
/// </summary>
internal sealed partial class ResourceProcess : IDisposable
{
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly string _name;
    private readonly ConsoleLog _console;

    private ResourceProcess(Process process, string name, ConsoleLog console)
    {
        _process = process;
        _name = name;
        _console = console;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static ResourceProcess Start(string name, ProcessStartInfo info, IReadOnlyDictionary<string, string> environment, ConsoleLog console)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var resource = new ResourceProcess(process, name, console);
        process.OutputDataReceived += (_, e) => resource.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => resource.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return resource;
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Says what happened to it, with its last output: what one needs to see why it died.</summary>
    public void Report(string message)
    {
        Console.Error.WriteLine($"apphost  | {message}; its last output:");
        foreach (var line in _console.Tail(_name, 40))
        {
            Console.Error.WriteLine($"apphost  |   {line}");
        }
    }

    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        if (OperatingSystem.IsWindows() || Kill(_process.Id, SigTerm) != 0)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public void Dispose() => _process.Dispose();

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _console.Append(_name, line);
        Console.WriteLine($"{_name,-8} | {line}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
