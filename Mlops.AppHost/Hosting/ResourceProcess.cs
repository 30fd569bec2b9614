using System.Diagnostics;
using System.Runtime.InteropServices;
using Mlops.AppHost.Telemetry;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// One child process, in a process group of its own: its output goes to the console with the resource's
/// name in front, the last lines are kept for when it dies, and stopping it asks first (SIGTERM) and
/// insists only after a grace period. Whatever it started goes with it.
/// </summary>
internal sealed partial class ResourceProcess : IResourceInstance
{
    private const int SigTerm = 15;
    private const int SigKill = 9;
    /// <summary>perl-base is part of every Debian: it starts a program in a process group of its own, as the same pid.</summary>
    private const string Perl = "/usr/bin/perl";

    private const string InOwnGroup = "setpgrp(0, 0) or die \"setpgrp: $!\"; exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\"";

    private readonly Process _process;
    private readonly string _name;
    private readonly ConsoleLog _console;
    private readonly bool _ownGroup;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _leftoversKilled;

    private ResourceProcess(Process process, string name, ConsoleLog console, bool ownGroup)
    {
        _process = process;
        _name = name;
        _console = console;
        _ownGroup = ownGroup;
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

        // Its own process group (perl execs, so the pid stays the program's): a stop reaches what it started,
        // such as NGINX's workers, which outlive a master killed with SIGKILL and keep its port. And Ctrl+C in
        // a terminal then reaches the AppHost alone, which stops everything in order. A group, not a session
        // (setsid): a session is a scheduling autogroup of its own on Linux, which changes how the services share
        // the CPU with everything else (the benchmark's serving throughput fell by a third).
        var ownGroup = !OperatingSystem.IsWindows() && File.Exists(Perl) && info.Arguments.Length == 0;
        if (ownGroup)
        {
            info.ArgumentList.Insert(0, info.FileName);
            info.ArgumentList.Insert(0, InOwnGroup);
            info.ArgumentList.Insert(0, "-e");
            info.FileName = Perl;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var resource = new ResourceProcess(process, name, console, ownGroup);
        process.Exited += (_, _) => resource._exited.TrySetResult();
        process.OutputDataReceived += (_, e) => resource.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => resource.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return resource;
    }

    /// <summary>Completes once it has exited, what it left behind is killed, and its output is read to the end.</summary>
    public async Task WaitForExitAsync(CancellationToken cancellationToken)
    {
        // Not Process.WaitForExitAsync alone: it also waits for the end of the output, which never comes
        // while a leftover child holds the pipe.
        await _exited.Task.WaitAsync(cancellationToken);
        KillLeftovers();
        await _process.WaitForExitAsync(cancellationToken);
    }

    public void Report(string message) => ResourceConsole.Report(_console, _name, message);

    public async Task StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!_exited.Task.IsCompleted && Signal(SigTerm) != 0)
        {
            _process.Kill(entireProcessTree: true);
        }

        try
        {
            await _exited.Task.WaitAsync(grace, cancellationToken);
        }
        catch (TimeoutException)
        {
            Signal(SigKill);
            _process.Kill(entireProcessTree: true);
        }

        await WaitForExitAsync(cancellationToken);
    }

    public void Dispose() => _process.Dispose();

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        ResourceConsole.Line(_console, _name, line);
    }

    /// <summary>Kills what is left of its process group, once: right after it exited, the group's id is still its own.</summary>
    private void KillLeftovers()
    {
        if (_ownGroup && Interlocked.Exchange(ref _leftoversKilled, 1) == 0)
        {
            // Fails with ESRCH when nothing is left, which is the usual case.
            Kill(-_process.Id, SigKill);
        }
    }

    /// <summary>Signals the whole process group when it has one of its own, else the process; -1 where there are no signals.</summary>
    private int Signal(int signal) => OperatingSystem.IsWindows() ? -1 : Kill(_ownGroup ? -_process.Id : _process.Id, signal);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
