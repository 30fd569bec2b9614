namespace Mlops.Functions.Tests;

/// <summary>The warm hook: before the hand-over in a pre-started container, just before the invocation in a cold one.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class WarmHookTests : IDisposable
{
    private const string Nonce = "9f86d081884c7d659a2feaa0c55ad015";

    private readonly ConsoleTranscript _console = new();
    private readonly string? _invocationId = Environment.GetEnvironmentVariable("MLOPS_INVOCATION_ID");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("MLOPS_INVOCATION_ID", _invocationId);
        _console.Dispose();
    }

    [Fact]
    public async Task RunAsync_PooledWarm_RunsOnceBeforeTheLineSilentlyAndHandsItsStateToInvoke()
    {
        using var function = new TempFunction(pooled: true);
        var warmed = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = new List<string>();
        var run = FunctionHost.RunAsync([], warm: context =>
        {
            calls.Add("warm");
            context.Log.Info("loaded");
            warmed.SetResult(context.InputModel);
            return "the model";
        }, invoke: (context, state) =>
        {
            calls.Add($"invoke with {state}, model {(context.InputModel is null ? "absent" : "staged")}");
            context.Log.Info("predicted");
        }, paths: function.Paths);

        Assert.Null(await warmed.Task.WaitAsync(Fifo.Bounded));
        Assert.Equal(["warm"], calls);
        Assert.Equal(("", ""), (_console.Stdout, _console.Stderr));
        // The model arrives after the warm-up, before the hand-over: the invocation sees it.
        Directory.CreateDirectory(Path.Combine(function.Paths.Input, "model"));
        await Fifo.WriteAsync(function.Handover, $"inv-7 - {Nonce}\n").WaitAsync(Fifo.Bounded);

        Assert.Equal(0, await run.WaitAsync(Fifo.Bounded));
        Assert.Equal(["warm", "invoke with the model, model staged"], calls);
        Assert.Equal($"loaded\npredicted\nmlops-done {Nonce} 0\n", _console.Stdout);
    }

    [Fact]
    public async Task RunAsync_PooledWarmThrows_FailsTheHandedOverInvocationWithItsMessage()
    {
        using var function = new TempFunction(pooled: true);
        var invoked = false;
        var run = FunctionHost.RunAsync<string>([], warm: _ => throw new InvalidOperationException("no model.zip in the image"), invoke: (_, _) => invoked = true, paths: function.Paths);

        Assert.False(run.IsCompleted);
        Assert.Equal(("", ""), (_console.Stdout, _console.Stderr));
        await Fifo.WriteAsync(function.Handover, $"inv-7 - {Nonce}\n").WaitAsync(Fifo.Bounded);

        Assert.Equal(1, await run.WaitAsync(Fifo.Bounded));
        Assert.False(invoked);
        Assert.Null(function.Output("error.json"));
        Assert.EndsWith($"\nInvalidOperationException: no model.zip in the image\nmlops-done {Nonce} 1\n", _console.Stderr);
        Assert.Equal($"mlops-done {Nonce} 1\n", _console.Stdout);
    }

    [Fact]
    public async Task RunAsync_ColdWithWarm_WarmsWithTheStagedModelThenInvokesWithoutMarker()
    {
        using var function = new TempFunction();
        var model = Directory.CreateDirectory(Path.Combine(function.Paths.Input, "model")).FullName;
        var calls = new List<string>();

        var exit = await FunctionHost.RunAsync([], warm: context =>
        {
            calls.Add($"warm with {context.InputModel}");
            context.Log.Info("loaded");
            return 42;
        }, invoke: (context, state) =>
        {
            calls.Add($"invoke with {state}");
            context.Log.Info("predicted");
        }, paths: function.Paths);

        Assert.Equal(0, exit);
        Assert.Equal([$"warm with {model}", "invoke with 42"], calls);
        Assert.Equal(("loaded\npredicted\n", ""), (_console.Stdout, _console.Stderr));
    }

    [Fact]
    public async Task RunAsync_ColdWarmThrowsFunctionError_WritesErrorJsonAsInvokeWould()
    {
        using var function = new TempFunction();

        var exit = await FunctionHost.RunAsync<int>([], warm: _ => throw FunctionError.FailedPrecondition("invoke 'train' first"), invoke: (_, _) => { }, paths: function.Paths);

        Assert.Equal(1, exit);
        Assert.Equal("FAILED_PRECONDITION", function.Output("error.json")!["code"]!.GetValue<string>());
        Assert.Equal(("", "invoke 'train' first\n"), (_console.Stdout, _console.Stderr));
    }
}
