using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Runs;

/// <summary>Pipelines held in memory; a file's bytes are the pipeline's name, so a stored run parses back to its plan.</summary>
internal sealed class FakePipelineCatalog : IPipelineCatalog
{
    public ConcurrentDictionary<string, PipelineDefinition> Plans { get; } = new();

    public Task<IReadOnlyList<PipelineEntry>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PipelineEntry>>(Plans.Values.Select(plan => new PipelineEntry(plan.Name, plan, null)).ToList());

    public Task<PipelineDefinition> GetAsync(string? name, CancellationToken cancellationToken) =>
        Task.FromResult(name is not null && Plans.TryGetValue(name, out var plan) ? plan : throw RunnerException.NotFound($"pipeline {name} not found"));

    public Task<PipelineDefinition> ParseAsync(string name, ReadOnlyMemory<byte> file, CancellationToken cancellationToken) =>
        GetAsync(Encoding.UTF8.GetString(file.Span), cancellationToken);

    public async Task<ReadOnlyMemory<byte>> ReadFileAsync(string? name, CancellationToken cancellationToken) =>
        Encoding.UTF8.GetBytes((await GetAsync(name, cancellationToken)).Name);

    public JsonObject BindInputs(PipelineDefinition definition, JsonObject? given)
    {
        var bound = (JsonObject?)given?.DeepClone() ?? [];
        foreach (var input in definition.Inputs.Where(input => !bound.ContainsKey(input.Name)))
        {
            bound[input.Name] = input.Default?.DeepClone();
        }

        return bound;
    }
}
