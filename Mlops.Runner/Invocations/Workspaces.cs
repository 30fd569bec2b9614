using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Invocations;

/// <summary>Makes each invocation's input and output folders under data/invocations/.</summary>
public sealed class Workspaces(IOptions<RunnerOptions> options, ILogger<Workspace> logger)
{
    private readonly string _dataDirectory = options.Value.DataPath;

    public Task<Workspace> CreateAsync(string invocationId, JsonObject parameters, CancellationToken cancellationToken) =>
        Workspace.CreateAsync(_dataDirectory, invocationId, parameters, logger, cancellationToken);

    /// <summary>A pooled container's folders, empty until its invocation is handed over.</summary>
    public Workspace CreateEmpty(string slotId) => Workspace.CreateEmpty(_dataDirectory, slotId, logger);
}
