using System.Text.Json.Nodes;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Definition;

public sealed class InputBindingTests : IDisposable
{
    private readonly PipelineFolder _folder = new();

    [Fact]
    public async Task BindInputs_NothingGiven_TakesTheDefaults()
    {
        var plan = await PlanAsync();

        var bound = _folder.Catalog.BindInputs(plan, null);

        Assert.Equal("""{"n":[1,2],"rate":0.5,"endpoint":"iris"}""", bound.ToJsonString());
    }

    [Fact]
    public async Task BindInputs_GivenValues_AreCheckedAndNormalized()
    {
        var plan = await PlanAsync();

        var bound = _folder.Catalog.BindInputs(plan, new JsonObject { ["n"] = new JsonArray(3.0, 4), ["rate"] = 1, ["label"] = "x", ["flag"] = null });

        Assert.Equal("""{"n":[3,4],"rate":1,"endpoint":"iris","label":"x"}""", bound.ToJsonString());
    }

    [Theory]
    [InlineData("""{ "seed": 1 }""", "inputs.seed: unknown input; expected one of: n, rate, endpoint, label, flag")]
    [InlineData("""{ "n": [1, 2.5] }""", "inputs.n[1]: must be an integer (got 2.5)")]
    [InlineData("""{ "rate": "high" }""", "inputs.rate: must be a number (got a string)")]
    [InlineData("""{ "label": 1 }""", "inputs.label: must be a string (got a number)")]
    public async Task BindInputs_WrongInput_IsInvalidArgumentNamingIt(string given, string expected)
    {
        var plan = await PlanAsync();

        var error = Assert.Throws<RunnerException>(() => _folder.Catalog.BindInputs(plan, JsonNode.Parse(given)!.AsObject()));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public async Task BindInputs_RequiredWithoutDefaultMissing_IsInvalidArgument()
    {
        var plan = await _folder.ParseAsync("""{ "inputs": { "endpoint": { "type": "string", "required": true } }, "steps": { "a": { "function": "hello" } } }""");

        var error = Assert.Throws<RunnerException>(() => _folder.Catalog.BindInputs(plan, [])); 

        Assert.Equal("inputs.endpoint: is required", error.Message);
        Assert.Equal("""{"endpoint":"e"}""", _folder.Catalog.BindInputs(plan, new JsonObject { ["endpoint"] = "e" }).ToJsonString());
    }

    public void Dispose() => _folder.Dispose();

    private Task<PipelineDefinition> PlanAsync() => _folder.ParseAsync("""
        {
          "inputs": {
            "n": { "type": "array", "items": "integer", "default": [1, 2] },
            "rate": { "type": "number", "default": 0.5 },
            "endpoint": { "type": "string", "required": true, "default": "iris" },
            "label": { "type": "string" },
            "flag": { "type": "boolean" }
          },
          "steps": { "a": { "function": "hello" } }
        }
        """);
}
