using System.Text.Json.Nodes;
using Mlops.Runner.Containers;

namespace Mlops.Runner.Invocations;

/// <summary>
/// What an invocation reports while it runs, in order: accepted, [queued,] image, build lines*,
/// container started, log lines*, [result,] completed.
/// </summary>
public abstract record InvocationEvent;

public sealed record InvocationAccepted(string InvocationId, string Function, DateTimeOffset Time) : InvocationEvent;

/// <param name="Position">1 = next to run.</param>
public sealed record InvocationQueued(int Position) : InvocationEvent;

public sealed record InvocationImageResolved(string Image, bool CacheHit) : InvocationEvent;

public sealed record InvocationBuildLog(string Line, DateTimeOffset Time) : InvocationEvent;

public sealed record InvocationContainerStarted(string ContainerId) : InvocationEvent;

public sealed record InvocationLog(OutputStream Stream, string Line, DateTimeOffset Time) : InvocationEvent;

public sealed record InvocationResult(JsonObject Metrics, JsonObject Params, JsonObject Data) : InvocationEvent;

public sealed record InvocationCompleted(InvocationRecord Record) : InvocationEvent;
