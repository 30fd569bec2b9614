using System.CommandLine;
using Mlops.Cli.Output;
using Mlops.V1;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops pipelines</c>: every pipeline folder, with its steps and inputs, or why its file does not validate.</summary>
internal static class PipelinesCommand
{
    public static Command Create()
    {
        var command = new Command("pipelines", "List the pipelines (pipelines/<name>/pipeline.json) with their steps and inputs");
        command.SetBody(async (context, cancellationToken) =>
        {
            var response = await context.Connection.Pipelines.ListPipelinesAsync(new ListPipelinesRequest(), cancellationToken: cancellationToken);
            if (context.AnsweredAsJson(response))
            {
                return ExitCodes.Success;
            }

            var table = Tables.Create(null, "name", "steps", "inputs", "error");
            foreach (var pipeline in response.Pipelines)
            {
                table.AddTextRow(pipeline.Name, string.Join(", ", pipeline.Steps.Select(Step)), string.Join(", ", pipeline.Inputs.Select(Input)), pipeline.DefinitionError);
            }

            Tables.Write(context.Terminal.Out, table, "no pipelines (add pipelines/<name>/pipeline.json)");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>"split", "train (map)", "register (if ...)".</summary>
    private static string Step(PipelineStep step) =>
        step.Id + (step.Map ? " (map)" : "") + (string.IsNullOrEmpty(step.When) ? "" : $" (if {step.When})");

    /// <summary>"n_estimators=[10, 50]", or "threshold (required)".</summary>
    private static string Input(PipelineInput input) =>
        input.DefaultValue is { } value ? $"{input.Name}={Show.Value(value)}" : input.Required ? $"{input.Name} (required)" : input.Name;
}
