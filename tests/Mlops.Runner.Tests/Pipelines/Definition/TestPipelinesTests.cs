using System.Text;
using Microsoft.Extensions.Options;
using Mlops.Runner.Functions;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Definition;

/// <summary>The files the integration tests run (tests/pipelines), read against the test functions they name.</summary>
public sealed class TestPipelinesTests
{
    private readonly PipelineCatalog _catalog;

    public TestPipelinesTests()
    {
        var options = Options.Create(new RunnerOptions { FunctionsPath = Path.Combine(PipelineFolder.RepositoryRoot(), "tests", "functions"), PipelinesPath = "/nonexistent" });
        _catalog = new PipelineCatalog(options, new FunctionCatalog(options));
    }

    [Fact]
    public async Task ParseAsync_ChainWithANapInTheMiddle_WaitsInOrder()
    {
        var plan = await ParseAsync("""
            {
              "inputs": { "message": { "type": "string", "default": "first" } },
              "steps": {
                "first": { "function": "echo", "parameters": { "message": "${inputs.message}" } },
                "nap": { "function": "print-sleep", "after": ["first"] },
                "last": { "function": "echo", "parameters": { "message": "after ${steps.first.result.data.message}" }, "after": ["nap"] }
              }
            }
            """);

        Assert.Equal([[], ["first"], ["first", "nap"]], plan.Steps.Select(step => step.DependsOn.ToArray()));
    }

    [Fact]
    public async Task ParseAsync_ReferenceToAnInputThatIsNot_NamesTheStepAndField()
    {
        var error = await Assert.ThrowsAsync<RunnerException>(() => ParseAsync("""
            {
              "inputs": { "message": { "type": "string", "default": "x" } },
              "steps": {
                "first": { "function": "echo", "parameters": { "message": "${inputs.message}" } },
                "second": { "function": "echo", "parameters": { "count": "${inputs.counted}" } }
              }
            }
            """));

        Assert.StartsWith("steps.second.parameters.count: ${inputs.counted}: there is no input 'counted'", error.Message);
    }

    private Task<PipelineDefinition> ParseAsync(string json) => _catalog.ParseAsync("test", Encoding.UTF8.GetBytes(json), CancellationToken.None);
}
