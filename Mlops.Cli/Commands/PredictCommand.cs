using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Mlops.Cli.Output;
using Mlops.Cli.Parameters;
using Mlops.V1;
using Spectre.Console;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops predict endpoint --instances '[[...]]'</c> or <c>-f 5.1,3.5,1.4,0.2</c>: online predictions from a deployed endpoint.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var endpoint = new Argument<string>("endpoint") { Description = "The endpoint (mlops endpoints lists them)" };
        var instances = new Option<string?>("--instances", "-i") { Description = "A JSON list of instances, e.g. '[[5.1,3.5,1.4,0.2]]'", HelpName = "json" };
        var features = new Option<string[]>("--features", "-f")
        {
            Description = "One instance: 5.1,3.5,1.4,0.2 or JSON ([...] or {...}); repeat for more",
            HelpName = "values",
        };
        var command = new Command("predict", "Ask a deployed endpoint for predictions") { endpoint, instances, features };
        command.SetBody(async (context, cancellationToken) =>
        {
            var request = new PredictRequest { Endpoint = context.Parsed.GetRequiredValue(endpoint) };
            request.Instances.AddRange(PredictInstances.Parse(context.Parsed.GetValue(instances), context.Parsed.GetValue(features) ?? []));
            var response = await context.Connection.Endpoints.PredictAsync(request, cancellationToken: cancellationToken);
            if (context.AnsweredAsJson(response))
            {
                return ExitCodes.Success;
            }

            context.Terminal.Out.Write(Table(response.Predictions));
            context.Terminal.Out.WriteLine($"model {response.ModelName} version {response.ModelVersion}, replica {response.ReplicaId}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A row per prediction; an object's keys become columns (class, probabilities), anything else one column.</summary>
    private static Spectre.Console.Table Table(IReadOnlyList<Value> predictions)
    {
        var keys = predictions.Where(p => p.KindCase == Value.KindOneofCase.StructValue)
            .SelectMany(p => p.StructValue.Fields.Keys).Distinct().ToList();
        var table = keys.Count > 0 ? Tables.Create(null, ["#", .. keys]) : Tables.Create(null, "#", "prediction");
        for (var i = 0; i < predictions.Count; i++)
        {
            var prediction = predictions[i];
            string[] cells = keys.Count > 0 && prediction.KindCase == Value.KindOneofCase.StructValue
                ? [.. keys.Select(k => prediction.StructValue.Fields.TryGetValue(k, out var v) ? Show.Value(v) : "")]
                : [Show.Value(prediction)];
            table.AddTextRow([(i + 1).ToString(), .. cells]);
        }

        return table;
    }
}
