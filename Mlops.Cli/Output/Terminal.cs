using Spectre.Console;

namespace Mlops.Cli.Output;

/// <summary>
/// Where a command writes: results to stdout, errors to stderr. Output that is not a terminal (a pipe, a file, a test)
/// gets plain text: no colours, no cursor moves, no spinner, and lines not cut to 80 columns.
/// </summary>
internal sealed class Terminal(IAnsiConsole output, IAnsiConsole error)
{
    /// <summary>Wide enough that a redirected table or log line is never wrapped.</summary>
    private const int RedirectedWidth = 4096;

    public IAnsiConsole Out { get; } = output;

    public IAnsiConsole Error { get; } = error;

    public static Terminal ForProcess() =>
        new(Create(Console.Out, !Console.IsOutputRedirected), Create(Console.Error, !Console.IsErrorRedirected));

    private static IAnsiConsole Create(TextWriter writer, bool isTerminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!isTerminal)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
