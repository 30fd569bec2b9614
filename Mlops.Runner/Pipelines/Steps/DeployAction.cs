using System.Text.Json.Nodes;
using Mlops.Runner.Endpoints;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// `deploy`: creates or updates a serving endpoint (owned by the run's caller), then waits, within the step's
/// timeout, until a replica serving the version its reference resolves to now is ready.
/// </summary>
public sealed class DeployAction(EndpointManager endpoints, IModelRegistry registry)
{
    /// <summary>The endpoint's own field names, as this step's parameters call them.</summary>
    private static readonly Dictionary<string, string> Parameters = new(StringComparer.Ordinal)
    {
        ["name"] = "endpoint",
        ["function"] = "function",
        ["model_name"] = "model",
        ["model_version"] = "version",
        ["min_replicas"] = "minReplicas",
        ["max_replicas"] = "maxReplicas",
    };

    public async Task<StepOutputs> ExecuteAsync(StepWork work, CancellationToken cancellationToken)
    {
        var parameters = new ActionParameters(work);
        var spec = Spec(parameters);
        var version = await ResolveAsync(registry, work, cancellationToken)
            ?? throw RunnerException.InvalidArgument(parameters.Field("model"), "is required");
        await endpoints.PutAsync(spec, work.Caller, cancellationToken);
        var view = await ReadyAsync(spec.Name, version.Version, cancellationToken);
        var output = new JsonObject
        {
            ["endpoint"] = spec.Name,
            ["modelVersion"] = version.Version,
            ["readyReplicas"] = view.Replicas.Count(replica => IsServing(replica, version.Version)),
        };
        return new StepOutputs(output, new Dictionary<string, string>()) { Source = work.Name };
    }

    /// <summary>The version the step's model reference resolves to now (part of its cache key: an alias that moved is a new key); null without a model.</summary>
    public static async Task<ModelVersion?> ResolveAsync(IModelRegistry registry, StepWork work, CancellationToken cancellationToken)
    {
        var parameters = new ActionParameters(work);
        if (parameters.OptionalString("model") is not { } model)
        {
            return null;
        }

        var field = parameters.Field("version");
        var (uriModel, reference) = VersionReference.Parse(parameters.OptionalString("version"), field);
        return await reference.ResolveAsync(registry, uriModel ?? RegistryNames.Model(model, parameters.Field("model")), cancellationToken);
    }

    private static EndpointSpec Spec(ActionParameters parameters)
    {
        var minimum = parameters.Integer("minReplicas", fallback: 1, 1, EndpointSpec.MaxReplicasLimit);
        var maximum = parameters.Integer("maxReplicas", fallback: minimum, minimum, EndpointSpec.MaxReplicasLimit);
        try
        {
            return EndpointSpec.Validated(
                parameters.String("endpoint"), parameters.String("function"), parameters.String("model"), parameters.OptionalString("version"),
                minimum, maximum, targetConcurrency: 0, idleSeconds: 0, canaryModelVersion: null, canaryPercent: 0);
        }
        catch (RunnerException ex) when (ex.Kind == ErrorKind.InvalidArgument && ex.Violations is [var violation] && Parameters.TryGetValue(violation.Field, out var name))
        {
            throw RunnerException.InvalidArgument(parameters.Field(name), violation.Description);
        }
    }

    /// <summary>Looks again at every change the endpoints publish until a replica of the version is ready (the step's timeout bounds it).</summary>
    private async Task<EndpointView> ReadyAsync(string name, int version, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await foreach (var _ in endpoints.WatchAsync(cancellationToken))
                {
                    var view = endpoints.Get(name);
                    if (view.Replicas.Any(replica => IsServing(replica, version)))
                    {
                        return view;
                    }

                    if (view.State == EndpointState.Failed)
                    {
                        throw RunnerException.FailedPrecondition($"endpoint '{name}' failed before a replica of version {version} was ready: {view.Message}");
                    }
                }
            }
            catch (WatchOverflowException)
            {
                // Fell behind a burst of changes: look again from now.
            }
        }
    }

    private static bool IsServing(ReplicaView replica, int version) => replica.State == ReplicaState.Ready && replica.ModelVersion == version;
}
