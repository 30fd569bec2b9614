using Mlops.AppHost.Telemetry;

namespace Mlops.AppHost.Hosting;

/// <summary>A resource's output as the AppHost shows it, whatever runs it: kept for the dashboard and echoed with its name in front.</summary>
internal static class ResourceConsole
{
    public static void Line(ConsoleLog console, string resource, string line)
    {
        console.Append(resource, line);
        Console.WriteLine($"{resource,-8} | {line}");
    }

    /// <summary>Says what happened to it, with its last output: what one needs to see why it died.</summary>
    public static void Report(ConsoleLog console, string resource, string message)
    {
        Console.Error.WriteLine($"apphost  | {message}; its last output:");
        foreach (var line in console.Tail(resource, 40))
        {
            Console.Error.WriteLine($"apphost  |   {line}");
        }
    }
}
