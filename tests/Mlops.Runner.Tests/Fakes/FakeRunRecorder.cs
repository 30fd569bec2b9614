using Mlops.Runner.Registry;

namespace Mlops.Runner.Tests.Fakes;

/// <summary>Keeps what it was asked to record, including the files of each model it was given.</summary>
internal sealed class FakeRunRecorder : IRunRecorder
{
    public List<(TrainingContext Context, TrainingResult Result, string[] ModelFiles)> Successes { get; } = [];

    public List<TrainingContext> Failures { get; } = [];

    /// <summary>Runs before a success is kept, with the token the recording was given (a slow upload, say).</summary>
    public Func<CancellationToken, Task> BeforeSuccess { get; set; } = _ => Task.CompletedTask;

    /// <summary>The registry cannot be reached: every recording fails Unavailable, as the MLflow backend's do.</summary>
    public bool Down { get; set; }

    /// <summary>The registry answers, and refuses every recording (say, a parameter value it will not take).</summary>
    public bool Refuses { get; set; }

    public async Task<RecordedTraining> RecordSuccessAsync(TrainingContext context, TrainingResult result, string modelDirectory, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        await BeforeSuccess(cancellationToken);
        var files = Directory.EnumerateFiles(modelDirectory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(modelDirectory, f)).ToArray();
        Successes.Add((context, result, files));
        var version = new ModelVersion(context.ModelName, 7, "run-1", "model", DateTimeOffset.UnixEpoch, []);
        return new RecordedTraining("run-1", version);
    }

    public Task<RecordedTraining> RecordFailureAsync(TrainingContext context, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        Failures.Add(context);
        return Task.FromResult(new RecordedTraining("run-failed", null));
    }

    private void ThrowIfDown()
    {
        if (Refuses)
        {
            throw RunnerException.InvalidArgument("params.kind", "was already logged for this run with another value");
        }

        if (Down)
        {
            throw new RunnerException(ErrorKind.Unavailable, "the MLflow server is not reachable (no answer from http://127.0.0.1:1/)");
        }
    }
}
