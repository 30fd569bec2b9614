using System.IO.Pipelines;
using Docker.DotNet;
using Docker.DotNet.Models;
using Mlops.AppHost.Telemetry;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// One container of a container resource: created labelled, attached before it starts (so no output is
/// missed), its output shown like a process's, and removed once it has exited or been stopped.
/// </summary>
internal sealed class ContainerInstance : IResourceInstance
{
    private readonly IDockerClient _docker;
    private readonly string _id;
    private readonly string _resource;
    private readonly ConsoleLog _console;
    private readonly MultiplexedStream _output;
    private readonly CancellationTokenSource _watching = new();
    private readonly Task<ContainerWaitResponse> _exit;
    private readonly Task _lines;

    private ContainerInstance(IDockerClient docker, string id, string resource, ConsoleLog console, MultiplexedStream output)
    {
        _docker = docker;
        _id = id;
        _resource = resource;
        _console = console;
        _output = output;
        _exit = docker.Containers.WaitContainerAsync(id, _watching.Token);
        _lines = ReadLinesAsync(_watching.Token);
    }

    public bool HasExited => _exit.IsCompleted;

    public int ExitCode => (int)_exit.Result.StatusCode;

    /// <summary>Creates, attaches and starts it; a <see cref="StartException"/>, with nothing left behind, when the engine refuses.</summary>
    public static async Task<ContainerInstance> StartAsync(
        IDockerClient docker, ContainerResource resource, ContainerOwner owner, IReadOnlyDictionary<string, string> environment, ConsoleLog console, CancellationToken cancellationToken)
    {
        // One name per AppHost run: a container of this run that was not removed is replaced.
        var name = $"{resource.Name}-{owner.Session}";
        await RemoveAsync(docker, name, cancellationToken);
        string? id = null;
        MultiplexedStream? output = null;
        try
        {
            id = (await docker.Containers.CreateContainerAsync(ContainerCreateParameters.For(resource, name, owner, environment), cancellationToken)).ID;
            output = await docker.Containers.AttachContainerAsync(id, tty: false, new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true }, cancellationToken);
            await docker.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);
            return new ContainerInstance(docker, id, resource.Name, console, output);
        }
        catch (Exception ex)
        {
            output?.Dispose();
            if (id is not null)
            {
                await RemoveAsync(docker, id, CancellationToken.None);
            }

            // Such as a published port that another container holds, or an image that went away.
            if (ex is DockerApiException api)
            {
                throw new StartException($"{resource.Name} could not be started: {EngineError.Message(api)}");
            }

            throw;
        }
    }

    public async Task WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _exit.WaitAsync(cancellationToken);
        // The attach stream ends with the container: its last lines are in once it has.
        await _lines.WaitAsync(cancellationToken);
        await RemoveAsync(_docker, _id, cancellationToken);
    }

    public async Task StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!_exit.IsCompleted)
        {
            try
            {
                // SIGTERM (or the image's stop signal), SIGKILL after the grace period.
                await _docker.Containers.StopContainerAsync(_id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)grace.TotalSeconds }, cancellationToken);
            }
            catch (DockerContainerNotFoundException)
            {
                // Removed by someone else: then its wait has ended too.
            }
        }

        await WaitForExitAsync(cancellationToken);
    }

    public void Report(string message) => ResourceConsole.Report(_console, _resource, message);

    public void Dispose()
    {
        _watching.Cancel();
        _output.Dispose();
        _watching.Dispose();
    }

    /// <summary>Force-removes a container, with its anonymous volumes (named volumes stay); one that is gone already is fine.</summary>
    public static async Task RemoveAsync(IDockerClient docker, string nameOrId, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Containers.RemoveContainerAsync(nameOrId, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            // Already gone: what removal is for.
        }
    }

    /// <summary>Splits the multiplexed output into stdout and stderr, each read line by line.</summary>
    private async Task ReadLinesAsync(CancellationToken cancellationToken)
    {
        var stdout = new Pipe();
        var stderr = new Pipe();
        await Task.WhenAll(CopyAsync(), LinesAsync(stdout.Reader), LinesAsync(stderr.Reader));

        async Task CopyAsync()
        {
            try
            {
                await _output.CopyOutputToAsync(Stream.Null, stdout.Writer.AsStream(), stderr.Writer.AsStream(), cancellationToken);
            }
            finally
            {
                await stdout.Writer.CompleteAsync();
                await stderr.Writer.CompleteAsync();
            }
        }

        async Task LinesAsync(PipeReader pipe)
        {
            using var reader = new StreamReader(pipe.AsStream());
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                ResourceConsole.Line(_console, _resource, line);
            }
        }
    }
}
