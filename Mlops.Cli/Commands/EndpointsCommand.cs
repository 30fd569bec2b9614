using System.CommandLine;
using Mlops.Cli.Output;
using Mlops.V1;
using Spectre.Console;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops endpoints</c>: the serving endpoints and their replicas; <c>mlops endpoints delete name</c> removes one (admin).</summary>
internal static class EndpointsCommand
{
    public static Command Create()
    {
        var command = new Command("endpoints", "List the serving endpoints") { Delete() };
        command.SetBody(async (context, cancellationToken) =>
        {
            var response = await context.Connection.Endpoints.ListEndpointsAsync(new ListEndpointsRequest(), cancellationToken: cancellationToken);
            if (context.AnsweredAsJson(response))
            {
                return ExitCodes.Success;
            }

            Tables.Write(context.Terminal.Out, Table(response.Endpoints), "no endpoints (mlops deploy NAME --model MODEL creates one)");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>One row per endpoint: also what deploy prints.</summary>
    public static Spectre.Console.Table Table(IEnumerable<Endpoint> endpoints)
    {
        var table = Tables.Create(null, "endpoint", "function", "model", "state", "replicas", "message");
        foreach (var endpoint in endpoints)
        {
            var model = $"{endpoint.ModelName}:{endpoint.ModelVersion}";
            if (!string.IsNullOrEmpty(endpoint.CanaryModelVersion))
            {
                model += $" (canary {endpoint.CanaryModelVersion}, {endpoint.CanaryPercent}%)";
            }

            var ready = endpoint.Replicas.Count(r => r.State == ReplicaState.Ready);
            var replicas = $"{ready} ready of {endpoint.Replicas.Count} (min {endpoint.MinReplicas}, max {endpoint.MaxReplicas})";
            var served = string.Join(", ", endpoint.Replicas.Where(r => r.State == ReplicaState.Ready).Select(r => r.ModelVersion).Distinct());
            if (served.Length > 0)
            {
                replicas += $", serving version {served}";
            }

            table.AddTextRow(endpoint.Name, endpoint.Function, model, Show.Enum(endpoint.State, "ENDPOINT_STATE_"), replicas, endpoint.Message);
        }

        return table;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name") { Description = "The endpoint to remove, with its replicas" };
        var command = new Command("delete", "Delete an endpoint and stop its replicas (admin)") { name };
        command.SetBody(async (context, cancellationToken) =>
        {
            var request = new DeleteEndpointRequest { Name = context.Parsed.GetRequiredValue(name) };
            var response = await context.Connection.Endpoints.DeleteEndpointAsync(request, cancellationToken: cancellationToken);
            if (!context.AnsweredAsJson(response))
            {
                context.Terminal.Out.WriteLine($"endpoint {request.Name} deleted");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
