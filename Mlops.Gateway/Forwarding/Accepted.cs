namespace Mlops.Gateway.Forwarding;

/// <summary>Work accepted to run on its own (an invocation, a pipeline run): over REST, 202 with where to look for it.</summary>
internal static class Accepted
{
    /// <summary>Where a REST caller polls an invocation, through the front door.</summary>
    public static string Location(string invocationId) => $"/api/v1/invocations/{invocationId}";

    /// <summary>Where a REST caller polls a pipeline run, through the front door.</summary>
    public static string PipelineRunLocation(string runId) => $"/api/v1/pipelineRuns/{runId}";

    /// <summary>202 and Location for a REST call; nothing for gRPC, whose callers read the id from the answer.</summary>
    public static void Answer(HttpContext context, string location)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            return;
        }

        // Set as the headers go out: JSON transcoding sets 200 itself when it writes the answer.
        context.Response.OnStarting(() =>
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.Headers.Location = location;
            return Task.CompletedTask;
        });
    }
}
