using System.Text.Json.Nodes;

namespace Mlops.Gateway.Serving;

/// <summary>
/// MLflow's scoring protocol (POST /invocations of `mlflow models serve`): dataframe_split, dataframe_records,
/// instances or inputs in; {"predictions": [...]} out. Named columns become named features.
/// </summary>
public static class MlflowScoring
{
    public static JsonArray Instances(JsonObject body)
    {
        var formats = new[] { "dataframe_split", "dataframe_records", "instances", "inputs" }.Where(body.ContainsKey).ToList();
        if (formats.Count != 1)
        {
            throw ServingException.BadInput(formats.Count == 0
                ? "give one of dataframe_split, dataframe_records, instances or inputs"
                : $"give only one of {string.Join(", ", formats)}");
        }

        return formats[0] switch
        {
            "dataframe_split" => Split(body["dataframe_split"] as JsonObject ?? throw ServingException.BadInput("dataframe_split: must be an object with columns and data")),
            "dataframe_records" => ListAt(body["dataframe_records"], "dataframe_records"),
            "instances" => ListAt(body["instances"], "instances"),
            _ => ListAt(body["inputs"], "inputs"),
        };
    }

    private static JsonArray Split(JsonObject split)
    {
        if (split["data"] is not JsonArray data)
        {
            throw ServingException.BadInput("dataframe_split.data: must be a list of rows");
        }

        if (split["columns"] is not JsonArray columns)
        {
            return data;
        }

        var names = columns.Select((c, i) => c?.GetValue<string>() ?? throw ServingException.BadInput($"dataframe_split.columns[{i}]: must be a string")).ToArray();
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

    private static JsonArray ListAt(JsonNode? node, string field) =>
        node is JsonArray array ? array : throw ServingException.BadInput($"{field}: must be a list");
}
