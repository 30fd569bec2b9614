using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Mlops.AppHost.Watching;
using Mlops.V1;
using static Mlops.AppHost.Watching.DashboardCommands;

namespace Mlops.AppHost.Serving;

/// <summary>
/// What an operator does to an endpoint from the dashboard — scale, roll back, drain, delete — each one call of
/// the runner's Endpoints API with the admin key, so it is checked, logged and traced like any other client's.
/// </summary>
public sealed class EndpointCommands(RunnerApi runner)
{
    public const string Scale = "scale";
    public const string RollBack = "roll-back";
    public const string Drain = "drain";
    public const string Delete = "delete";
    public const string MinReplicas = "minReplicas";
    public const string MaxReplicas = "maxReplicas";

    /// <summary>A put or delete answers once the endpoint has settled; a rollout may start several replicas.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    public ServingEndpointResource Attach(ServingEndpointResource resource)
    {
        var name = resource.Name;
        resource.Annotations.Add(Command(Scale, "Scale", "Set the fewest and most replicas (0 fewest: scales to zero when idle)", "ArrowAutofitHeight",
            context => ScaleAsync(name, context), highlighted: true, arguments:
            [
                new() { Name = MinReplicas, Label = "Fewest replicas", InputType = InputType.Number, Required = true, Value = "1" },
                new() { Name = MaxReplicas, Label = "Most replicas", InputType = InputType.Number, Required = true, Value = "4" },
            ]));
        resource.Annotations.Add(Command(RollBack, "Roll back", "Serve the model version before the one served now (pins it: a moving alias is no longer followed)", "ArrowUndo",
            context => RollBackAsync(name, context)));
        resource.Annotations.Add(Command(Drain, "Drain", "Scale to zero now: replicas finish their predictions and go; the next prediction starts one", "ArrowExportLtr",
            context => DrainAsync(name, context), highlighted: true));
        resource.Annotations.Add(Command(Delete, "Delete", "Delete the endpoint and its replicas", "Delete",
            context => DeleteAsync(name, context), confirmation: $"Delete the endpoint '{name}'? Its replicas are removed; predictions to it get 404."));
        return resource;
    }

    private async Task<ExecuteCommandResult> ScaleAsync(string name, ExecuteCommandContext context)
    {
        if (!TryNumber(context, MinReplicas, out var min) || !TryNumber(context, MaxReplicas, out var max))
        {
            return CommandResults.Failure($"{MinReplicas} and {MaxReplicas} are whole numbers");
        }

        return await PutAsync(name, context, endpoint => (endpoint.MinReplicas, endpoint.MaxReplicas) = (min, max),
            endpoint => $"'{name}' keeps {endpoint.MinReplicas}-{endpoint.MaxReplicas} replicas; {endpoint.DesiredReplicas} wanted now");
    }

    private async Task<ExecuteCommandResult> RollBackAsync(string name, ExecuteCommandContext context)
    {
        if (Current(context, name) is not { } endpoint)
        {
            return CommandResults.Failure($"the runner has no endpoint '{name}'");
        }

        if (!int.TryParse(EndpointSnapshots.Versions(endpoint, canary: false).Split(", ")[0], CultureInfo.InvariantCulture, out var served))
        {
            return CommandResults.Failure($"'{name}' has no ready replica, so there is no version served to roll back from");
        }

        var versions = await runner.Registry.ListModelVersionsAsync(new ListModelVersionsRequest { Name = endpoint.ModelName }, runner.Credentials(),
            DateTime.UtcNow.Add(Deadline), context.CancellationToken);
        if (versions.Versions.Where(v => v.Version < served).MaxBy(v => v.Version) is not { } previous)
        {
            return CommandResults.Failure($"{endpoint.ModelName} has no version before {served}");
        }

        return await PutAsync(name, context, e => e.ModelVersion = previous.Version.ToString(CultureInfo.InvariantCulture),
            e => $"'{name}' serves {e.ModelName} version {previous.Version} (was {served})");
    }

    private Task<ExecuteCommandResult> DrainAsync(string name, ExecuteCommandContext context) =>
        PutAsync(name, context, endpoint => endpoint.MinReplicas = 0,
            endpoint => $"'{name}' is draining to zero replicas; the next prediction starts one (at most {endpoint.MaxReplicas})");

    private async Task<ExecuteCommandResult> DeleteAsync(string name, ExecuteCommandContext context)
    {
        try
        {
            await runner.Endpoints.DeleteEndpointAsync(new DeleteEndpointRequest { Name = name }, runner.Credentials(), DateTime.UtcNow.Add(Deadline), context.CancellationToken);
            return CommandResults.Success($"'{name}' is deleted");
        }
        catch (RpcException ex)
        {
            return Refused(ex);
        }
    }

    /// <summary>Puts the endpoint as it is now with one change; the runner answers once it has settled.</summary>
    private async Task<ExecuteCommandResult> PutAsync(string name, ExecuteCommandContext context, Action<PutEndpointRequest> change, Func<Endpoint, string> done)
    {
        if (Current(context, name) is not { } endpoint)
        {
            return CommandResults.Failure($"the runner has no endpoint '{name}'");
        }

        var request = new PutEndpointRequest
        {
            Name = endpoint.Name,
            Function = endpoint.Function,
            ModelName = endpoint.ModelName,
            ModelVersion = endpoint.ModelVersion,
            MinReplicas = endpoint.MinReplicas,
            MaxReplicas = endpoint.MaxReplicas,
            TargetConcurrency = endpoint.TargetConcurrency,
            IdleSeconds = endpoint.IdleSeconds,
            CanaryModelVersion = endpoint.CanaryModelVersion,
            CanaryPercent = endpoint.CanaryPercent,
        };
        change(request);
        try
        {
            var after = await runner.Endpoints.PutEndpointAsync(request, runner.Credentials(), DateTime.UtcNow.Add(Deadline), context.CancellationToken);
            return after.State == EndpointState.Failed
                ? CommandResults.Failure($"'{name}' failed: {after.Message}")
                : CommandResults.Success(done(after));
        }
        catch (RpcException ex)
        {
            return Refused(ex);
        }
    }

    private static Endpoint? Current(ExecuteCommandContext context, string name) =>
        context.Services.GetRequiredService<ServingEndpoints>().Current(name);

    private static bool TryNumber(ExecuteCommandContext context, string name, out int value)
    {
        value = 0;
        return context.Arguments is { } arguments && arguments.TryGetByName(name, out var input) &&
               int.TryParse(input.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }
}
