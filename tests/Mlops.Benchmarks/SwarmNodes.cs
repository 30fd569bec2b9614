using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mlops.Testing;

namespace Mlops.Benchmarks;

/// <summary>
/// Which node of the swarm ran each task: the runner tags its "container wait" span with the node (mlops.node) and the
/// task (container.id, mlops-FUNCTION-INVOCATION), and exports it to the AppHost's dashboard, whose telemetry API the
/// benchmark reads. Spans arrive in batches, a few seconds after the call.
/// </summary>
internal static class SwarmNodes
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static string TaskName(string function, string invocationId) => $"mlops-{function}-{invocationId}";

    /// <summary>The node of each of <paramref name="tasks"/> the dashboard has within <see cref="Bound"/>; the others are missing.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> OfAsync(AppHostProcess app, IReadOnlyCollection<string> tasks, CancellationToken cancellationToken)
    {
        using var telemetry = app.TelemetryApi();
        var nodes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var deadline = DateTime.UtcNow + Bound; ; await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken))
        {
            var found = await telemetry.GetFromJsonAsync<JsonObject>("/api/telemetry/spans?resource=runner&limit=10000", cancellationToken);
            foreach (var (task, node) in Waits(found))
            {
                nodes[task] = node;
            }

            if (tasks.All(nodes.ContainsKey) || DateTime.UtcNow > deadline)
            {
                return tasks.Where(nodes.ContainsKey).ToDictionary(task => task, task => nodes[task], StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The (task, node) of each "container wait" span in OTLP JSON's resourceSpans that has both.</summary>
    private static IEnumerable<(string Task, string Node)> Waits(JsonObject? telemetry) =>
        from resource in telemetry?["data"]?["resourceSpans"]?.AsArray() ?? []
        from scope in resource!["scopeSpans"]?.AsArray() ?? []
        from span in scope!["spans"]?.AsArray() ?? []
        where span!["name"]?.GetValue<string>() == "container wait"
        let task = Attribute(span, "container.id")
        let node = Attribute(span, "mlops.node")
        where task is not null && node is { Length: > 0 }
        select (task, node);

    private static string? Attribute(JsonNode span, string key) =>
        (span["attributes"]?.AsArray() ?? []).FirstOrDefault(a => a!["key"]?.GetValue<string>() == key)?["value"]?["stringValue"]?.GetValue<string>();
}
