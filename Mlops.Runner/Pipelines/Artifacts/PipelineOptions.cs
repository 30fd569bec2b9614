using System.ComponentModel.DataAnnotations;

namespace Mlops.Runner.Pipelines;

public sealed class PipelineOptions
{
    public const string SectionName = "Pipelines";

    /// <summary>The artifact store's budget (data/pipelines/artifacts): past it, the least recently used artifacts no running step holds go.</summary>
    [Range(1, 1_048_576)]
    public int ArtifactsMb { get; set; } = 2048;
}
