using System.Text.Json.Nodes;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Steps;

/// <summary>`best`: the winning item of a map step by one metric.</summary>
public sealed class BestActionTests
{
    [Fact]
    public void Pick_GoalMax_TakesTheHighestAndPassesItsArtifactsSourceAndInputsOn()
    {
        var work = Best("max", Item(0.8, "a"), Item(0.95, "b"), Item(0.9, "c"));

        var outputs = BestAction.Pick(work);

        Assert.Equal(1, outputs.Result["item"]!.GetValue<int>());
        Assert.Equal(0.95, outputs.Result["score"]!.GetValue<double>());
        Assert.Equal(0.95, outputs.Result["metrics"]!["macro_f1"]!.GetValue<double>());
        Assert.Equal("sha256:b", outputs.Artifacts["model"]);
        Assert.Equal("train[1]", outputs.Source);
        Assert.Equal("sha256:data", outputs.InputArtifacts["dataset"]);
    }

    [Fact]
    public void Pick_GoalMin_TakesTheLowest()
    {
        Assert.Equal(0, BestAction.Pick(Best("min", Item(0.8, "a"), Item(0.95, "b"))).Result["item"]!.GetValue<int>());
    }

    [Fact]
    public void Pick_ATie_GoesToTheLowestIndex()
    {
        Assert.Equal(1, BestAction.Pick(Best("max", Item(0.5, "a"), Item(0.9, "b"), Item(0.9, "c"))).Result["item"]!.GetValue<int>());
    }

    [Fact]
    public void Pick_FailedItemsAndItemsWithoutTheMetric_AreSkipped()
    {
        var noMetric = new StepOutputs(new JsonObject { ["metrics"] = new JsonObject { ["other"] = 1.0 } }, new Dictionary<string, string>());

        Assert.Equal(2, BestAction.Pick(Best("max", null, noMetric, Item(0.1, "c"))).Result["item"]!.GetValue<int>());
    }

    [Fact]
    public void Pick_NoItemWithTheMetric_IsFailedPrecondition()
    {
        var error = Assert.Throws<RunnerException>(() => BestAction.Pick(Best("max", [null])));

        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
    }

    [Fact]
    public void Pick_FromAStepThatIsNotAMap_IsInvalidArgumentNamingFrom()
    {
        var steps = new Dictionary<string, StepOutputs> { ["train"] = Item(0.9, "a")! };

        var error = Assert.Throws<RunnerException>(() => BestAction.Pick(StepWorks.Action("best", Parameters("max"), steps, id: "best")));

        Assert.Equal("steps.best.parameters.from", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Pick_AGoalOtherThanMaxOrMin_IsInvalidArgumentNamingGoal()
    {
        var error = Assert.Throws<RunnerException>(() => BestAction.Pick(Best("most", Item(0.5, "a"))));

        Assert.Equal("steps.best.parameters.goal", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Inputs_AnItemsResultChanged_IsDifferent()
    {
        Assert.NotEqual(BestAction.Inputs(Best("max", Item(0.5, "a"))), BestAction.Inputs(Best("max", Item(0.6, "a"))));
        Assert.Equal(BestAction.Inputs(Best("max", Item(0.5, "a"))), BestAction.Inputs(Best("max", Item(0.5, "a"))));
    }

    private static StepWork Best(string goal, params StepOutputs?[] items)
    {
        var map = new StepOutputs([], new Dictionary<string, string>(), items);
        return StepWorks.Action("best", Parameters(goal), new Dictionary<string, StepOutputs> { ["train"] = map }, id: "best");
    }

    private static JsonObject Parameters(string goal) => new() { ["from"] = "train", ["metric"] = "macro_f1", ["goal"] = goal };

    private static StepOutputs? Item(double f1, string model) =>
        new(new JsonObject { ["metrics"] = new JsonObject { ["macro_f1"] = f1 }, ["params"] = new JsonObject(), ["data"] = new JsonObject() },
            new Dictionary<string, string> { ["model"] = "sha256:" + model })
        {
            InputArtifacts = new Dictionary<string, string> { ["dataset"] = "sha256:data" },
        };
}
