using System.Globalization;
using Mlops.AppHost.Telemetry.Otlp;

namespace Mlops.AppHost.Telemetry;

public sealed record SpanEntry(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Service,
    DateTimeOffset Start,
    DateTimeOffset End,
    IReadOnlyDictionary<string, string> Attributes,
    string Status,
    string? StatusMessage,
    IReadOnlyList<string> Events);

public sealed record LogEntry(
    DateTimeOffset Time, string Service, string Severity, string Message, string? Category, string? TraceId, string? SpanId);

/// <summary>What the services sent over OTLP, in memory and bounded: the oldest spans and logs go first.</summary>
public sealed class TelemetryStore(int maxSpans = 50_000, int maxLogs = 20_000)
{
    private readonly Lock _sync = new();
    private readonly Queue<SpanEntry> _spans = new();
    private readonly Queue<LogEntry> _logs = new();

    public void Add(ExportTraceServiceRequest request)
    {
        lock (_sync)
        {
            foreach (var resource in request.ResourceSpans)
            {
                var service = ServiceOf(resource.Resource);
                foreach (var span in resource.ScopeSpans.SelectMany(s => s.Spans))
                {
                    _spans.Enqueue(new SpanEntry(
                        Hex(span.TraceId),
                        Hex(span.SpanId),
                        span.ParentSpanId.IsEmpty ? null : Hex(span.ParentSpanId),
                        Bounded(span.Name),
                        service,
                        Time(span.StartTimeUnixNano),
                        Time(span.EndTimeUnixNano),
                        Attributes(span.Attributes),
                        span.Status?.Code switch { 1 => "ok", 2 => "error", _ => "unset" },
                        string.IsNullOrEmpty(span.Status?.Message) ? null : span.Status.Message,
                        span.Events.Select(e => $"{e.Name} {string.Join(", ", e.Attributes.Select(a => $"{a.Key}={Text(a.Value)}"))}".Trim()).ToList()));
                }
            }

            while (_spans.Count > maxSpans)
            {
                _spans.Dequeue();
            }
        }
    }

    public void Add(ExportLogsServiceRequest request)
    {
        lock (_sync)
        {
            foreach (var resource in request.ResourceLogs)
            {
                var service = ServiceOf(resource.Resource);
                foreach (var scope in resource.ScopeLogs)
                {
                    foreach (var log in scope.LogRecords)
                    {
                        var time = log.TimeUnixNano != 0 ? log.TimeUnixNano : log.ObservedTimeUnixNano;
                        _logs.Enqueue(new LogEntry(
                            Time(time),
                            service,
                            string.IsNullOrEmpty(log.SeverityText) ? SeverityName(log.SeverityNumber) : log.SeverityText,
                            Bounded(Text(log.Body)),
                            string.IsNullOrEmpty(scope.Scope?.Name) ? null : scope.Scope.Name,
                            log.TraceId.IsEmpty ? null : Hex(log.TraceId),
                            log.SpanId.IsEmpty ? null : Hex(log.SpanId)));
                    }
                }
            }

            while (_logs.Count > maxLogs)
            {
                _logs.Dequeue();
            }
        }
    }

    public IReadOnlyList<SpanEntry> Spans()
    {
        lock (_sync)
        {
            return [.. _spans];
        }
    }

    public IReadOnlyList<LogEntry> Logs()
    {
        lock (_sync)
        {
            return [.. _logs];
        }
    }

    /// <summary>Any string kept is at most this long: the store is bounded in size, not only in count.</summary>
    private const int MaxText = 4096;

    private static string Bounded(string text) => text.Length <= MaxText ? text : text[..MaxText] + "…";

    /// <summary>A repeated key keeps its last value rather than failing the whole batch.</summary>
    private static Dictionary<string, string> Attributes(IEnumerable<KeyValue> attributes)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in attributes)
        {
            result[Bounded(attribute.Key)] = Bounded(Text(attribute.Value));
        }

        return result;
    }

    private static string ServiceOf(Resource? resource) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == "service.name") is { } name ? Text(name.Value) : "unknown";

    private static string SeverityName(int number) => number switch
    {
        >= 21 => "Fatal",
        >= 17 => "Error",
        >= 13 => "Warning",
        >= 9 => "Information",
        >= 5 => "Debug",
        >= 1 => "Trace",
        _ => "Unspecified",
    };

    private static DateTimeOffset Time(ulong unixNanos) => DateTimeOffset.UnixEpoch.AddTicks((long)(unixNanos / 100));

    private static string Hex(Google.Protobuf.ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    internal static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(", ", value.ArrayValue.Values.Select(Text)) + "]",
        AnyValue.ValueOneofCase.KvlistValue => "{" + string.Join(", ", value.KvlistValue.Values.Select(kv => $"{kv.Key}: {Text(kv.Value)}")) + "}",
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
        _ => "",
    };
}
