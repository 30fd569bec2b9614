namespace Mlops.Runner.Containers;

/// <summary>Labels on every function container, so that a reaper can always find what the runner made.</summary>
public static class Labels
{
    public const string Function = "mlops.function";
    public const string Invocation = "mlops.invocation";
    public const string Runner = "mlops.runner";
}
