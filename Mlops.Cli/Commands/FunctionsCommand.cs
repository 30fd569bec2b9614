using System.CommandLine;
using Mlops.Cli.Output;
using Mlops.V1;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops functions</c>: what can be invoked, with each parameter's type and default.</summary>
internal static class FunctionsCommand
{
    public static Command Create()
    {
        var command = new Command("functions", "List the functions and their parameters");
        command.SetBody(async (context, cancellationToken) =>
        {
            var response = await context.Connection.Runner.ListFunctionsAsync(new ListFunctionsRequest(), cancellationToken: cancellationToken);
            if (context.AnsweredAsJson(response))
            {
                return ExitCodes.Success;
            }

            var table = Tables.Create(null, "function", "description", "parameters", "timeout", "memory", "cpus");
            foreach (var function in response.Functions)
            {
                var description = string.IsNullOrEmpty(function.ManifestError) ? function.Description : $"function.json: {function.ManifestError}";
                table.AddTextRow(function.Name, description, string.Join('\n', function.Parameters.Select(Describe)),
                    $"{function.TimeoutSeconds} s", $"{function.MemoryMb} MB", Show.Number(function.Cpus));
            }

            Tables.Write(context.Terminal.Out, table, "no functions (a folder under functions/ is one)");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>n_estimators: integer = 100 (1..1000), or features: array of number (required).</summary>
    private static string Describe(Parameter parameter)
    {
        var type = parameter.Type == "array" && !string.IsNullOrEmpty(parameter.ItemType) ? $"array of {parameter.ItemType}" : parameter.Type;
        var text = $"{parameter.Name}: {type}";
        if (parameter.DefaultValue is not null)
        {
            text += $" = {Show.Value(parameter.DefaultValue)}";
        }

        if (parameter.HasMinimum || parameter.HasMaximum)
        {
            text += $" ({(parameter.HasMinimum ? Show.Number(parameter.Minimum) : "")}..{(parameter.HasMaximum ? Show.Number(parameter.Maximum) : "")})";
        }

        if (parameter.AllowedValues.Count > 0)
        {
            text += $" one of {string.Join(", ", parameter.AllowedValues.Select(Show.Value))}";
        }

        return parameter.Required ? text + " (required)" : text;
    }
}
