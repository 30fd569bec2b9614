using Mlops.AppHost.Telemetry.Metrics;

namespace Mlops.AppHost.Hosting;

/// <summary>The dashboard's Metrics page reads these: each service's instruments, and one instrument ready to chart.</summary>
internal static class MetricsApi
{
    private const int MaxMinutes = 24 * 60;

    public static void MapMetricsApi(this WebApplication app, MetricStore metrics)
    {
        app.MapGet("/api/metrics", (string? service) =>
            metrics.Instruments().Where(i => service is null || i.Instrument.Service == service));

        app.MapGet("/api/metrics/chart", (string? service, string? name, int? minutes) =>
        {
            if (string.IsNullOrEmpty(service) || string.IsNullOrEmpty(name))
            {
                return Results.BadRequest(new { error = "say which instrument: ?service=<service>&name=<instrument>" });
            }

            if (minutes is <= 0 or > MaxMinutes)
            {
                return Results.BadRequest(new { error = $"minutes must be between 1 and {MaxMinutes}" });
            }

            return metrics.Read(service, name) is { } instrument
                ? Results.Ok(MetricChart.Of(instrument.Info, instrument.Series, DateTimeOffset.UtcNow.AddMinutes(-(minutes ?? 15))))
                : Results.NotFound(new { error = $"{service} has sent no metric {name} (or its points were dropped to make room)" });
        });
    }
}
