using Mlops.Runner.Containers;

namespace Mlops.Runner.Reporting;

/// <summary>The engine's version when it answers, otherwise why it does not (exactly one of the two is set).</summary>
public sealed record EngineReport(EngineVersion? Version, string? Error);
