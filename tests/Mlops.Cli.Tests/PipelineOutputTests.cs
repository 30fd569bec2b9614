using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mlops.Cli.Connection;
using Mlops.Cli.Output;
using Mlops.Cli.Pipelines;
using Mlops.V1;

namespace Mlops.Cli.Tests;

/// <summary>What following a run prints, line by line, and what it exits with; and a run's table.</summary>
public sealed class PipelineOutputTests : IDisposable
{
    private static readonly DateTime Start = new(2026, 12, 7, 6, 0, 0, DateTimeKind.Utc);
    private readonly PlainConsole _out = new();
    private readonly PlainConsole _error = new();

    // A channel is only opened by a call; these tests make none.
    private readonly MlopsConnection _connection = new(new Uri("http://127.0.0.1:9"), "mlops_test-key");

    public void Dispose() => _connection.Dispose();

    [Fact]
    public async Task Follow_ASucceededRun_TellsEachEventOnItsOwnLine_ThenTheSteps_AndExitsZero()
    {
        var run = Run(PipelineRunStatus.Succeeded, Step("split", StepStatus.Succeeded, cacheHit: true), Step("train", StepStatus.Succeeded, items: [Step("train", StepStatus.Succeeded, item: 0)]));

        var exit = await PipelineFollow.FollowAsync(Context(), new FakeEventReader<PipelineEvent>(Feed(run)), CancellationToken.None);

        Assert.Equal(ExitCodes.Success, exit);
        var lines = _out.Text.Split('\n').Select(line => line.TrimEnd()).ToList();
        Assert.Equal("run run-1 of iris", lines[0]);
        Assert.Equal("split cached (key 0123456789ab, from run run-0)", lines[1]);
        Assert.Equal("split SUCCEEDED in 0.50 s (cache hit)", lines[2]);
        Assert.Equal("train[0] queued", lines[3]);
        Assert.Equal("train[0] started (key 0123456789ab, attempt 1, invocation inv-7)", lines[4]);
        Assert.Equal("    fitting 10 trees", lines[5]);
        Assert.Equal("train[0] SUCCEEDED in 0.50 s", lines[6]);
        Assert.Equal("run run-1 of iris: SUCCEEDED in 5.00 s, 1 of 3 steps from the cache", lines[7]);
        Assert.Matches(@"train\[0\]\s+│\s+SUCCEEDED\s+│\s+0123456789ab\s+│\s+│\s+0\.50 s\s+│\s+f1=0\.95\s+│\s+model=abcdef012345", _out.Text);
        Assert.Matches(@"split\s+│\s+SUCCEEDED\s+│\s+0123456789ab\s+│\s+yes \(run-0\)", _out.Text);
    }

    [Fact]
    public async Task Follow_AFailedRun_ShowsTheStepsThenRethrowsTheStatusTheFeedEndedWith()
    {
        var run = Run(PipelineRunStatus.Failed, Step("train", StepStatus.Failed));
        var status = new RpcException(new Status(StatusCode.InvalidArgument, "step train: bad data"));

        var thrown = await Assert.ThrowsAsync<RpcException>(() => PipelineFollow.FollowAsync(Context(), new FakeEventReader<PipelineEvent>(Feed(run), status), CancellationToken.None));

        Assert.Same(status, thrown);
        Assert.Contains("train FAILED in 0.50 s: INVALID_ARGUMENT: bad data", _out.Text);
        Assert.Contains("run run-1 of iris: FAILED", _out.Text);
    }

    [Fact]
    public async Task Follow_AWatchOfAFailedRun_ExitsOneNamingTheFailedStep()
    {
        var run = Run(PipelineRunStatus.Failed, Step("split", StepStatus.Succeeded), Step("train", StepStatus.Succeeded, items: [Step("train", StepStatus.Failed, item: 1)]));

        var error = await Assert.ThrowsAsync<CliException>(() => PipelineFollow.FollowAsync(Context(), new FakeEventReader<PipelineEvent>(Feed(run)), CancellationToken.None));

        Assert.Equal((ExitCodes.Failure, "step train[1]: INVALID_ARGUMENT: step train failed"), (error.ExitCode, error.Message));
    }

    [Fact]
    public async Task Follow_CtrlC_LeavesTheRunRunning_AndSaysHowToFindItAgain()
    {
        using var ctrlC = new CancellationTokenSource();
        var events = new FakeEventReader<PipelineEvent>(Feed(Run(PipelineRunStatus.Running)).Take(1).Concat(Cancelling(ctrlC)));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PipelineFollow.FollowAsync(Context(), events, ctrlC.Token));

        Assert.Equal("left run run-1; it goes on (mlops pipeline watch run-1 follows it, mlops pipeline cancel run-1 stops it)", _error.Text.Trim());
    }

    [Fact]
    public async Task Follow_AFeedThatStopsBeforeTheRunEnds_IsAFailure()
    {
        var error = await Assert.ThrowsAsync<CliException>(() => PipelineFollow.FollowAsync(Context(), new FakeEventReader<PipelineEvent>([]), CancellationToken.None));

        Assert.Equal(ExitCodes.Failure, error.ExitCode);
    }

    [Fact]
    public async Task Follow_UnderJson_TellsTheStoryOnStderr_AndTheRunAloneOnStdout()
    {
        var run = Run(PipelineRunStatus.Succeeded, Step("split", StepStatus.Succeeded));

        await PipelineFollow.FollowAsync(Context(OutputFormat.Json), new FakeEventReader<PipelineEvent>(Feed(run)), CancellationToken.None);

        Assert.Equal("run-1", System.Text.Json.Nodes.JsonNode.Parse(_out.Text)!["id"]!.GetValue<string>());
        Assert.Contains("split SUCCEEDED", _error.Text);
    }

    [Fact]
    public void ExitCodeOf_ACancelledRun_ExitsOneSayingSo() =>
        Assert.Equal("CANCELLED: the run did not succeed",
            Assert.Throws<CliException>(() => PipelineRunView.ExitCodeOf(new PipelineRun { Status = PipelineRunStatus.Cancelled })).Message);

    [Fact]
    public void RunView_AnActionsResult_IsShownOnOneLine()
    {
        var step = new StepRun { Step = "register", Action = "register", Status = StepStatus.Succeeded, Result = Struct.Parser.ParseJson("""{"model": "iris_model", "version": 4}""") };

        PipelineRunView.Write(Context(), new PipelineRun { Id = "run-1", Pipeline = "iris", Status = PipelineRunStatus.Succeeded, Steps = { step } });

        Assert.Contains("{model: \"iris_model\", version: 4}", _out.Text);
    }

    private CommandContext Context(OutputFormat format = OutputFormat.Table) =>
        new(_connection, new Terminal(_out.Console, _error.Console), format, MlopsCommandLine.Parse(["pipelines"]));

    /// <summary>The feed of a run shaped like <paramref name="ended"/>: each step's events, then its end.</summary>
    private static IEnumerable<PipelineEvent> Feed(PipelineRun ended)
    {
        yield return new PipelineEvent { RunId = "run-1", Accepted = new PipelineRunAccepted { Pipeline = "iris" } };
        foreach (var (label, step) in PipelineRunView.Rows(ended.Steps).Where(row => row.Run.Items.Count == 0))
        {
            var about = new PipelineEvent { RunId = "run-1", Step = step.Step };
            if (step.HasItem)
            {
                about.Item = step.Item;
            }

            if (step.CacheHit)
            {
                yield return With(about, e => e.StepCached = new StepCached { CacheKey = step.CacheKey, CacheSourceRun = step.CacheSourceRun });
            }
            else
            {
                yield return With(about, e => e.StepQueued = new StepQueued());
                yield return With(about, e => e.StepStarted = new StepStarted { CacheKey = step.CacheKey, Attempt = 1, InvocationId = "inv-7" });
                yield return With(about, e => e.StepLog = new StepLog { Line = "fitting 10 trees" });
            }

            yield return With(about, e => e.StepCompleted = step);
        }

        if (ended.Status != PipelineRunStatus.Running)
        {
            yield return new PipelineEvent { RunId = "run-1", Completed = ended };
        }
    }

    private static PipelineEvent With(PipelineEvent about, Action<PipelineEvent> set)
    {
        var item = about.Clone();
        set(item);
        return item;
    }

    /// <summary>An event read as Ctrl+C is pressed: the next read sees the cancellation.</summary>
    private static IEnumerable<PipelineEvent> Cancelling(CancellationTokenSource ctrlC)
    {
        ctrlC.Cancel();
        yield return new PipelineEvent { RunId = "run-1", StepQueued = new StepQueued() };
    }

    private static PipelineRun Run(PipelineRunStatus status, params StepRun[] steps) => new()
    {
        Id = "run-1",
        Pipeline = "iris",
        Status = status,
        CreatedTime = Timestamp.FromDateTime(Start),
        EndTime = status == PipelineRunStatus.Running ? null : Timestamp.FromDateTime(Start.AddSeconds(5)),
        ErrorCode = status == PipelineRunStatus.Failed ? "INVALID_ARGUMENT" : "",
        ErrorMessage = status == PipelineRunStatus.Failed ? "step train failed" : "",
        Steps = { steps },
    };

    private static StepRun Step(string id, StepStatus status, bool cacheHit = false, int? item = null, StepRun[]? items = null)
    {
        var step = new StepRun
        {
            Step = id,
            Function = id,
            Status = status,
            CacheKey = "sha256:0123456789abcdef",
            CacheHit = cacheHit,
            CacheSourceRun = cacheHit ? "run-0" : "",
            StartTime = Timestamp.FromDateTime(Start),
            EndTime = Timestamp.FromDateTime(Start.AddSeconds(0.5)),
            Result = Struct.Parser.ParseJson("""{"metrics": {"f1": 0.95}}"""),
            Artifacts = { ["model"] = "sha256:abcdef0123456789" },
            ErrorCode = status == StepStatus.Failed ? "INVALID_ARGUMENT" : "",
            ErrorMessage = status == StepStatus.Failed ? "bad data" : "",
            Items = { items ?? [] },
        };
        if (item is { } index)
        {
            step.Item = index;
        }

        return step;
    }
}
