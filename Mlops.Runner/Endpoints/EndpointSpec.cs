using Mlops.Runner.Registry;

namespace Mlops.Runner.Endpoints;

/// <summary>What an endpoint should be: a serving function, the model it serves, and how far it may scale.</summary>
/// <param name="ModelVersion">"latest", a version number, or "@alias" (followed when it moves).</param>
/// <param name="CanaryModelVersion">A second reference that gets <paramref name="CanaryPercent"/> of predictions; null for none.</param>
public sealed record EndpointSpec(
    string Name,
    string Function,
    string ModelName,
    string ModelVersion,
    int MinReplicas,
    int MaxReplicas,
    int TargetConcurrency,
    int IdleSeconds,
    string? CanaryModelVersion,
    int CanaryPercent)
{
    public const int DefaultIdleSeconds = 60;
    public const int MaxReplicasLimit = 64;

    /// <summary>Checks every field (errors name it) and fills the defaults.</summary>
    public static EndpointSpec Validated(
        string? name, string? function, string? modelName, string? modelVersion, int minReplicas, int maxReplicas, int targetConcurrency, int idleSeconds,
        string? canaryModelVersion, int canaryPercent)
    {
        // Endpoint names follow the function-name rule: both become paths and labels.
        var validName = Functions.FunctionName.IsValid(name) ? name! : throw RunnerException.InvalidArgument("name", "must match ^[a-z][a-z0-9-]{0,62}$");
        var validFunction = Functions.FunctionName.Validate(function);
        var model = RegistryNames.Model(string.IsNullOrEmpty(modelName) ? null : modelName, "model_name");
        var version = string.IsNullOrEmpty(modelVersion) ? "latest" : modelVersion;
        VersionReference.Parse(version, "model_version");
        if (minReplicas is < 0 or > MaxReplicasLimit)
        {
            throw RunnerException.InvalidArgument("min_replicas", $"must be between 0 and {MaxReplicasLimit}");
        }

        var max = maxReplicas == 0 ? Math.Max(1, minReplicas) : maxReplicas;
        if (max < Math.Max(1, minReplicas) || max > MaxReplicasLimit)
        {
            throw RunnerException.InvalidArgument("max_replicas", $"must be between max(1, min_replicas) and {MaxReplicasLimit}");
        }

        if (targetConcurrency is < 0 or > 10_000)
        {
            throw RunnerException.InvalidArgument("target_concurrency", "must be between 0 (the function's own) and 10000");
        }

        if (idleSeconds is < 0 or > 86_400)
        {
            throw RunnerException.InvalidArgument("idle_seconds", "must be between 0 (60 s) and 86400");
        }

        string? canary = string.IsNullOrEmpty(canaryModelVersion) ? null : canaryModelVersion;
        if (canary is not null)
        {
            VersionReference.Parse(canary, "canary_model_version");
            if (canaryPercent is < 1 or > 99)
            {
                throw RunnerException.InvalidArgument("canary_percent", "must be between 1 and 99 with a canary_model_version");
            }
        }
        else if (canaryPercent != 0)
        {
            throw RunnerException.InvalidArgument("canary_percent", "needs a canary_model_version");
        }

        return new EndpointSpec(validName, validFunction, model, version, minReplicas, max, targetConcurrency,
            idleSeconds == 0 ? DefaultIdleSeconds : idleSeconds, canary, canary is null ? 0 : canaryPercent);
    }
}
