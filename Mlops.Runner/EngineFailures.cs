using Docker.DotNet;

namespace Mlops.Runner;

/// <summary>
/// The Docker engine's own failures (it is unreachable, or it answered with an error nobody expected) as
/// Unavailable, naming the engine: one translation for every room that calls it.
/// </summary>
internal static class EngineFailures
{
    /// <summary>Not a 404: "no such image" is an answer about a thing, for the caller to handle, not the engine failing.</summary>
    public static bool IsEngineFailure(Exception exception) =>
        exception is DockerApiException { StatusCode: not System.Net.HttpStatusCode.NotFound } or HttpRequestException or IOException or TimeoutException;

    public static RunnerException Unavailable(IDockerClient docker, Exception exception)
    {
        var what = exception is DockerApiException api ? $"answered {(int)api.StatusCode}: {Bounded.Text(api.ResponseBody?.Trim(), 512)}" : "is not reachable";
        return new RunnerException(ErrorKind.Unavailable, $"the Docker engine at {docker.Configuration.EndpointBaseUri} {what}", inner: exception);
    }

    /// <summary>Runs an engine call; the exceptions the call does not handle itself become Unavailable.</summary>
    public static async Task<T> GuardAsync<T>(IDockerClient docker, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (IsEngineFailure(ex))
        {
            throw Unavailable(docker, ex);
        }
    }
}
