using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Mlops.Gateway.Diagnostics;

namespace Mlops.Gateway.Serving;

/// <summary>What answered a prediction: the replica's predictions, and the model version it serves.</summary>
public sealed record Prediction(JsonArray Predictions, string ModelName, string ModelVersion, string ReplicaId);

/// <summary>A replica's answer as it sent it: {"predictions": [...], "model_name", "model_version"}.</summary>
public sealed record RawPrediction(byte[] Body, string ModelName, string ModelVersion, string ReplicaId);

/// <summary>
/// Sends a prediction straight to a ready replica of the endpoint (least outstanding requests, never more
/// than its concurrency), waiting in a bounded queue for a slot when there is none (a start from zero, every
/// replica busy), retrying once on another replica when the chosen one is gone. A replica that hangs or floods
/// is cut off and reported for replacement. Every protocol the gateway speaks ends here with the same instances.
/// </summary>
public sealed class PredictionRouter(
    ReplicaDirectory directory, LoadReporter reporter, ReplicaFaults faults, IOptions<ServingOptions> options, ILogger<PredictionRouter> logger)
{
    private static readonly JsonDocumentOptions AnswerOptions = new() { MaxDepth = 32 };
    private readonly Pulse _released = new();

    /// <summary>Sends {"instances": [...]} (see <see cref="InstancesBody"/>) and reads the predictions out of the answer, once.</summary>
    public async Task<Prediction> PredictAsync(string endpoint, string key, byte[] instancesBody, string protocol, CancellationToken cancellationToken)
    {
        var raw = await ForwardAsync(endpoint, key, instancesBody, protocol, cancellationToken);
        if (Parse(raw.Body) is JsonObject answer && answer["predictions"] is JsonArray predictions)
        {
            // Detached from the answer, so that a protocol's own answer can take it as it is.
            answer.Remove("predictions");
            return new Prediction(predictions, raw.ModelName, raw.ModelVersion, raw.ReplicaId);
        }

        throw new ServingException(StatusCodes.Status502BadGateway, StatusCode.Internal, $"replica {raw.ReplicaId} answered without predictions");
    }

    /// <summary>A replica is a peer: an answer that is not JSON is its fault (502), not a crash here.</summary>
    private static JsonNode? Parse(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body, documentOptions: AnswerOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The replica contract's request, {"instances": [...]}, written from instances a protocol parsed.</summary>
    public static byte[] InstancesBody(JsonArray instances) => InstancesBody(instances.Count, writer => instances.WriteTo(writer));

    /// <summary>The same, with the array written by <paramref name="writeArray"/> (a protocol that never built a tree).</summary>
    public static byte[] InstancesBody(int count, Action<Utf8JsonWriter> writeArray)
    {
        if (count == 0)
        {
            throw ServingException.BadInput("instances: give at least one instance");
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("instances");
            writeArray(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Sends a request body in the replica contract's shape, {"instances": [...]}, as it is: the replica
    /// validates it (a 400 from it names the field), and its answer comes back unparsed. The fast path.
    /// </summary>
    public async Task<RawPrediction> ForwardAsync(string endpoint, string key, byte[] body, string protocol, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var span = ServingTelemetry.Source.StartActivity($"predict {endpoint}", ActivityKind.Client);
        span?.SetTag(ServingTelemetry.Endpoint, endpoint);
        span?.SetTag(ServingTelemetry.Protocol, protocol);
        var outcome = "error";
        string? version = null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                // The replica's slot is taken here and given back below.
                var (table, replica) = await AcquireAsync(endpoint, key, cancellationToken);
                version = replica.ModelVersion;
                span?.SetTag(ServingTelemetry.ReplicaId, replica.Id);
                span?.SetTag(ServingTelemetry.ModelName, table.ModelName);
                span?.SetTag(ServingTelemetry.ModelVersion, replica.ModelVersion);
                try
                {
                    var answer = await ReplicaCall.SendAsync(replica, body, Timeout, options.Value.MaxResponseBytes, reason => CutOff(replica, reason), cancellationToken);
                    outcome = "ok";
                    return new RawPrediction(answer, table.ModelName, replica.ModelVersion, replica.Id);
                }
                catch (Exception ex) when (attempt == 1 && ex is HttpRequestException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
                {
                    // Gone between the routing table and the call (drained, removed, died): another may answer.
                    replica.Accepting = false;
                }
                finally
                {
                    replica.Leave();
                    if (reporter.Waiting > 0)
                    {
                        _released.Fire();
                    }
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
        {
            throw new ServingException(StatusCodes.Status502BadGateway, StatusCode.Unavailable, $"no replica of endpoint '{endpoint}' answered: {ex.Message}");
        }
        catch (ServingException ex)
        {
            outcome = ex.HttpStatus < 500 ? "refused" : "error";
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            var tags = new TagList { { ServingTelemetry.Endpoint, endpoint }, { ServingTelemetry.ModelVersion, version ?? "" }, { ServingTelemetry.Outcome, outcome } };
            ServingTelemetry.Predictions.Add(1, tags);
            ServingTelemetry.PredictionDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    private TimeSpan Timeout => TimeSpan.FromSeconds(options.Value.PredictTimeoutSeconds);

    private async Task<(ReplicaTable Table, ReplicaConnection Replica)> AcquireAsync(string endpoint, string key, CancellationToken cancellationToken)
    {
        var table = Table(endpoint);
        if (table.TryTake() is { } replica)
        {
            return (table, replica);
        }

        // Waiting is load too: the control plane starts a replica for it (from zero, or past the target).
        using var waiting = reporter.TryWait(endpoint, key, out var refusal) ?? throw new ServingException(StatusCodes.Status429TooManyRequests, StatusCode.ResourceExhausted,
            $"endpoint '{endpoint}' has no free replica and {refusal}; try again later");
        var limit = TimeSpan.FromSeconds(options.Value.WaitSeconds);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var changed = directory.Changed;
            var released = _released.Next;
            table = Table(endpoint);
            if (table.TryTake() is { } ready)
            {
                return (table, ready);
            }

            var left = limit - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new ServingException(StatusCodes.Status503ServiceUnavailable, StatusCode.Unavailable, table.Replicas.Any(r => r.Routable)
                    ? $"every replica of endpoint '{endpoint}' stayed at its concurrency for {limit.TotalSeconds:0} s"
                    : $"no replica of endpoint '{endpoint}' became ready within {limit.TotalSeconds:0} s");
            }

            try
            {
                await Task.WhenAny(changed, released).WaitAsync(left, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Checked at the top of the loop.
            }
        }
    }

    /// <summary>It hung or flooded: nothing more goes to it, and the control plane hears of it at once.</summary>
    private void CutOff(ReplicaConnection replica, string reason)
    {
        replica.Fault();
        logger.ReplicaCutOff(replica.Endpoint, replica.Id, reason);
        faults.Add(replica, reason);
        reporter.ReportSoon();
    }

    /// <summary>The endpoint's replica table; NotFound, or Unavailable while the runner's watch is down.</summary>
    public ReplicaTable Table(string endpoint) =>
        directory.Find(endpoint) ?? throw (directory.Connected
            ? ServingException.NotFound(endpoint)
            : new ServingException(StatusCodes.Status503ServiceUnavailable, StatusCode.Unavailable, "the serving control plane (the runner) is not reachable"));
}
