using Google.Protobuf.WellKnownTypes;
using Mlops.Cli.Connection;
using Mlops.Cli.Invocations;
using Mlops.Cli.Output;
using Mlops.V1;

namespace Mlops.Cli.Tests;

/// <summary>What a verb prints: tables for people, the API's JSON alone under --output json.</summary>
public sealed class OutputTests : IDisposable
{
    private readonly PlainConsole _out = new();
    private readonly PlainConsole _error = new();

    // A channel is only opened by a call; these tests make none.
    private readonly MlopsConnection _connection = new(new Uri("http://127.0.0.1:9"), "mlops_test-key");

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void Table_WithNoRows_IsALineSayingSo()
    {
        Tables.Write(_out.Console, Tables.Create(null, "name", "value"), "no models yet");

        Assert.Equal("no models yet", _out.Text.Trim());
    }

    [Fact]
    public void Table_Cells_AreText_NeverMarkup()
    {
        var table = Tables.Create("runs [all]", "name", "value");
        table.AddTextRow("note", "[red]not a style[/]");

        Tables.Write(_out.Console, table, "none");

        Assert.Contains("[red]not a style[/]", _out.Text);
        Assert.Contains("runs [all]", _out.Text);
        Assert.Contains("NAME", _out.Text);
    }

    [Fact]
    public void AnsweredAsJson_UnderJsonOutput_WritesTheMessageAlone_AsTheApiSpellsIt()
    {
        var context = Context(OutputFormat.Json);
        var response = new ListFunctionsResponse { Functions = { new Function { Name = "train", Description = "trains [iris]" } } };

        Assert.True(context.AnsweredAsJson(response));

        var json = System.Text.Json.Nodes.JsonNode.Parse(_out.Text)!;
        Assert.Equal("train", json["functions"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("trains [iris]", json["functions"]![0]!["description"]!.GetValue<string>());
        Assert.Same(_error.Console, context.Story);
    }

    [Fact]
    public void AnsweredAsJson_ForPeople_LeavesTheAnswerToTheVerb()
    {
        var context = Context(OutputFormat.Table);

        Assert.False(context.AnsweredAsJson(new ListFunctionsResponse()));
        Assert.Equal("", _out.Text);
        Assert.Same(_out.Console, context.Story);
    }

    [Fact]
    public void InvocationView_OfASucceededInvocation_SaysHowLongEachPhaseTook_ThenItsMetricsAndData()
    {
        var invocation = new Invocation
        {
            Status = InvocationStatus.Succeeded,
            ExitCode = 0,
            Phases = new PhaseDurations { Total = Seconds(2.5), Queue = Seconds(0.1), Image = Seconds(0.2), Start = Seconds(0.3), Run = Seconds(1.9) },
            Result = new InvocationResult
            {
                Metrics = new Struct { Fields = { ["accuracy"] = Value.ForNumber(0.9333333) } },
                Data = new Struct { Fields = { ["class"] = Value.ForString("setosa") } },
            },
        };

        InvocationView.Write(Context(OutputFormat.Table), invocation);

        Assert.Contains("SUCCEEDED in 2.50 s (queue 0.10 s, image 0.20 s, start 0.30 s, run 1.90 s), exit code 0", _out.Text);
        Assert.Matches(@"accuracy\s+│\s+0\.933333", _out.Text);
        Assert.Matches(@"class\s+│\s+setosa", _out.Text);
        Assert.Equal(ExitCodes.Success, InvocationView.ExitCodeOf(invocation));
    }

    [Fact]
    public void InvocationView_OfAFailedInvocation_ExitsOneWithItsErrorCodeAndMessage()
    {
        var invocation = new Invocation { Status = InvocationStatus.Failed, ErrorCode = "INVALID_ARGUMENT", ErrorMessage = "expected 4 features" };

        var failure = Assert.Throws<CliException>(() => InvocationView.ExitCodeOf(invocation));

        Assert.Equal((ExitCodes.Failure, "INVALID_ARGUMENT: expected 4 features"), (failure.ExitCode, failure.Message));
    }

    [Fact]
    public void InvocationView_OfATimeoutWithoutAMessage_SaysHowItEnded() =>
        Assert.Equal("TIMED_OUT: the invocation did not succeed",
            Assert.Throws<CliException>(() => InvocationView.ExitCodeOf(new Invocation { Status = InvocationStatus.TimedOut })).Message);

    private CommandContext Context(OutputFormat format) =>
        new(_connection, new Terminal(_out.Console, _error.Console), format, MlopsCommandLine.Parse(["functions"]));

    private static Duration Seconds(double seconds) => Duration.FromTimeSpan(TimeSpan.FromSeconds(seconds));
}
