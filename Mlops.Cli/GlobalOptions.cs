using System.CommandLine;
using Mlops.Cli.Output;

namespace Mlops.Cli;

/// <summary>Options every verb takes (recursive on the root command).</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Url = new("--url")
    {
        Description = $"The gRPC address of the system (default: $MLOPS_URL, else {Connection.ServerAddress.Default})",
        Recursive = true,
    };

    public static readonly Option<OutputFormat?> Output = new("--output", "-o")
    {
        Description = "table (default, for people) or json (the API's messages, for scripts)",
        HelpName = "table|json",
        Recursive = true,
    };
}
