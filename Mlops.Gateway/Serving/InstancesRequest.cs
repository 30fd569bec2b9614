using System.Text.Json;

namespace Mlops.Gateway.Serving;

/// <summary>
/// The replica contract's own request, {"instances": [...]}, checked for its shape before it is passed on as it
/// is: one JSON object, no field but a non-empty "instances" list, no name twice. What each instance holds is
/// the model's to judge (a replica's 400 names the field).
/// </summary>
public static class InstancesRequest
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    public static byte[] Checked(byte[] body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Options);
        }
        catch (JsonException ex)
        {
            throw ServingException.BadInput($"the request body is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw ServingException.BadInput("the request body must be a JSON object: {\"instances\": [...]}");
            }

            if (!root.TryGetProperty("instances", out var instances) || instances.ValueKind != JsonValueKind.Array)
            {
                throw ServingException.BadInput("instances: give a list of instances, e.g. {\"instances\": [[5.1, 3.5, 1.4, 0.2]]}");
            }

            foreach (var field in root.EnumerateObject().Where(f => f.Name != "instances"))
            {
                throw ServingException.BadInput($"{Bounded.Text(field.Name, 64)}: is not a field of the request; give {{\"instances\": [...]}}");
            }

            return instances.GetArrayLength() > 0 ? body : throw ServingException.BadInput("instances: give at least one instance");
        }
    }
}
