using System.Text.Json.Nodes;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Definition;

public sealed class TemplateTests
{
    private static readonly RunScope Scope = new(
        new JsonObject { ["seed"] = 42, ["name"] = "iris", ["rate"] = 0.5 },
        new Dictionary<string, StepOutputs>
        {
            ["best"] = new(JsonNode.Parse("""{ "metrics": { "macro_f1": 0.97 }, "params": { "n": 50 }, "data": { "list": [10, 20], "none": null } }""")!.AsObject(),
                new Dictionary<string, string> { ["model"] = "sha256:abc" }),
        },
        JsonNode.Parse("""{ "n": 25 }"""));

    [Theory]
    [InlineData("${inputs.seed}", "42")]
    [InlineData("${inputs.rate}", "0.5")]
    [InlineData("${steps.best.result.metrics}", """{"macro_f1":0.97}""")]
    [InlineData("${steps.best.result.metrics.macro_f1}", "0.97")]
    [InlineData("${steps.best.result.data.list.1}", "20")]
    [InlineData("${steps.best.result.data.none}", "null")]
    [InlineData("${steps.best.artifacts.model}", "\"sha256:abc\"")]
    [InlineData("${item}", """{"n":25}""")]
    [InlineData("${item.n}", "25")]
    [InlineData("${inputs.absent}", "null")]
    public void Resolve_OneReference_KeepsTheValuesType(string written, string expected)
    {
        var template = Parse(written);

        Assert.Equal(expected, template.Resolve(Scope, "f")?.ToJsonString() ?? "null");
        Assert.Equal(written, template.ToString());
    }

    [Theory]
    [InlineData("model-${inputs.name}-${inputs.seed}", "model-iris-42")]
    [InlineData("f1=${steps.best.result.metrics.macro_f1} of ${steps.best.result.metrics}", """f1=0.97 of {"macro_f1":0.97}""")]
    [InlineData("costs $${inputs.seed}", "costs ${inputs.seed}")]
    [InlineData("plain $ text", "plain $ text")]
    public void Resolve_ReferencesInAString_AreFormattedIntoIt(string written, string expected)
    {
        var template = Parse(written);

        Assert.Equal(expected, template.Resolve(Scope, "f")!.GetValue<string>());
        Assert.Equal(written, template.ToString());
    }

    [Fact]
    public void Resolve_ObjectsAndArraysHoldingReferences_ResolveEachValue()
    {
        var template = TemplateParser.Parse(JsonNode.Parse("""{ "a": ["${inputs.seed}", 1, { "b": "${item.n}" }], "c": "x" }"""), "f");

        Assert.Equal("""{"a":[42,1,{"b":25}],"c":"x"}""", template.Resolve(Scope, "f")!.ToJsonString());
        Assert.Equal(["x"], TemplateParser.Parse(JsonNode.Parse("""["${steps.x.result.a}", "${steps.x.result.b}"]"""), "f").Steps);
    }

    [Fact]
    public void Resolve_Literal_IsACopyEachTime()
    {
        var template = TemplateParser.Parse(JsonNode.Parse("""{ "a": [1, 2] }"""), "f");

        var first = template.Resolve(Scope, "f")!.AsObject();
        first["a"] = 3;

        Assert.IsType<LiteralTemplate>(template);
        Assert.Equal("""{"a":[1,2]}""", template.Resolve(Scope, "f")!.ToJsonString());
        Assert.Empty(template.Steps);
    }

    [Theory]
    [InlineData("${steps.best.result.metrics.f1}", "steps.x.parameters.p: ${steps.best.result.metrics.f1}: the result of step 'best' has no field 'metrics.f1'")]
    [InlineData("${steps.best.result.data.list.5}", "steps.x.parameters.p: ${steps.best.result.data.list.5}: the result of step 'best' has no field 'data.list.5'")]
    [InlineData("${steps.best.result.data.none.x}", "steps.x.parameters.p: ${steps.best.result.data.none.x}: the result of step 'best' has null at 'data.none'")]
    [InlineData("${steps.best.artifacts.dataset}", "steps.x.parameters.p: ${steps.best.artifacts.dataset}: step 'best' left no artifact 'dataset' (it left model)")]
    [InlineData("${steps.later.result.x}", "steps.x.parameters.p: ${steps.later.result.x}: step 'later' has no outputs (it has not succeeded)")]
    [InlineData("${item.m}", "steps.x.parameters.p: ${item.m}: the map element has no field 'm'")]
    [InlineData("a ${inputs.absent}", "steps.x.parameters.p: ${inputs.absent}: has no value to format into the string")]
    public void Resolve_SomethingAbsent_IsInvalidArgumentNamingTheField(string written, string expected)
    {
        var error = Assert.Throws<RunnerException>(() => Parse(written).Resolve(Scope, "steps.x.parameters.p"));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Resolve_ItemOutsideAMap_IsInvalidArgument()
    {
        var error = Assert.Throws<RunnerException>(() => Parse("${item}").Resolve(Scope with { Item = null }, "f"));

        Assert.StartsWith("f: ${item}: there is no map element here", error.Message);
    }

    [Fact]
    public void Steps_NameTheStepsReferredTo()
    {
        Assert.Equal(["best", "split"], Parse("${steps.best.result.a}/${steps.split.artifacts.d}/${steps.best.result.b}/${inputs.seed}").Steps);
    }

    private static ValueTemplate Parse(string written) => TemplateParser.Parse(JsonValue.Create(written), "f");
}
