using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Gateway.Serving;

/// <summary>
/// MLflow's scoring protocol (POST /invocations of `mlflow models serve`): exactly one of dataframe_split,
/// dataframe_records, instances or inputs in; {"predictions": [...]} out. Named columns become named features.
/// A body that names two formats, or anything the protocol does not have, is refused rather than guessed at.
/// </summary>
public static class MlflowScoring
{
    private static readonly string[] Formats = ["dataframe_split", "dataframe_records", "instances", "inputs"];
    private static readonly string[] SplitFields = ["columns", "data", "index"];

    public static JsonArray Instances(JsonObject body)
    {
        foreach (var (name, _) in body)
        {
            if (name == "params")
            {
                throw ServingException.BadInput("params: inference parameters are not supported by this endpoint");
            }

            if (!Formats.Contains(name))
            {
                throw ServingException.BadInput($"{Bounded.Text(name, 64)}: is not a field of MLflow's scoring request; give one of {string.Join(", ", Formats)}");
            }
        }

        var formats = Formats.Where(body.ContainsKey).ToList();
        if (formats.Count != 1)
        {
            throw ServingException.BadInput(formats.Count == 0
                ? $"give one of {string.Join(", ", Formats)}"
                : $"give only one of {string.Join(", ", formats)}");
        }

        var instances = formats[0] switch
        {
            "dataframe_split" => Split(body["dataframe_split"] as JsonObject ?? throw ServingException.BadInput("dataframe_split: must be an object with columns and data")),
            "dataframe_records" => Records(ListAt(body["dataframe_records"], "dataframe_records")),
            var format => ListAt(body[format], format),
        };
        return instances.Count > 0 ? instances : throw ServingException.BadInput($"{(formats[0] == "dataframe_split" ? "dataframe_split.data" : formats[0])}: give at least one row");
    }

    private static JsonArray Split(JsonObject split)
    {
        foreach (var (name, _) in split.Where(field => !SplitFields.Contains(field.Key)))
        {
            throw ServingException.BadInput($"dataframe_split.{Bounded.Text(name, 64)}: is not a field of a split dataframe; the fields are columns, data and index");
        }

        var data = ListAt(split["data"], "dataframe_split.data");
        if (split["index"] is { } index && (index is not JsonArray rows || rows.Count != data.Count))
        {
            throw ServingException.BadInput($"dataframe_split.index: must be a list of {data.Count} labels, one per row");
        }

        if (split["columns"] is null)
        {
            for (var r = 0; r < data.Count; r++)
            {
                _ = data[r] as JsonArray ?? throw ServingException.BadInput($"dataframe_split.data[{r}]: must be a list of values");
            }

            return data;
        }

        var names = Columns(ListAt(split["columns"], "dataframe_split.columns"));
        var instances = new JsonArray();
        for (var r = 0; r < data.Count; r++)
        {
            if (data[r] is not JsonArray row || row.Count != names.Length)
            {
                throw ServingException.BadInput($"dataframe_split.data[{r}]: must hold {names.Length} values, one per column");
            }

            var named = new JsonObject();
            for (var c = 0; c < names.Length; c++)
            {
                named[names[c]] = row[c]?.DeepClone();
            }

            instances.Add(named);
        }

        return instances;
    }

    private static string[] Columns(JsonArray columns)
    {
        var names = new string[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            names[i] = columns[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
                : throw ServingException.BadInput($"dataframe_split.columns[{i}]: must be a string");
            if (Array.IndexOf(names, names[i], 0, i) >= 0)
            {
                throw ServingException.BadInput($"dataframe_split.columns[{i}]: '{Bounded.Text(names[i], 64)}' is named twice");
            }
        }

        return names;
    }

    private static JsonArray Records(JsonArray records)
    {
        for (var r = 0; r < records.Count; r++)
        {
            _ = records[r] as JsonObject ?? throw ServingException.BadInput($"dataframe_records[{r}]: must be an object of column: value");
        }

        return records;
    }

    private static JsonArray ListAt(JsonNode? node, string field) =>
        node is JsonArray array ? array : throw ServingException.BadInput($"{field}: must be a list");
}
