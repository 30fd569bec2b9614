namespace Mlops.Runner.Registry;

/// <summary>
/// Model versions as the API shows them, each with its run's metrics, whichever call answers with it: neither
/// backend keeps metrics on a version (MLflow has none there), so they always come from the run.
/// </summary>
public sealed class ModelVersions(IModelRegistry registry)
{
    public sealed record WithMetrics(ModelVersion Version, IReadOnlyDictionary<string, double> Metrics);

    public async Task<IReadOnlyList<WithMetrics>> ListAsync(string model, CancellationToken cancellationToken)
    {
        var versions = new List<WithMetrics>();
        foreach (var version in await registry.ListVersionsAsync(model, cancellationToken))
        {
            versions.Add(await MetricsOfAsync(version, cancellationToken));
        }

        return versions;
    }

    /// <summary>Points <paramref name="alias"/> at <paramref name="version"/>; answers that version as it is now.</summary>
    public async Task<WithMetrics> SetAliasAsync(string model, string alias, int version, CancellationToken cancellationToken)
    {
        await registry.SetAliasAsync(model, alias, version, cancellationToken);
        return await MetricsOfAsync(await registry.GetVersionAsync(model, version, cancellationToken), cancellationToken);
    }

    private async Task<WithMetrics> MetricsOfAsync(ModelVersion version, CancellationToken cancellationToken) =>
        new(version, (await registry.GetRunAsync(version.RunId, cancellationToken)).Metrics);
}
