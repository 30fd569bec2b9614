namespace Mlops.AppHost.Hosting;

/// <summary>
/// One start of a resource, a child process or a container alike: the handle the supervisor watches and
/// the app stops. Disposing it lets go of what watches it; <see cref="StopAsync"/> is what ends it.
/// </summary>
internal interface IResourceInstance : IDisposable
{
    bool HasExited { get; }

    /// <summary>Only once <see cref="HasExited"/>.</summary>
    int ExitCode { get; }

    /// <summary>Completes once it has exited, its output is read to the end and what it left is removed.</summary>
    Task WaitForExitAsync(CancellationToken cancellationToken);

    /// <summary>Asks it to stop, insists after <paramref name="grace"/>, and returns once it is gone.</summary>
    Task StopAsync(TimeSpan grace, CancellationToken cancellationToken);

    /// <summary>Says what happened to it, with its last output.</summary>
    void Report(string message);
}
