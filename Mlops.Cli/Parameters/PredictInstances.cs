using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Mlops.Cli.Parameters;

/// <summary>
/// What <c>mlops predict</c> sends: <c>--instances '[[5.1,3.5,1.4,0.2], ...]'</c> (a JSON list), and/or one instance per
/// <c>-f</c>: <c>-f 5.1,3.5,1.4,0.2</c>, <c>-f '[5.1,3.5,1.4,0.2]'</c> or <c>-f '{"sepal_length": 5.1, ...}'</c>.
/// </summary>
internal static class PredictInstances
{
    /// <exception cref="CliException">Nothing to predict, or text that is not the JSON it should be.</exception>
    public static IReadOnlyList<Value> Parse(string? instances, IEnumerable<string> features)
    {
        var all = new List<Value>();
        if (!string.IsNullOrWhiteSpace(instances))
        {
            var list = ParseJson(instances, "--instances");
            if (list.KindCase != Value.KindOneofCase.ListValue)
            {
                throw new CliException("--instances must be a JSON list of instances, e.g. '[[5.1,3.5,1.4,0.2]]'");
            }

            all.AddRange(list.ListValue.Values);
        }

        foreach (var one in features)
        {
            var text = one.Trim();
            // Bare numbers are the easiest to type: 5.1,3.5,1.4,0.2 is the list of them.
            all.Add(ParseJson(text.StartsWith('[') || text.StartsWith('{') ? text : $"[{text}]", "-f"));
        }

        return all.Count > 0 ? all : throw new CliException("nothing to predict: give --instances '[[...]]' or -f 5.1,3.5,1.4,0.2");
    }

    private static Value ParseJson(string text, string option)
    {
        try
        {
            return JsonParser.Default.Parse<Value>(text);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException)
        {
            throw new CliException($"{option} is not valid JSON ({text}): {ex.Message}");
        }
    }
}
