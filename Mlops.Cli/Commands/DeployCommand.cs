using System.CommandLine;
using Mlops.Cli.Output;
using Mlops.V1;
using Spectre.Console;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops deploy name --model m</c>: creates or updates an endpoint on warm replicas; answers once it is ready, or why not.</summary>
internal static class DeployCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The endpoint's name (predictions go to /endpoints/<name>/...)" };
        var model = new Option<string>("--model", "-m") { Description = "The registered model, e.g. iris_model", Required = true };
        var version = new Option<string>("--version", "-v") { Description = "latest, a version number, or @alias (followed when it moves)", DefaultValueFactory = _ => "latest" };
        var function = new Option<string>("--function") { Description = "The serving function", DefaultValueFactory = _ => "predict" };
        var min = new Option<int>("--min") { Description = "Replicas kept warm (0 scales to zero)", DefaultValueFactory = _ => 1 };
        var max = new Option<int>("--max") { Description = "Most replicas under load (default: --min, at least 1)" };
        var canary = new Option<string?>("--canary-version") { Description = "A second model version that takes --canary-percent of the predictions" };
        var canaryPercent = new Option<int>("--canary-percent") { Description = "The canary's share of predictions, 1-99" };
        var command = new Command("deploy", "Deploy a model to a named endpoint on warm replicas; waits until it is ready")
        {
            name, model, version, function, min, max, canary, canaryPercent,
        };
        command.SetBody(async (context, cancellationToken) =>
        {
            var request = new PutEndpointRequest
            {
                Name = context.Parsed.GetRequiredValue(name),
                Function = context.Parsed.GetRequiredValue(function),
                ModelName = context.Parsed.GetRequiredValue(model),
                ModelVersion = context.Parsed.GetRequiredValue(version),
                MinReplicas = context.Parsed.GetValue(min),
                MaxReplicas = context.Parsed.GetValue(max),
                CanaryModelVersion = context.Parsed.GetValue(canary) ?? "",
                CanaryPercent = context.Parsed.GetValue(canaryPercent),
            };
            var console = context.Story;
            Task<Endpoint> Put() => context.Connection.Endpoints.PutEndpointAsync(request, cancellationToken: cancellationToken).ResponseAsync;
            var endpoint = console.Profile.Capabilities.Interactive
                ? await console.Status().Spinner(Spinner.Known.Dots).StartAsync($"deploying {Markup.Escape(request.Name)}: starting replicas", _ => Put())
                : await Put();
            if (!context.AnsweredAsJson(endpoint))
            {
                context.Terminal.Out.Write(EndpointsCommand.Table([endpoint]));
            }

            return endpoint.State is EndpointState.Ready or EndpointState.ScaledToZero
                ? ExitCodes.Success
                : throw new CliException($"endpoint {endpoint.Name} is {Show.Enum(endpoint.State, "ENDPOINT_STATE_")}: {endpoint.Message}", ExitCodes.Failure);
        });
        return command;
    }
}
