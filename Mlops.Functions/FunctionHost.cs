using System.Runtime.ExceptionServices;
using Mlops.Functions.Handover;
using Mlops.Functions.Serving;

namespace Mlops.Functions;

/// <summary>
/// A function's entry point: <c>return await FunctionHost.RunAsync(args, invoke: ..., serve: ...);</c>.
/// Without arguments it runs one invocation; with <c>serve</c> (the manifest's <c>serving.args</c>) it loads
/// the model and answers predictions on the replica's socket until it is stopped. In a container the runner
/// pre-started for its warm pool (<see cref="FunctionPaths.Handover"/>) it warms up, waits for the invocation,
/// runs it and ends it with the done marker the runner waits for.
/// </summary>
public static class FunctionHost
{
    /// <summary>Runs the function and returns its exit code.</summary>
    /// <param name="args">The process's arguments.</param>
    /// <param name="invoke">One invocation: read <see cref="FunctionContext.Parameters"/>, write the result. Throw <see cref="FunctionError"/> to refuse.</param>
    /// <param name="serve">Loads the model to serve (from <see cref="FunctionContext.InputModel"/>); null when the function does not serve.</param>
    /// <param name="paths">Where input, output and manifest are; the container's folders when null.</param>
    /// <returns>0 on success; 1 for a <see cref="FunctionError"/> (written to error.json) or any other failure (its message on stderr).</returns>
    public static Task<int> RunAsync(string[] args, Action<FunctionContext> invoke, Func<FunctionContext, IPredictor>? serve = null, FunctionPaths? paths = null) =>
        RunAsync(args, warm: static _ => (object?)null, invoke: (context, _) => invoke(context), serve, paths);

    /// <summary>Runs the function, warmed up by <paramref name="warm"/> before its invocation, and returns its exit code.</summary>
    /// <typeparam name="TState">What the warm-up makes for the invocation (a loaded model, say).</typeparam>
    /// <param name="args">The process's arguments.</param>
    /// <param name="warm">
    /// Makes what the invocation will need before the invocation exists: in a pre-started container, while it waits
    /// for the runner; otherwise just before <paramref name="invoke"/>. It gets no parameters (read them in
    /// <paramref name="invoke"/>). What it throws fails the invocation as if <paramref name="invoke"/> had thrown it.
    /// </param>
    /// <param name="invoke">One invocation, with what <paramref name="warm"/> made. Throw <see cref="FunctionError"/> to refuse.</param>
    /// <param name="serve">Loads the model to serve (from <see cref="FunctionContext.InputModel"/>); null when the function does not serve. A replica is not warmed.</param>
    /// <param name="paths">Where input, output, manifest and hand-over pipe are; the container's when null.</param>
    /// <returns>0 on success; 1 for a <see cref="FunctionError"/> (written to error.json) or any other failure (its message on stderr).</returns>
    public static async Task<int> RunAsync<TState>(
        string[] args, Func<WarmContext, TState> warm, Action<FunctionContext, TState> invoke, Func<FunctionContext, IPredictor>? serve = null, FunctionPaths? paths = null)
    {
        paths ??= FunctionPaths.FromEnvironment();
        if (args is ["serve"])
        {
            return await ServeAsync(serve, new FunctionContext(paths));
        }

        return paths.Handover is { } handover
            ? await RunPooledAsync(handover, paths, warm, invoke)
            : Invoke(new FunctionContext(paths), Warm(warm, new WarmContext(paths, new FunctionLog())), invoke);
    }

    /// <summary>
    /// A pre-started container: warm up, wait for the runner's hand-over, and run the invocation as a cold container
    /// would, ended by the done marker; released unused, it ends at once with 0. Nothing is printed before the
    /// hand-over, and nothing at all without one.
    /// </summary>
    private static async Task<int> RunPooledAsync<TState>(string handover, FunctionPaths paths, Func<WarmContext, TState> warm, Action<FunctionContext, TState> invoke)
    {
        var warmLog = FunctionLog.Held();
        var warmed = Warm(warm, new WarmContext(paths, warmLog));
        HandoverLine? line;
        try
        {
            line = await HandoverPipe.WaitAsync(handover, CancellationToken.None);
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            // Without a nonce there is no marker to end with: the runner sees the process end, with this line.
            warmLog.Release();
            new FunctionLog().Error($"cannot take the invocation handed over on {handover}: {ex.Message}");
            return 1;
        }

        if (line is null)
        {
            return 0;
        }

        Environment.SetEnvironmentVariable("MLOPS_INVOCATION_ID", line.InvocationId);
        if (line.Traceparent is not null)
        {
            Environment.SetEnvironmentVariable("TRACEPARENT", line.Traceparent);
        }

        warmLog.Release();
        var exit = Invoke(new FunctionContext(paths), warmed, invoke);
        DoneMarker.Write(line.Nonce, exit);
        return exit;
    }

    /// <summary>
    /// The warm hook, run now, its state or its exception kept for the invocation: a pre-started container has no
    /// one to tell before the hand-over, and the invocation's caller should learn why it failed.
    /// </summary>
    private static Func<TState> Warm<TState>(Func<WarmContext, TState> warm, WarmContext context)
    {
        try
        {
            var state = warm(context);
            return () => state;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var failure = ExceptionDispatchInfo.Capture(ex);
            return () =>
            {
                failure.Throw();
                return default!;
            };
        }
    }

    private static int Invoke<TState>(FunctionContext context, Func<TState> warmed, Action<FunctionContext, TState> invoke)
    {
        try
        {
            invoke(context, warmed());
            return 0;
        }
        catch (FunctionError error)
        {
            context.WriteError(error);
            context.Log.Error(error.Message);
            return 1;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Crashed(context, ex);
        }
    }

    private static async Task<int> ServeAsync(Func<FunctionContext, IPredictor>? serve, FunctionContext context)
    {
        try
        {
            var predictor = Load(serve ?? throw new InvalidOperationException("this function does not serve: give FunctionHost.RunAsync a 'serve' loader"), context);
            // Loaded before the socket exists: a replica that answers at all has its model.
            await ReplicaServer.RunAsync(predictor, ServingOptions.FromEnvironment(), CancellationToken.None);
            return 0;
        }
        catch (FunctionError error)
        {
            // A replica has no output folder: its refusal to start is its log line and exit code.
            context.Log.Error(error.Message);
            return 1;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Crashed(context, ex);
        }
    }

    /// <summary>A bug, not a refusal: no error.json, so the runner reports the exit code and the last line.</summary>
    private static int Crashed(FunctionContext context, Exception ex)
    {
        context.Log.Error(ex.ToString());
        context.Log.Error($"{ex.GetType().Name}: {ex.Message}");
        return 1;
    }

    /// <summary>
    /// The author's model loader. A model that does not load is the replica's last words, so they say so (the
    /// runner shows them as why the replica never became ready), after the whole exception for the log.
    /// </summary>
    private static IPredictor Load(Func<FunctionContext, IPredictor> serve, FunctionContext context)
    {
        try
        {
            return serve(context);
        }
        catch (Exception ex) when (ex is not (FunctionError or OutOfMemoryException))
        {
            context.Log.Error(ex.ToString());
            throw FunctionError.FailedPrecondition($"cannot load the model in {context.InputModel ?? "(none was staged)"}: {ex.Message}");
        }
    }
}
