using System.Text.Json.Nodes;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Grpc;

/// <summary>A plan and runs shaped like the iris pipeline's, as the engine would hand them over.</summary>
internal static class PipelineSamples
{
    public static readonly DateTimeOffset Start = new(2026, 12, 7, 6, 0, 0, TimeSpan.Zero);

    public static PipelineDefinition Iris() => new(
        "iris",
        "split, train, pick the best, deploy",
        [new PipelineInputSpec("n_estimators", "array", "integer", new JsonArray(10, 50), Required: false, "trees to try")],
        [
            Step("split", "iris-split", map: null, when: null, []),
            Step("train", "train", new MapSpec(new Written("${inputs.n_estimators}"), 2, 1.0), when: null, ["split"]),
            Step("register", null, map: null, new WrittenCondition("${steps.best.result.metrics.f1} >= 0.9"), ["train"]),
        ],
        Cache: true,
        "sha256:abc");

    private static StepDefinition Step(string id, string? function, MapSpec? map, Condition? when, string[] dependsOn) => new(
        id, function is null ? StepKind.Action : StepKind.Function, function, function is null ? "register" : null,
        new Dictionary<string, ValueTemplate>(), new Dictionary<string, ValueTemplate>(), map, when,
        Retries: 1, Timeout: TimeSpan.FromSeconds(120), Cache: true, dependsOn);

    public static StepRunRecord StepRun(string step, StepStatus status, bool cacheHit = false, IReadOnlyList<StepRunRecord>? items = null, int? item = null) => new(
        step, item, item is null ? null : JsonValue.Create(10), "train", null, status, "sha256:key-" + step, cacheHit, cacheHit ? "run-0" : null, "inv-" + step, 1,
        new JsonObject { ["n_estimators"] = 10 }, new JsonObject { ["metrics"] = new JsonObject { ["f1"] = 0.95 } },
        new Dictionary<string, string> { ["model"] = "sha256:model" }, new Dictionary<string, string> { ["train"] = "sha256:data" },
        status == StepStatus.Failed ? "INVALID_ARGUMENT" : null, status == StepStatus.Failed ? "bad data" : null,
        Start, status is StepStatus.Pending or StepStatus.Running ? null : Start.AddSeconds(2), items ?? []);

    public static PipelineRunRecord Run(string id, PipelineRunStatus status, params StepRunRecord[] steps) => new(
        id, "iris", "sha256:abc", status, new JsonObject { ["n_estimators"] = new JsonArray(10) }, NoCache: false, steps, Start,
        status is PipelineRunStatus.Running ? null : Start.AddSeconds(5),
        status == PipelineRunStatus.Failed ? "INVALID_ARGUMENT" : null, status == PipelineRunStatus.Failed ? "step train failed" : null, "trace-1", 0);

    private sealed class Written(string text) : ValueTemplate
    {
        public override JsonNode? Resolve(RunScope scope, string field) => throw new NotSupportedException();

        public override IEnumerable<string> Steps => [];

        public override string ToString() => text;
    }

    private sealed class WrittenCondition(string text) : Condition
    {
        public override bool Evaluate(RunScope scope, string field) => throw new NotSupportedException();

        public override IEnumerable<string> Steps => [];

        public override string ToString() => text;
    }
}
