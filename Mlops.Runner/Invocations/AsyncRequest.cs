using System.Text.Json.Nodes;

namespace Mlops.Runner.Invocations;

/// <summary>
/// What an InvokeAsync caller asked, kept with the invocation in history: an accepted invocation still waiting
/// when the runner stops is started again from it, and its callback told when it ends.
/// </summary>
/// <param name="CallbackUrl">Checked (<see cref="InvocationCallbacks.Validate"/>) before the request is kept.</param>
public sealed record AsyncRequest(JsonObject Parameters, Uri? CallbackUrl);
