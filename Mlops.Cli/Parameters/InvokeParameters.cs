using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Mlops.Cli.Parameters;

/// <summary>
/// An invocation's parameters from the command line: <c>--params-json '{...}'</c>, then each <c>-p key=value</c> over
/// it. A value is JSON when it reads as JSON (<c>20</c>, <c>true</c>, <c>[5.1,3.5,1.4,0.2]</c>, <c>"20"</c>), else the
/// text itself, so <c>-p criterion=gini</c> needs no quotes.
/// </summary>
internal static class InvokeParameters
{
    /// <param name="option">The option the pairs came with, as an error names it (-p; a pipeline's --input).</param>
    /// <exception cref="CliException">A pair without '=' or a key that is empty, or --params-json that is not a JSON object.</exception>
    public static Struct Parse(IEnumerable<string> pairs, string? json, string option = "-p")
    {
        var parameters = string.IsNullOrWhiteSpace(json) ? new Struct() : ParseObject(json);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliException($"{option} takes key=value (got '{pair}')");
            }

            parameters.Fields[pair[..equals].Trim()] = ParseValue(pair[(equals + 1)..]);
        }

        return parameters;
    }

    /// <summary>The JSON value <paramref name="text"/> spells, or the text as a string when it is not JSON.</summary>
    public static Value ParseValue(string text)
    {
        try
        {
            return JsonParser.Default.Parse<Value>(text);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException)
        {
            // Not JSON: the value is the text itself (gini, iris_model, @champion).
            return Value.ForString(text);
        }
    }

    private static Struct ParseObject(string json)
    {
        try
        {
            return JsonParser.Default.Parse<Struct>(json);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException)
        {
            throw new CliException($"--params-json must be a JSON object: {ex.Message}");
        }
    }
}
