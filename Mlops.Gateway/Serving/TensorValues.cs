namespace Mlops.Gateway.Serving;

/// <summary>
/// The numeric datatypes an input tensor may have, and each value checked against its datatype: a value out of
/// its type's range, not finite, or not whole for an integer type is refused, naming where it is.
/// </summary>
public static class TensorValues
{
    public static readonly IReadOnlyList<string> Datatypes = ["FP32", "FP64", "INT32", "INT64"];

    public static string CheckDatatype(string? datatype, string field) =>
        datatype is not null && Datatypes.Contains(datatype)
            ? datatype
            : throw ServingException.BadInput($"{field}: {(datatype is null ? "is required" : $"'{Bounded.Text(datatype, 32)}' is not supported")}; use one of {string.Join(", ", Datatypes)}");

    public static double Check(double value, string datatype, string field)
    {
        var fits = datatype switch
        {
            "FP32" => double.IsFinite(value) && Math.Abs(value) <= float.MaxValue,
            "FP64" => double.IsFinite(value),
            "INT32" => double.IsInteger(value) && value is >= int.MinValue and <= int.MaxValue,
            _ => double.IsInteger(value) && value is >= long.MinValue and <= long.MaxValue,
        };
        return fits ? value : throw ServingException.BadInput($"{field}: {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a {datatype} value");
    }

    /// <summary>The replica contract's request, {"instances": rows}, from values in row-major order.</summary>
    public static byte[] Rows(TensorShape shape, IReadOnlyList<double> values) => PredictionRouter.InstancesBody(shape.Rows, writer =>
    {
        writer.WriteStartArray();
        for (var r = 0; r < shape.Rows; r++)
        {
            writer.WriteStartArray();
            for (var c = 0; c < shape.Width; c++)
            {
                writer.WriteNumberValue(values[r * shape.Width + c]);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    });
}
