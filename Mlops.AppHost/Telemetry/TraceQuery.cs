namespace Mlops.AppHost.Telemetry;

/// <summary>Traces as the dashboard lists them: grouped spans, the root's name, the function, the outcome.</summary>
public sealed record TraceSummary(string TraceId, string Root, string Services, string? Function, DateTimeOffset Start, double DurationMs, int Spans, bool Failed);

public static class TraceQuery
{
    public static IEnumerable<TraceSummary> List(IReadOnlyList<SpanEntry> spans, string? service, string? function, string? status)
    {
        return spans
            .GroupBy(s => s.TraceId)
            .Select(Summarize)
            .Where(t => service is null || t.Services.Split(' ').Contains(service))
            .Where(t => function is null || t.Function == function)
            .Where(t => status is null || (status == "error") == t.Failed)
            .OrderByDescending(t => t.Start);
    }

    public static IReadOnlyList<SpanEntry> Trace(IReadOnlyList<SpanEntry> spans, string traceId) =>
        spans.Where(s => s.TraceId == traceId).OrderBy(s => s.Start).ToList();

    private static TraceSummary Summarize(IGrouping<string, SpanEntry> trace)
    {
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        // The root is the span without a parent in this trace (a parent may not have been exported yet).
        var root = trace.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).MinBy(s => s.Start)!;
        var start = trace.Min(s => s.Start);
        var end = trace.Max(s => s.End);
        var function = trace.Select(s => s.Attributes.GetValueOrDefault("faas.name")).FirstOrDefault(f => f is not null);
        return new TraceSummary(
            trace.Key,
            $"{root.Service}: {root.Name}",
            string.Join(' ', trace.Select(s => s.Service).Distinct().Order(StringComparer.Ordinal)),
            function,
            start,
            (end - start).TotalMilliseconds,
            trace.Count(),
            trace.Any(s => s.Status == "error"));
    }
}
