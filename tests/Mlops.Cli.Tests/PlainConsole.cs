using Spectre.Console;

namespace Mlops.Cli.Tests;

/// <summary>A console that records what is written to it as plain text, as the CLI writes when its output is not a terminal.</summary>
internal sealed class PlainConsole
{
    private readonly StringWriter _writer = new();

    public PlainConsole()
    {
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(_writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        Console.Profile.Width = 200;
    }

    public IAnsiConsole Console { get; }

    public string Text => _writer.ToString();
}
