namespace Mlops.AppHost.Telemetry.Metrics;

/// <summary>An instrument as the Metrics page lists it: what it is, and how many series and points of it are kept.</summary>
public sealed record InstrumentSummary(InstrumentInfo Instrument, int Series, int Points);
