using Microsoft.Extensions.Options;

namespace Mlops.Runner.Invocations;

/// <summary>
/// Refuses new invocations while the disk holding the runner's data or logs is nearly full: a clear
/// ResourceExhausted before anything starts, rather than a function, a model copy or SQLite failing midway.
/// </summary>
public sealed class DiskGuard(IOptions<RunnerOptions> options)
{
    private const long Megabyte = 1024 * 1024;

    public void EnsureRoom()
    {
        var minimum = options.Value.MinFreeDiskMb * Megabyte;
        foreach (var path in new[] { options.Value.DataPath, options.Value.LogsPath })
        {
            Directory.CreateDirectory(path);
            var free = new DriveInfo(path).AvailableFreeSpace;
            if (free < minimum)
            {
                throw new RunnerException(ErrorKind.ResourceExhausted,
                    $"only {free / Megabyte} MB are free on the disk holding {path}; new invocations are refused until {options.Value.MinFreeDiskMb} MB are (Runner:MinFreeDiskMb)");
            }
        }
    }
}
