using System.Diagnostics;
using System.Text.Json.Nodes;
using Mlops.Runner.Functions;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Invocations;

/// <summary>An invocation that may run: its validated parameters, its model, its place in the gate (maybe queued) and its span.</summary>
public sealed record AdmittedInvocation(FunctionManifest Manifest, JsonObject Parameters, ModelBinding? Model, AdmissionGate.Ticket Ticket, Activity? Activity);
