using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Runner.Endpoints;
using Mlops.Runner.Registry;
using Mlops.ServiceDefaults.Replicas;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// `call`: one prediction sent straight to a ready replica of an endpoint (one of the expected version when there
/// is one), as the gateway sends it; with `expectVersion`, an answer from another version fails the step.
/// </summary>
public sealed class CallAction(EndpointManager endpoints, IModelRegistry registry)
{
    /// <summary>An answer larger than this is refused (a replica's bug must not fill the runner's memory).</summary>
    private const int MaxAnswerBytes = 16 * 1024 * 1024;

    public async Task<StepOutputs> ExecuteAsync(StepWork work, CancellationToken cancellationToken)
    {
        var parameters = new ActionParameters(work);
        var name = parameters.String("endpoint");
        var instances = parameters.Required("instances");
        int? expected = work.Parameters["expectVersion"] is null ? null : parameters.Integer("expectVersion", fallback: null, 1, int.MaxValue);
        var ready = endpoints.Get(name).Replicas.Where(replica => replica.State == ReplicaState.Ready).ToList();
        var replica = ready.FirstOrDefault(r => r.ModelVersion == expected) ?? ready.FirstOrDefault()
            ?? throw new RunnerException(ErrorKind.Unavailable, $"endpoint '{name}' has no ready replica");
        if (expected is { } version && replica.ModelVersion != version)
        {
            throw RunnerException.FailedPrecondition($"endpoint '{name}' serves version {replica.ModelVersion}, not the expected {version}");
        }

        var answer = await PredictAsync(name, replica, parameters.Field("instances"), new JsonObject { ["instances"] = instances.DeepClone() }, cancellationToken);
        var output = new JsonObject { ["predictions"] = answer["predictions"]?.DeepClone(), ["modelVersion"] = replica.ModelVersion };
        return new StepOutputs(output, new Dictionary<string, string>()) { Source = work.Name };
    }

    /// <summary>The version the endpoint's model reference resolves to now (part of the cache key); null when there is no such endpoint.</summary>
    public async Task<ModelVersion?> ResolveAsync(StepWork work, CancellationToken cancellationToken)
    {
        var name = new ActionParameters(work).String("endpoint");
        if (endpoints.List().FirstOrDefault(view => view.Spec.Name == name) is not { } endpoint)
        {
            return null;
        }

        var (uriModel, reference) = VersionReference.Parse(endpoint.Spec.ModelVersion, "model_version");
        return await reference.ResolveAsync(registry, uriModel ?? endpoint.Spec.ModelName, cancellationToken);
    }

    private static async Task<JsonObject> PredictAsync(string endpoint, ReplicaView replica, string field, JsonObject body, CancellationToken cancellationToken)
    {
        using var client = new HttpClient(ReplicaAddress.CreateHandler(replica.Address, maxConnections: 1))
        {
            BaseAddress = ReplicaAddress.BaseUri(replica.Address),
            MaxResponseContentBufferSize = MaxAnswerBytes,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await client.PostAsync("predict", content, cancellationToken);
            var text = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var answer = Parse(text);
            if (response.StatusCode == System.Net.HttpStatusCode.BadRequest)
            {
                throw RunnerException.InvalidArgument(field, $"endpoint '{endpoint}' refused them: {answer?["error"]?.ToString() ?? "bad input"}");
            }

            return response.IsSuccessStatusCode && answer is not null
                ? answer
                : throw new RunnerException(ErrorKind.Unavailable, $"replica {replica.Id} of endpoint '{endpoint}' answered {(int)response.StatusCode} without predictions");
        }
        catch (HttpRequestException ex)
        {
            throw new RunnerException(ErrorKind.Unavailable, $"replica {replica.Id} of endpoint '{endpoint}' could not be reached: {ex.Message}", inner: ex);
        }
    }

    private static JsonObject? Parse(byte[] text)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
