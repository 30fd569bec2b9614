using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Mlops.ServiceDefaults;

/// <summary>
/// What every Mlops service shares: OpenTelemetry, health routes, service discovery and resilient
/// HttpClients, configured the way an Aspire AppHost expects to find them.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";

    /// <summary>Attribute sets kept per metric stream; beyond it, OpenTelemetry counts into one overflow point.</summary>
    public const int MetricCardinalityLimit = 200;

    /// <param name="telemetrySources">The service's own ActivitySource and Meter names, exported with the rest.</param>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, params string[] telemetrySources)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry(telemetrySources);
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Retrying a POST that reached the server would do it twice (a second model version, say).
            http.AddStandardResilienceHandler(resilience => resilience.Retry.DisableForUnsafeHttpMethods());
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder, params string[] telemetrySources)
        where TBuilder : IHostApplicationBuilder
    {
        // Every successful HTTP call, telemetry exports included, would otherwise log a line (and export it).
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var sampled = (builder.Configuration["Telemetry:SampledPaths"] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(prefix => new PathString(prefix))
            .ToArray();
        var sampleRatio = builder.Configuration.GetValue("Telemetry:SampleRatio", 1.0);
        // Heartbeats between the services (the gateway's load reports, twice a second): never traced, like probes.
        var untraced = (builder.Configuration["Telemetry:UntracedPaths"] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(prefix => new PathString(prefix))
            .ToArray();
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(telemetrySources)
                // Each metric stream allocates its points up front, 2,000 by default: about 10 MB of an idle
                // runner. Ours have a few attribute sets each (functions x outcomes, routes x codes).
                .AddView(_ => new MetricStreamConfiguration { CardinalityLimit = MetricCardinalityLimit }))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(telemetrySources)
                .AddAspNetCoreInstrumentation(aspnet =>
                    // Health probes every few seconds would drown the traces people look for, and a span for
                    // every one of thousands of predictions a second would cap throughput: those paths are
                    // sampled (Telemetry:SampledPaths, at Telemetry:SampleRatio), their children with them.
                    aspnet.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthPath) &&
                        !context.Request.Path.StartsWithSegments(AlivePath) &&
                        !untraced.Any(prefix => context.Request.Path.StartsWithSegments(prefix)) &&
                        (!sampled.Any(prefix => context.Request.Path.StartsWithSegments(prefix)) || Random.Shared.NextDouble() < sampleRatio))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>The status, and for anything short of healthy, which check says what: a degraded service says why.</summary>
    private static Task WriteStatusAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var reasons = report.Entries
            .Where(entry => entry.Value.Status != HealthStatus.Healthy)
            .Select(entry => $"{entry.Key}: {Bounded.Text(entry.Value.Description ?? entry.Value.Status.ToString())}");
        var text = report.Status == HealthStatus.Healthy ? "Healthy" : $"{report.Status}: {string.Join("; ", reasons)}";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    /// <summary>/health: every check must pass (ready for traffic); /alive: the process answers.</summary>
    public static WebApplication MapHealthRoutes(this WebApplication app)
    {
        // Probes are the only calls that need no key.
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = WriteStatusAsync }).AllowAnonymous();
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") }).AllowAnonymous();
        return app;
    }
}
