using Mlops.Functions.Serving;

namespace Mlops.Functions;

/// <summary>
/// A function's entry point: <c>return await FunctionHost.RunAsync(args, invoke: ..., serve: ...);</c>.
/// Without arguments it runs one invocation; with <c>serve</c> (the manifest's <c>serving.args</c>) it loads
/// the model and answers predictions on the replica's socket until it is stopped.
/// </summary>
public static class FunctionHost
{
    /// <summary>Runs the function and returns its exit code.</summary>
    /// <param name="args">The process's arguments.</param>
    /// <param name="invoke">One invocation: read <see cref="FunctionContext.Parameters"/>, write the result. Throw <see cref="FunctionError"/> to refuse.</param>
    /// <param name="serve">Loads the model to serve (from <see cref="FunctionContext.InputModel"/>); null when the function does not serve.</param>
    /// <param name="paths">Where input, output and manifest are; the container's folders when null.</param>
    /// <returns>0 on success; 1 for a <see cref="FunctionError"/> (written to error.json) or any other failure (its message on stderr).</returns>
    public static async Task<int> RunAsync(string[] args, Action<FunctionContext> invoke, Func<FunctionContext, IPredictor>? serve = null, FunctionPaths? paths = null)
    {
        var context = new FunctionContext(paths ?? FunctionPaths.FromEnvironment());
        try
        {
            if (args is ["serve"])
            {
                var predictor = Load(serve ?? throw new InvalidOperationException("this function does not serve: give FunctionHost.RunAsync a 'serve' loader"), context);
                // Loaded before the socket exists: a replica that answers at all has its model.
                await ReplicaServer.RunAsync(predictor, ServingOptions.FromEnvironment(), CancellationToken.None);
                return 0;
            }

            invoke(context);
            return 0;
        }
        catch (FunctionError error)
        {
            // A replica has no output folder: its refusal to start is its log line and exit code.
            if (args is not ["serve"])
            {
                context.WriteError(error);
            }

            context.Log.Error(error.Message);
            return 1;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug, not a refusal: no error.json, so the runner reports the exit code and this last line.
            context.Log.Error(ex.ToString());
            context.Log.Error($"{ex.GetType().Name}: {ex.Message}");
            return 1;
        }
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
