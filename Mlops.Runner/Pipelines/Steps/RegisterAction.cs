using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// `register`: a model artifact becomes a run (its files, the given metrics and params) and the next version of a
/// registered model, recorded as a training is (MLmodel file, kept digests), with the pipeline's lineage as tags.
/// </summary>
public sealed class RegisterAction(IRunRecorder recorder, ArtifactStore store, TimeProvider time)
{
    public async Task<StepOutputs> ExecuteAsync(StepWork work, CancellationToken cancellationToken)
    {
        var parameters = new ActionParameters(work);
        var name = RegistryNames.Model(parameters.String("name"), parameters.Field("name"));
        var model = parameters.String("model");
        if (!ArtifactDigest.IsValid(model))
        {
            throw RunnerException.InvalidArgument(parameters.Field("model"), "must be an artifact reference: ${steps.<id>.artifacts.<name>}");
        }

        var result = new TrainingResult(
            (parameters.OptionalObject("metrics") ?? []).DeepClone().AsObject(), (parameters.OptionalObject("params") ?? []).DeepClone().AsObject(), []);
        var (source, inputs) = Producer(work, model);
        using var lease = store.Hold([model]);
        var context = new TrainingContext(RecordingId(work), work.Pipeline, name, ImageId: null, time.GetUtcNow(), [], LogPath: "")
        {
            Tags = new Dictionary<string, string>
            {
                [LineageTags.Pipeline] = work.Pipeline,
                [LineageTags.PipelineRun] = work.RunId,
                [LineageTags.PipelineStep] = work.Name,
                [LineageTags.SourceStep] = source,
                [LineageTags.InputDigests] = string.Join(',', inputs.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}")),
            },
        };
        var recorded = await recorder.RecordSuccessAsync(context, result, store.PathOf(model), cancellationToken);
        var version = recorded.Version ?? throw RunnerException.FailedPrecondition($"steps.{work.Step.Id}: the registry recorded the run but no version");
        var output = new JsonObject { ["name"] = version.Name, ["version"] = version.Version, ["uri"] = version.Uri, ["runId"] = version.RunId };
        return new StepOutputs(output, new Dictionary<string, string>()) { Source = work.Name };
    }

    /// <summary>
    /// The step that made the model and its input artifacts: that of the step the `model` reference names (a `best`
    /// passes its winner's on), or else of any earlier step that produced the same artifact.
    /// </summary>
    private static (string Source, IReadOnlyDictionary<string, string> Inputs) Producer(StepWork work, string digest)
    {
        var named = work.Step.Parameters.TryGetValue("model", out var template) ? template.Steps : [];
        foreach (var (id, outputs) in work.Scope.Steps.OrderBy(pair => named.Contains(pair.Key) ? 0 : 1))
        {
            foreach (var candidate in (outputs.Items ?? []).Prepend(outputs))
            {
                if (candidate is not null && candidate.Artifacts.Values.Contains(digest))
                {
                    return (candidate.Source ?? id, candidate.InputArtifacts);
                }
            }
        }

        return (named.FirstOrDefault() ?? "", new Dictionary<string, string>());
    }

    /// <summary>
    /// What the recorder knows the recording by (the id an invocation would give it): one per run and step, so a
    /// retried register takes up the run and version an earlier attempt left instead of making a second one.
    /// </summary>
    private static string RecordingId(StepWork work) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{work.RunId}\0{work.Name}")))[..32];

    /// <summary>The tags a pipeline's model version carries on its run (MLflow tags).</summary>
    public static class LineageTags
    {
        public const string Pipeline = "mlops.pipeline";
        public const string PipelineRun = "mlops.pipeline_run";
        public const string PipelineStep = "mlops.pipeline_step";
        public const string SourceStep = "mlops.source_step";
        public const string InputDigests = "mlops.input_digests";
    }
}
