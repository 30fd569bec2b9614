extern alias apphost;

using apphost::Mlops.AppHost.Telemetry.Metrics;

namespace Mlops.EndToEndTests;

/// <summary>The dashboard's metric points: kept per service, instrument and series, and bounded every way, oldest first.</summary>
public sealed class MetricStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static MetricSample Sample(string name, double seconds, double value, string series = "a", string service = "runner") =>
        new(new InstrumentInfo(service, name, "{invocation}", "Invocations", InstrumentType.Counter, true, "Mlops.Runner"),
            new Dictionary<string, string> { ["faas.name"] = series }, new MetricPoint(T0, T0.AddSeconds(seconds), value));

    [Fact]
    public void Add_PointsOfOneSeries_AreKeptInOrderUnderTheirInstrument()
    {
        var store = new MetricStore();

        store.Add([Sample("mlops.invocations", 1, 1), Sample("mlops.invocations", 2, 3), Sample("mlops.invocations", 1, 7, series: "b")]);

        var listed = Assert.Single(store.Instruments());
        Assert.Equal(("runner", "mlops.invocations", InstrumentType.Counter, 2, 3), (listed.Instrument.Service, listed.Instrument.Name, listed.Instrument.Type, listed.Series, listed.Points));
        var read = store.Read("runner", "mlops.invocations")!.Value;
        Assert.Equal([1.0, 3.0], read.Series.Single(s => s.Attributes["faas.name"] == "a").Points.Select(p => p.Value));
        Assert.Null(store.Read("gateway", "mlops.invocations"));
    }

    [Fact]
    public void Add_PastTheCapPerSeries_DropsThatSeriesOldestPoints()
    {
        var store = new MetricStore(maxPointsPerSeries: 3);

        store.Add(Enumerable.Range(1, 5).Select(i => Sample("m", i, i)));

        Assert.Equal([3.0, 4.0, 5.0], store.Read("runner", "m")!.Value.Series.Single().Points.Select(p => p.Value));
    }

    [Fact]
    public void Add_PastTheCapOfSeriesPerInstrument_DropsTheSeriesUpdatedLongestAgo()
    {
        var store = new MetricStore(maxSeriesPerInstrument: 2);

        store.Add([Sample("m", 5, 1, series: "a"), Sample("m", 1, 1, series: "b"), Sample("m", 6, 1, series: "c")]);

        var series = store.Read("runner", "m")!.Value.Series.Select(s => s.Attributes["faas.name"]).Order();
        Assert.Equal(["a", "c"], series);
        Assert.Equal(2, store.Instruments().Single().Points);
    }

    [Fact]
    public void Add_PastTheOverallCap_DropsTheOldestPointsOfAnyInstrument_AndForgetsWhatEmptied()
    {
        var store = new MetricStore(maxPoints: 4);

        store.Add([Sample("old", 1, 1), Sample("old", 2, 2), Sample("new", 3, 1), Sample("new", 4, 2), Sample("new", 5, 3)]);
        store.Add([Sample("new", 6, 4)]);

        Assert.Equal(["new"], store.Instruments().Select(i => i.Instrument.Name));
        Assert.Equal(4, store.Instruments().Sum(i => i.Points));
        Assert.Equal([1.0, 2.0, 3.0, 4.0], store.Read("runner", "new")!.Value.Series.Single().Points.Select(p => p.Value));
    }

    [Fact]
    public void Add_AnInstrumentThatChangesShape_StartsOverRatherThanMixingPoints()
    {
        var store = new MetricStore();
        store.Add([Sample("m", 1, 5)]);

        var gauge = Sample("m", 2, 1);
        store.Add([gauge with { Instrument = gauge.Instrument with { Type = InstrumentType.Gauge, Cumulative = false } }]);

        var read = store.Read("runner", "m")!.Value;
        Assert.Equal(InstrumentType.Gauge, read.Info.Type);
        Assert.Equal([1.0], read.Series.Single().Points.Select(p => p.Value));
    }

    [Fact]
    public void Add_HistogramPointsWithTheSameBounds_ShareOneListOfThem()
    {
        var store = new MetricStore();
        MetricSample Histogram(double seconds) => Sample("d", seconds, 0) with
        {
            Instrument = Sample("d", 0, 0).Instrument with { Type = InstrumentType.Histogram },
            Point = new MetricPoint(T0, T0.AddSeconds(seconds), 0, new HistogramBuckets(1, [1.0, 2.0], [0, 1, 0])),
        };

        store.Add([Histogram(1), Histogram(2)]);

        var points = store.Read("runner", "d")!.Value.Series.Single().Points;
        Assert.Same(points[0].Histogram!.Bounds, points[1].Histogram!.Bounds);
    }
}
