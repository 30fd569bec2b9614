using System.Globalization;
using Google.Protobuf.WellKnownTypes;

namespace Mlops.Cli.Output;

/// <summary>How values from the API read in a table.</summary>
internal static class Show
{
    /// <summary>A value for reading: numbers rounded, objects and lists on one line ({setosa: 0.98, ...}); --output json has them exact.</summary>
    public static string Value(Value? value) => value?.KindCase switch
    {
        null or Google.Protobuf.WellKnownTypes.Value.KindOneofCase.None or Google.Protobuf.WellKnownTypes.Value.KindOneofCase.NullValue => "",
        Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StringValue => value.StringValue,
        Google.Protobuf.WellKnownTypes.Value.KindOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        Google.Protobuf.WellKnownTypes.Value.KindOneofCase.NumberValue => Number(value.NumberValue),
        Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StructValue => $"{{{string.Join(", ", value.StructValue.Fields.Select(f => $"{f.Key}: {Nested(f.Value)}"))}}}",
        _ => $"[{string.Join(", ", value.ListValue.Values.Select(Nested))}]",
    };

    /// <summary>Strings inside an object or a list keep their quotes, so that ["a, b"] reads as one item; a null there reads null, not a gap.</summary>
    private static string Nested(Value value) => value.KindCase switch
    {
        Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StringValue => Json.Compact(value),
        Google.Protobuf.WellKnownTypes.Value.KindOneofCase.NullValue => "null",
        _ => Value(value),
    };

    public static string Number(double number) =>
        number == Math.Floor(number) && Math.Abs(number) < 1e15 ? number.ToString("0", CultureInfo.InvariantCulture)
        : Math.Abs(number) >= 1e-4 ? number.ToString("0.######", CultureInfo.InvariantCulture)
        : number.ToString("G6", CultureInfo.InvariantCulture);

    public static string Time(Timestamp? time) =>
        time is null ? "" : time.ToDateTimeOffset().ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Seconds(Duration? duration) =>
        duration is null ? "" : duration.ToTimeSpan().TotalSeconds.ToString("0.00 's'", CultureInfo.InvariantCulture);

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1 << 30 => (bytes / (double)(1 << 30)).ToString("0.0 'GB'", CultureInfo.InvariantCulture),
        >= 1 << 20 => (bytes / (double)(1 << 20)).ToString("0.0 'MB'", CultureInfo.InvariantCulture),
        >= 1 << 10 => (bytes / (double)(1 << 10)).ToString("0.0 'kB'", CultureInfo.InvariantCulture),
        _ => $"{bytes} B",
    };

    /// <summary>INVOCATION_STATUS_SUCCEEDED reads SUCCEEDED: the enum's prefix is protobuf's, not the reader's.</summary>
    public static string Enum<T>(T value, string prefix)
        where T : struct, System.Enum
    {
        var name = Google.Protobuf.Reflection.OriginalNameAttribute.GetCustomAttributes(typeof(T).GetField(value.ToString()!)!, false)
            .OfType<Google.Protobuf.Reflection.OriginalNameAttribute>().FirstOrDefault()?.Name ?? value.ToString()!;
        return name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
    }

    /// <summary>The first 12 characters of a container or image id, as docker shows them.</summary>
    public static string ShortId(string id)
    {
        var hex = id.StartsWith("sha256:", StringComparison.Ordinal) ? id["sha256:".Length..] : id;
        return hex[..Math.Min(12, hex.Length)];
    }

    /// <summary>metrics as "accuracy=0.93 f1=0.92", in name order.</summary>
    public static string Metrics(IEnumerable<KeyValuePair<string, double>> metrics) =>
        string.Join(' ', metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={Number(m.Value)}"));
}
