using Mlops.Cli.Output;

namespace Mlops.Cli.Tests;

/// <summary>What each verb requires and refuses, read from the command line alone: nothing is run, nothing is sent.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("functions")]
    [InlineData("build train")]
    [InlineData("invoke train -p n_estimators=20 -p criterion=gini")]
    [InlineData("invoke train --params-json {\"n_estimators\":20}")]
    [InlineData("invoke hello --async --follow")]
    [InlineData("invocations --function train -n 5")]
    [InlineData("logs 0123456789abcdef")]
    [InlineData("models")]
    [InlineData("versions iris_model")]
    [InlineData("alias set iris_model @champion 3")]
    [InlineData("alias delete iris_model champion")]
    [InlineData("runs -e train")]
    [InlineData("endpoints")]
    [InlineData("endpoints delete iris")]
    [InlineData("deploy iris --model iris_model --version @champion --min 0 --max 2")]
    [InlineData("predict iris -f 5.1,3.5,1.4,0.2 -f 6.7,3.3,6.0,2.3")]
    [InlineData("functions --url 127.0.0.1:9 -o json")]
    public void Parse_AWellFormedCommandLine_HasNoErrors(string line)
    {
        var parsed = MlopsCommandLine.Parse(line.Split(' '));

        Assert.Empty(parsed.Errors);
    }

    [Theory]
    [InlineData("invoke", "invoke")]
    [InlineData("build", "build")]
    [InlineData("logs", "logs")]
    [InlineData("versions", "versions")]
    [InlineData("alias set iris_model champion", "set")]
    [InlineData("alias delete iris_model", "delete")]
    [InlineData("endpoints delete", "delete")]
    [InlineData("predict", "predict")]
    [InlineData("deploy --model iris_model", "deploy")]
    [InlineData("deploy iris", "--model")]
    public void Parse_WithoutWhatTheVerbRequires_IsAnErrorNamingIt(string line, string named)
    {
        var parsed = MlopsCommandLine.Parse(line.Split(' '));

        var error = Assert.Single(parsed.Errors);
        Assert.Contains($"'{named}'", error.Message);
    }

    [Theory]
    [InlineData("alias set iris_model champion three", "three")]
    [InlineData("invocations -n many", "many")]
    [InlineData("functions -o xml", "xml")]
    [InlineData("invoke hello --follow", "--follow goes with --async")]
    [InlineData("no-such-verb", "no-such-verb")]
    public void Parse_AValueItCannotTake_IsAnErrorQuotingIt(string line, string quoted)
    {
        var parsed = MlopsCommandLine.Parse(line.Split(' '));

        Assert.Contains(parsed.Errors, error => error.Message.Contains(quoted, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_AnArgumentStartingWithAt_IsTheArgument_NotAResponseFile()
    {
        var parsed = MlopsCommandLine.Parse(["alias", "delete", "iris_model", "@champion"]);

        Assert.Empty(parsed.Errors);
        Assert.Equal("@champion", parsed.GetValue<string>("alias"));
    }

    [Theory]
    [InlineData(new[] { "models" }, null)]
    [InlineData(new[] { "models", "-o", "json" }, nameof(OutputFormat.Json))]
    [InlineData(new[] { "--output", "table", "models" }, nameof(OutputFormat.Table))]
    public void Parse_OutputOption_OnTheRootOrTheVerb_IsTheFormat(string[] args, string? expected)
    {
        var parsed = MlopsCommandLine.Parse(args);

        Assert.Empty(parsed.Errors);
        Assert.Equal(expected, parsed.GetValue(GlobalOptions.Output)?.ToString());
    }
}
