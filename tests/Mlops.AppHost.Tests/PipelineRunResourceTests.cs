using Mlops.AppHost.Pipelines;

namespace Mlops.AppHost.Tests;

/// <summary>The names of pipeline run resources: the pipeline and the start of the run id, always a valid Aspire name.</summary>
public sealed class PipelineRunResourceTests
{
    [Theory]
    [InlineData("iris", "0F8E2C41-A9B3-4C1D", 8, "pipeline-iris-0f8e2c41")]
    [InlineData("iris", "0F8E2C41-A9B3-4C1D", 12, "pipeline-iris-0f8e2c41a9b3")]
    [InlineData("my--pipe-", "abc", 8, "pipeline-my-pipe-abc")]
    [InlineData("iris", "---", 8, "pipeline-iris-run")]
    public void NameOf_ThePipelineAndTheStartOfTheRunId(string pipeline, string runId, int idLength, string expected)
    {
        Assert.Equal(expected, PipelineRunResource.NameOf(pipeline, runId, idLength));
    }

    [Fact]
    public void NameOf_ALongPipelineName_IsCutSoTheNameStaysWithinAspiresBound()
    {
        var name = PipelineRunResource.NameOf(new string('a', 63), "0f8e2c41a9b3");

        Assert.Equal(64, name.Length);
        Assert.EndsWith("a-0f8e2c41", name);
        // Aspire refuses an invalid name when the resource is made.
        Assert.Equal(name, new PipelineRunResource(name, "p", "r").Name);
    }
}
