using Google.Protobuf;
using Spectre.Console;

namespace Mlops.Cli.Output;

/// <summary><c>--output json</c>: the API's own messages in protobuf's JSON mapping, as the REST API writes them.</summary>
internal static class Json
{
    private static readonly JsonFormatter Indented = new(JsonFormatter.Settings.Default.WithIndentation());

    public static string Format(IMessage message) => Indented.Format(message);

    public static string Compact(IMessage message) => JsonFormatter.Default.Format(message);

    /// <summary>Written as raw text: JSON is not Spectre markup, and brackets in it must not be read as styles.</summary>
    public static void Write(IAnsiConsole console, IMessage message)
    {
        console.Profile.Out.Writer.WriteLine(Format(message));
        console.Profile.Out.Writer.Flush();
    }
}
