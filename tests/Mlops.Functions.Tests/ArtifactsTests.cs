using Mlops.Functions;

namespace Mlops.Functions.Tests;

/// <summary>A step's artifacts as the SDK shows them: input folders by name, output files by name and path.</summary>
public sealed class ArtifactsTests
{
    [Fact]
    public void Artifacts_AGivenArtifact_IsItsFolder()
    {
        using var function = new TempFunction();
        var given = Directory.CreateDirectory(Path.Combine(function.Paths.Input, "artifacts", "dataset")).FullName;
        var context = new FunctionContext(function.Paths);

        Assert.Equal(given, context.Artifacts["dataset"]);
        Assert.True(context.Artifacts.TryGet("dataset", out var folder));
        Assert.Equal(given, folder);
        Assert.Equal(["dataset"], context.Artifacts.Names);
    }

    [Fact]
    public void Artifacts_AMissingArtifact_IsAFunctionErrorThatSaysHowToGiveIt()
    {
        using var function = new TempFunction();
        var context = new FunctionContext(function.Paths);

        var error = Assert.Throws<FunctionError>(() => context.Artifacts["dataset"]);

        Assert.Equal("INVALID_ARGUMENT", error.Code);
        Assert.Contains("'dataset'", error.Message);
        Assert.False(context.Artifacts.TryGet("dataset", out _));
        Assert.Empty(context.Artifacts.Names);
    }

    [Fact]
    public void OutputArtifacts_PathOf_MakesTheArtifactsFolders()
    {
        using var function = new TempFunction();
        var context = new FunctionContext(function.Paths);

        var path = context.OutputArtifacts.PathOf("dataset", "splits/train.csv");
        File.WriteAllText(path, "x");

        Assert.Equal(Path.Combine(function.Paths.Output, "artifacts", "dataset", "splits", "train.csv"), path);
    }

    [Theory]
    [InlineData("Dataset", "train.csv")]
    [InlineData("../model", "train.csv")]
    [InlineData("dataset", "../../model/x")]
    [InlineData("dataset", "/etc/passwd")]
    public void OutputArtifacts_PathOf_ANameOrPathOutsideTheRule_IsRefused(string name, string file)
    {
        using var function = new TempFunction();
        var context = new FunctionContext(function.Paths);

        Assert.Throws<ArgumentException>(() => context.OutputArtifacts.PathOf(name, file));
    }
}
