namespace Mlops.Runner.Invocations;

/// <summary>
/// What an invocation that runs as a pipeline's step takes and leaves besides a normal one's: artifacts staged in
/// its input folder before its container starts, and its output's artifacts (and model) collected before its
/// workspace is removed. Such an invocation never registers the model it produces: the pipeline does.
/// </summary>
public interface IInvocationArtifacts
{
    /// <summary>Puts the input artifacts under <c>artifacts/&lt;name&gt;/</c> of the (read-only once mounted) input folder.</summary>
    Task StageAsync(string inputDirectory, CancellationToken cancellationToken);

    /// <summary>Takes what a successful invocation left under <c>artifacts/&lt;name&gt;/</c> and <c>model/</c> of its output folder.</summary>
    Task CollectAsync(string outputDirectory, CancellationToken cancellationToken);
}
