using System.Text;
using Google.Rpc;
using Grpc.Core;
using Spectre.Console;

namespace Mlops.Cli.Output;

/// <summary>How a failure reads on stderr: <c>error: NOT_FOUND: the server's message</c>, then each field violation.</summary>
internal static class ErrorReport
{
    public static void Write(IAnsiConsole console, RpcException error, Uri address)
    {
        var text = new StringBuilder($"error: {CodeName(error.StatusCode)}: {error.Status.Detail}");
        foreach (var violation in error.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations ?? [])
        {
            // The runner's messages often list their violations already; a second copy would only be noise.
            var line = $"{violation.Field}: {violation.Description}";
            if (!error.Status.Detail.Contains(line, StringComparison.Ordinal))
            {
                text.Append($"\n  {line}");
            }
        }

        if (error.StatusCode == StatusCode.Unavailable)
        {
            // The client's own "Error connecting to subchannel." says less than the socket's reason under it.
            if (error.Status.DebugException is { } cause)
            {
                text.Append($" ({cause.Message})");
            }

            text.Append($"\n  is the system running and listening at {address}? (--url or $MLOPS_URL)");
        }

        Write(console, text.ToString());
    }

    public static void Write(IAnsiConsole console, string message) => console.WriteLine(message, new Style(Color.Red));

    /// <summary>The canonical gRPC name (NOT_FOUND), as google.rpc.Code spells it, as the API's own error codes do.</summary>
    public static string CodeName(StatusCode code) => Show.Enum((Google.Rpc.Code)(int)code, "");
}
