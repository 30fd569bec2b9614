using System.CommandLine;
using Mlops.Cli.Connection;
using Mlops.Cli.Output;

namespace Mlops.Cli;

/// <summary>What every verb's action shares: the connection, the consoles, the output format, and one way to fail.</summary>
internal sealed record CommandContext(MlopsConnection Connection, Terminal Terminal, OutputFormat Format, ParseResult Parsed)
{
    public bool Json => Format == OutputFormat.Json;

    /// <summary>Under --output json, writes the answer as the API's JSON and says so; for people, leaves the answer to the verb.</summary>
    public bool AnsweredAsJson(Google.Protobuf.IMessage answer)
    {
        if (Json)
        {
            Output.Json.Write(Terminal.Out, answer);
        }

        return Json;
    }

    /// <summary>Where a live story (build lines, logs) goes: stdout for people; stderr under --output json, whose stdout is the JSON alone.</summary>
    public Spectre.Console.IAnsiConsole Story => Json ? Terminal.Error : Terminal.Out;
}
