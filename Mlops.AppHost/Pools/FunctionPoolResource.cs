namespace Mlops.AppHost.Pools;

/// <summary>
/// A function's warm pool as the dashboard shows it: pre-started containers the runner keeps for the function,
/// mirrored from the runner's status (they are the runner's to start and remove, not Aspire's).
/// </summary>
public sealed class FunctionPoolResource(string function) : Resource($"pool-{function}")
{
    public const string Type = "FunctionPool";

    public string ResourceId => Name;
}
