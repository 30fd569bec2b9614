using System.Text.Json.Nodes;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Definition;

public sealed class ConditionTests
{
    private static readonly RunScope Scope = new(
        new JsonObject { ["min_f1"] = 0.9, ["n"] = 3, ["name"] = "iris", ["on"] = true },
        new Dictionary<string, StepOutputs>
        {
            ["best"] = new(JsonNode.Parse("""{ "metrics": { "macro_f1": 0.95, "count": 3.0 }, "data": { "label": "b", "ok": false } }""")!.AsObject(),
                new Dictionary<string, string>()),
        },
        null);

    [Theory]
    [InlineData("${steps.best.result.metrics.macro_f1} >= ${inputs.min_f1}", true)]
    [InlineData("${steps.best.result.metrics.macro_f1} < 0.9", false)]
    [InlineData("${steps.best.result.metrics.count} == ${inputs.n}", true)]
    [InlineData("${steps.best.result.metrics.count} == 3", true)]
    [InlineData("${steps.best.result.metrics.count} != 3", false)]
    [InlineData("${steps.best.result.metrics.count} <= 3", true)]
    [InlineData("${steps.best.result.metrics.count} > 2.5", true)]
    [InlineData("${inputs.name} == \"iris\"", true)]
    [InlineData("${inputs.name}==\"a == b\"", false)]
    [InlineData("${inputs.name} > \"apple\"", true)]
    [InlineData("${steps.best.result.data.label} != \"b\"", false)]
    [InlineData("${steps.best.result.data.ok} == false", true)]
    [InlineData("${steps.best.result.data.ok} == null", false)]
    [InlineData("${inputs.on}", true)]
    [InlineData(" ${steps.best.result.data.ok} ", false)]
    [InlineData("true", true)]
    public void Evaluate_Condition_HoldsAsWritten(string written, bool expected)
    {
        var condition = ConditionParser.Parse(JsonValue.Create(written), "steps.x.when");

        Assert.Equal(expected, condition.Evaluate(Scope, "steps.x.when"));
        Assert.Equal(written, condition.ToString());
    }

    [Fact]
    public void Steps_NameTheStepsOfBothOperands()
    {
        var condition = ConditionParser.Parse(JsonValue.Create("${steps.a.result.x} < ${steps.b.result.y}"), "f");

        Assert.Equal(["a", "b"], condition.Steps);
    }

    [Theory]
    [InlineData("${steps.best.result.metrics.f1} > 0.9", "steps.x.when: ${steps.best.result.metrics.f1}: the result of step 'best' has no field 'metrics.f1'")]
    [InlineData("${steps.best.result.metrics}", "steps.x.when: ${steps.best.result.metrics} is an object, not a boolean")]
    [InlineData("${steps.best.result.data.label} > 1", "steps.x.when: '${steps.best.result.data.label} > 1': a string and a number cannot be ordered")]
    public void Evaluate_ValueThatCannotDecide_IsInvalidArgumentNamingTheField(string written, string expected)
    {
        var condition = ConditionParser.Parse(JsonValue.Create(written), "steps.x.when");

        var error = Assert.Throws<RunnerException>(() => condition.Evaluate(Scope, "steps.x.when"));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith(expected, error.Message);
    }
}
