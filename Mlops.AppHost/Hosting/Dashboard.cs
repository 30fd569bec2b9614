using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.Extensions.FileProviders;
using Mlops.AppHost.Telemetry;
using Mlops.AppHost.Telemetry.Metrics;
using Mlops.AppHost.Telemetry.Otlp;

namespace Mlops.AppHost.Hosting;

/// <summary>
/// The AppHost's own web server: an OTLP/HTTP (protobuf) receiver for every service's traces, logs and metrics,
/// and a dashboard over them and over the resources: state, health, endpoints, live console output.
/// </summary>
internal sealed class Dashboard(int port, int otlpPort, ConsoleLog console, TelemetryStore telemetry, MetricStore metrics, DashboardAccess access)
{
    private const string Protobuf = "application/x-protobuf";
    private WebApplication? _app;

    public string Url => $"http://127.0.0.1:{port}";

    public string OtlpUrl => $"http://127.0.0.1:{otlpPort}";

    public DashboardAccess Access => access;

    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <param name="serviceKey">The key the dashboard asks the gateway with, for its serving view.</param>
    public async Task StartAsync(IReadOnlyList<Resource> resources, string serviceKey, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Only the ports given here: no appsettings.json of whatever folder the AppHost was started from
        // (a Kestrel section there would move the dashboard onto another service's port).
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls(Url, OtlpUrl);
        // OTLP exporters send batches of a few hundred kB; nothing local should be able to send 30 MB at a time.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 8 * 1024 * 1024);
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Use(access.GuardAsync);

        _app.MapGet("/health", () => "Healthy");
        _app.MapPost("/v1/traces", (HttpRequest request, CancellationToken token) =>
            ReceiveAsync(request, ExportTraceServiceRequest.Parser, telemetry.Add, token));
        _app.MapPost("/v1/logs", (HttpRequest request, CancellationToken token) =>
            ReceiveAsync(request, ExportLogsServiceRequest.Parser, telemetry.Add, token));
        _app.MapPost("/v1/metrics", (HttpRequest request, CancellationToken token) =>
            ReceiveAsync(request, ExportMetricsServiceRequest.Parser, metrics.Add, token));
        _app.MapMetricsApi(metrics);

        _app.MapGet("/api/resources", () => resources.Select(r => new
        {
            r.Name,
            Kind = r switch { ProjectResource => "project", ContainerResource => "container", _ => "executable" },
            State = r.State.ToString(),
            r.Health,
            r.Restarts,
            Endpoints = r.Endpoints.Select(e => e.Url),
        }));
        _app.MapGet("/api/serving", (CancellationToken token) => ServingAsync(resources, serviceKey, token));
        _app.MapGet("/api/console/{name}", (string name, long? after) => console.Read(name, after ?? 0));
        _app.MapGet("/api/logs", (string? service, string? level, string? trace) => telemetry.Logs()
            .Where(l => service is null || l.Service == service)
            .Where(l => level is null || string.Equals(l.Severity, level, StringComparison.OrdinalIgnoreCase))
            .Where(l => trace is null || l.TraceId == trace)
            .TakeLast(1_000));
        _app.MapGet("/api/traces", (string? service, string? function, string? status) =>
            TraceQuery.List(telemetry.Spans(), service, function, status).Take(500));
        _app.MapGet("/api/traces/{traceId}", (string traceId) => TraceQuery.Trace(telemetry.Spans(), traceId) is { Count: > 0 } spans
            ? Results.Ok(spans)
            : Results.NotFound(new { error = $"no trace {traceId}" }));
        _app.MapGet("/", () => Results.File(Path.Combine(AppContext.BaseDirectory, "Dashboard", "index.html"), "text/html; charset=utf-8"));
        // The page's scripts (behind the same token as everything else: the guard runs first).
        _app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "Dashboard")) });
        await _app.StartAsync(cancellationToken);
    }

    /// <summary>The gateway's view of the endpoints it routes to (the "serving" part of its /debug).</summary>
    private static async Task<IResult> ServingAsync(IReadOnlyList<Resource> resources, string serviceKey, CancellationToken cancellationToken)
    {
        if (resources.FirstOrDefault(r => r.Name == "gateway")?.Endpoints.FirstOrDefault(e => !e.Http2) is not { } gateway)
        {
            return Results.Json(new { error = "there is no gateway in this app" });
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, gateway.Url + "/debug");
            request.Headers.Authorization = new("Bearer", serviceKey);
            using var answer = await Probe.SendAsync(request, cancellationToken);
            var debug = await JsonNode.ParseAsync(await answer.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return Results.Json(debug?["serving"] ?? new JsonObject { ["error"] = "the gateway's runner is not reachable" });
        }
        catch (HttpRequestException ex)
        {
            return Results.Json(new { error = $"the gateway is not reachable: {ex.Message}" });
        }
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static async Task<IResult> ReceiveAsync<T>(HttpRequest request, MessageParser<T> parser, Action<T> store, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        if (request.ContentType?.StartsWith(Protobuf, StringComparison.OrdinalIgnoreCase) != true)
        {
            return Results.Text($"only {Protobuf} is accepted here (OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf)", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        try
        {
            store(parser.ParseFrom(body.ToArray()));
        }
        catch (InvalidProtocolBufferException ex)
        {
            return Results.Text($"not an OTLP message: {ex.Message}", statusCode: StatusCodes.Status400BadRequest);
        }

        // An empty Export*ServiceResponse: everything was accepted.
        return Results.Bytes([], Protobuf);
    }
}
