using Microsoft.Extensions.Options;
using Mlops.Runner.Containers;

namespace Mlops.Runner.Registry;

/// <summary>
/// The registry's side of a training invocation's end: a failed one becomes a FAILED run; a successful one
/// has the model it left checked and copied (it is the function's output, untrusted) before it is recorded.
/// When the registry cannot be reached, the training is kept in the outbox and recorded once it is back.
/// </summary>
public sealed class TrainingRegistrar(IRunRecorder recorder, TrainingOutbox outbox, IOptions<ContainerOptions> options)
{
    /// <summary>The most a produced model may hold: no more than the function's whole output may.</summary>
    private readonly long _maxModelBytes = options.Value.MaxOutputMb * 1024L * 1024L;

    public async Task<RecordedTraining> RecordFailureAsync(TrainingContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await recorder.RecordFailureAsync(context, cancellationToken);
        }
        catch (Exception ex) when (Unreachable(ex, cancellationToken) is { } reason)
        {
            await outbox.KeepAsync(context, null, null, reason, CancellationToken.None);
            return RecordedTraining.Pending(reason);
        }
    }

    /// <param name="outputDirectory">The function's output folder, holding model/.</param>
    /// <param name="scratchDirectory">A folder of the runner's own for the copy that gets registered.</param>
    public async Task<RecordedTraining> RecordSuccessAsync(
        TrainingContext context, TrainingResult result, string outputDirectory, string scratchDirectory, CancellationToken cancellationToken)
    {
        var produced = Path.Combine(outputDirectory, ModelBinding.Folder);
        if (!Directory.Exists(produced) || new DirectoryInfo(produced).LinkTarget is not null)
        {
            await RecordFailureAsync(context, cancellationToken);
            throw new RunnerException(ErrorKind.FunctionFailed, $"function '{context.Function}' produces a model but left none in /mlops/output/{ModelBinding.Folder}");
        }

        var ownCopy = Path.Combine(scratchDirectory, "model-to-register");
        try
        {
            await UntrustedFile.CopyTreeAsync(produced, ownCopy, _maxModelBytes, cancellationToken);
        }
        catch (IOException ex) when (!StorageFailures.IsDiskFull(ex))
        {
            throw await CannotRegisterAsync(context, ex.Message, cancellationToken);
        }

        try
        {
            // The function's description of its model is its output too: one it got wrong is a FAILED run, as a missing
            // model is, decided before the registry is asked (not kept in the outbox as if the registry were the matter).
            ModelDescription.Read(ownCopy);
        }
        catch (RunnerException ex) when (ex.Kind == ErrorKind.FunctionFailed)
        {
            throw await CannotRegisterAsync(context, ex.Message, cancellationToken);
        }

        try
        {
            return await recorder.RecordSuccessAsync(context, result, ownCopy, cancellationToken);
        }
        catch (Exception ex) when (Unreachable(ex, cancellationToken) is { } reason)
        {
            // The model is the one thing that cannot be made again for free: kept until the registry is back. Keeping
            // it is a local move, finished whatever stopped the recording.
            await outbox.KeepAsync(context, result, ownCopy, reason, CancellationToken.None);
            return RecordedTraining.Pending(reason);
        }
    }

    /// <summary>A model the function left that cannot be registered: a FAILED run, and the error its caller gets.</summary>
    private async Task<RunnerException> CannotRegisterAsync(TrainingContext context, string why, CancellationToken cancellationToken)
    {
        await RecordFailureAsync(context, cancellationToken);
        return new RunnerException(ErrorKind.FunctionFailed, $"function '{context.Function}' left a model that cannot be registered: {why}");
    }

    /// <summary>
    /// Why the registry cannot take the training now (MLflow unreachable, the embedded database busy: both Unavailable; the runner
    /// stopping or the recording's time up mid-way); null for any other failure.
    /// </summary>
    private static string? Unreachable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        RunnerException { Kind: ErrorKind.Unavailable } unavailable => unavailable.Message,
        OperationCanceledException when cancellationToken.IsCancellationRequested => "the recording was interrupted (the runner stopped, or it took too long)",
        _ => null,
    };
}
