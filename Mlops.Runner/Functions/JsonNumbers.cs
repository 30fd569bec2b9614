using System.Text.Json.Nodes;

namespace Mlops.Runner.Functions;

internal static class JsonNumbers
{
    /// <summary>A JSON number as a double, whether it was parsed from text or created from a long, int or double.</summary>
    public static double ToDouble(JsonNode node)
    {
        var value = node.AsValue();
        if (value.TryGetValue(out double d))
        {
            return d;
        }

        if (value.TryGetValue(out long l))
        {
            return l;
        }

        if (value.TryGetValue(out int i))
        {
            return i;
        }

        return value.TryGetValue(out decimal m) ? (double)m : throw new InvalidOperationException($"{node.ToJsonString()} is not a number");
    }
}
