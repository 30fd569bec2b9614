using Mlops.Cli.Output;
using Mlops.Cli.Parameters;

namespace Mlops.Cli.Tests;

/// <summary>The pipeline verbs read from the command line alone: nothing is run, nothing is sent.</summary>
public sealed class PipelineCommandLineTests
{
    [Theory]
    [InlineData("pipelines")]
    [InlineData("pipeline run iris")]
    [InlineData("pipeline run iris --input n_estimators=[10,50,100] -i threshold=0.9 --no-cache --follow --json")]
    [InlineData("pipeline runs")]
    [InlineData("pipeline runs iris -n 5")]
    [InlineData("pipeline get 0190c3aa")]
    [InlineData("pipeline watch 0190c3aa")]
    [InlineData("pipeline cancel 0190c3aa")]
    public void Parse_AWellFormedPipelineCommandLine_HasNoErrors(string line) =>
        Assert.Empty(MlopsCommandLine.Parse(line.Split(' ')).Errors);

    [Theory]
    [InlineData("pipeline run", "name")]
    [InlineData("pipeline get", "run-id")]
    [InlineData("pipeline watch", "run-id")]
    [InlineData("pipeline cancel", "run-id")]
    public void Parse_WithoutWhatThePipelineVerbRequires_IsAnErrorNamingIt(string line, string named) =>
        Assert.Contains($"'{named}'", Assert.Single(MlopsCommandLine.Parse(line.Split(' ')).Errors).Message);

    [Fact]
    public void Parse_PipelineWithoutAVerb_IsAnError() =>
        Assert.NotEmpty(MlopsCommandLine.Parse(["pipeline"]).Errors);

    [Fact]
    public void Inputs_ParseAsInvokesParametersDo_NumbersBooleansArraysAndText()
    {
        var inputs = InvokeParameters.Parse(["n_estimators=[10,50]", "threshold=0.9", "deploy=true", "model=iris_model"], null, "--input");

        Assert.Equal("""{ "n_estimators": [ 10, 50 ], "threshold": 0.9, "deploy": true, "model": "iris_model" }""", inputs.ToString());
    }

    [Fact]
    public void Inputs_APairWithoutEquals_IsAUsageErrorNamingTheOption()
    {
        var error = Assert.Throws<CliException>(() => InvokeParameters.Parse(["n_estimators"], null, "--input"));

        Assert.Equal((ExitCodes.Usage, "--input takes key=value (got 'n_estimators')"), (error.ExitCode, error.Message));
    }

    [Fact]
    public void Parse_Json_IsAFlagOfRun_BesideTheGlobalOutput()
    {
        var parsed = MlopsCommandLine.Parse(["pipeline", "run", "iris", "--json"]);

        Assert.Empty(parsed.Errors);
        Assert.True(parsed.GetValue<bool>("--json"));
        Assert.Null(parsed.GetValue(GlobalOptions.Output));
    }
}
