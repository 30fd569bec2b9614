using Microsoft.Extensions.Options;
using Mlops.Runner.Containers;

namespace Mlops.Runner.Registry;

/// <summary>
/// The registry's side of a training invocation's end: a failed one becomes a FAILED run; a successful one
/// has the model it left checked and copied (it is the function's output, untrusted) before it is recorded.
/// </summary>
public sealed class TrainingRegistrar(IRunRecorder recorder, IOptions<ContainerOptions> options)
{
    /// <summary>The most a produced model may hold: no more than the function's whole output may.</summary>
    private readonly long _maxModelBytes = options.Value.MaxOutputMb * 1024L * 1024L;

    public Task<RecordedTraining> RecordFailureAsync(TrainingContext context, CancellationToken cancellationToken) =>
        recorder.RecordFailureAsync(context, cancellationToken);

    /// <param name="outputDirectory">The function's output folder, holding model/.</param>
    /// <param name="scratchDirectory">A folder of the runner's own for the copy that gets registered.</param>
    public async Task<RecordedTraining> RecordSuccessAsync(
        TrainingContext context, TrainingResult result, string outputDirectory, string scratchDirectory, CancellationToken cancellationToken)
    {
        var produced = Path.Combine(outputDirectory, ModelBinding.Folder);
        if (!Directory.Exists(produced) || new DirectoryInfo(produced).LinkTarget is not null)
        {
            await recorder.RecordFailureAsync(context, cancellationToken);
            throw new RunnerException(ErrorKind.FunctionFailed, $"function '{context.Function}' produces a model but left none in /mlops/output/{ModelBinding.Folder}");
        }

        var ownCopy = Path.Combine(scratchDirectory, "model-to-register");
        try
        {
            await UntrustedFile.CopyTreeAsync(produced, ownCopy, _maxModelBytes, cancellationToken);
        }
        catch (IOException ex)
        {
            await recorder.RecordFailureAsync(context, cancellationToken);
            throw new RunnerException(ErrorKind.FunctionFailed, $"function '{context.Function}' left a model that cannot be registered: {ex.Message}");
        }

        return await recorder.RecordSuccessAsync(context, result, ownCopy, cancellationToken);
    }
}
