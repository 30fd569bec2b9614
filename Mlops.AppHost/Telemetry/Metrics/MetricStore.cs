using Mlops.AppHost.Telemetry.Otlp;

namespace Mlops.AppHost.Telemetry.Metrics;

/// <summary>
/// Metric points the services sent over OTLP, in memory and bounded three ways, the oldest going first: points per
/// series, series per instrument (the one updated longest ago), and points overall.
/// </summary>
public sealed class MetricStore(int maxPointsPerSeries = 600, int maxSeriesPerInstrument = 50, int maxPoints = 200_000)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<(string Service, string Name), Instrument> _instruments = [];
    private int _points;

    public void Add(ExportMetricsServiceRequest request) => Add(OtlpMetrics.Read(request));

    public void Add(IEnumerable<MetricSample> samples)
    {
        lock (_sync)
        {
            foreach (var sample in samples)
            {
                var instrument = InstrumentOf(sample);
                var series = instrument.SeriesOf(sample.Attributes, maxSeriesPerInstrument, dropped => _points -= dropped);
                series.Append(sample.Point);
                _points++;
                if (series.Points.Count > maxPointsPerSeries)
                {
                    series.Points.Dequeue();
                    _points--;
                }
            }

            while (_points > maxPoints)
            {
                DropOldestPoint();
            }
        }
    }

    public IReadOnlyList<InstrumentSummary> Instruments()
    {
        lock (_sync)
        {
            return _instruments.Values
                .Select(i => new InstrumentSummary(i.Info, i.Series.Count, i.Series.Values.Sum(s => s.Points.Count)))
                .OrderBy(i => i.Instrument.Service, StringComparer.Ordinal)
                .ThenBy(i => i.Instrument.Name, StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <returns>The instrument and a copy of its series, or null when nothing of it is kept.</returns>
    public (InstrumentInfo Info, IReadOnlyList<SeriesSnapshot> Series)? Read(string service, string name)
    {
        lock (_sync)
        {
            if (!_instruments.TryGetValue((service, name), out var instrument))
            {
                return null;
            }

            return (instrument.Info, instrument.Series.Values.Select(s => new SeriesSnapshot(s.Attributes, [.. s.Points])).ToList());
        }
    }

    private Instrument InstrumentOf(MetricSample sample)
    {
        var info = sample.Instrument;
        var key = (info.Service, info.Name);
        if (!_instruments.TryGetValue(key, out var instrument))
        {
            _instruments[key] = instrument = new Instrument(info);
        }
        else if (instrument.Info != info)
        {
            // A restarted service may describe an instrument anew; points of another shape would chart as nonsense.
            if (instrument.Info.Type != info.Type || instrument.Info.Cumulative != info.Cumulative)
            {
                _points -= instrument.Series.Values.Sum(s => s.Points.Count);
                instrument.Series.Clear();
            }

            instrument.Info = info;
        }

        return instrument;
    }

    private void DropOldestPoint()
    {
        var (oldestKey, oldest) = _instruments
            .SelectMany(i => i.Value.Series.Select(s => (Instrument: i.Key, Series: s.Value)))
            .Where(s => s.Series.Points.Count > 0)
            .MinBy(s => s.Series.Points.Peek().Time);
        oldest.Points.Dequeue();
        _points--;
        if (oldest.Points.Count == 0)
        {
            var instrument = _instruments[oldestKey];
            instrument.Series.Remove(oldest.Key);
            if (instrument.Series.Count == 0)
            {
                _instruments.Remove(oldestKey);
            }
        }
    }

    private sealed class Instrument(InstrumentInfo info)
    {
        public InstrumentInfo Info { get; set; } = info;

        public Dictionary<string, Series> Series { get; } = new(StringComparer.Ordinal);

        public Series SeriesOf(IReadOnlyDictionary<string, string> attributes, int maxSeries, Action<int> dropped)
        {
            var key = string.Join('\n', attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));
            if (Series.TryGetValue(key, out var series))
            {
                return series;
            }

            if (Series.Count >= maxSeries)
            {
                var stalest = Series.Values.MinBy(s => s.Last?.Time ?? DateTimeOffset.MinValue)!;
                Series.Remove(stalest.Key);
                dropped(stalest.Points.Count);
            }

            return Series[key] = new Series(key, attributes);
        }
    }

    private sealed class Series(string key, IReadOnlyDictionary<string, string> attributes)
    {
        public string Key { get; } = key;

        public IReadOnlyDictionary<string, string> Attributes { get; } = attributes;

        public Queue<MetricPoint> Points { get; } = new();

        public MetricPoint? Last { get; private set; }

        /// <summary>A histogram's bounds rarely change: points share the previous one's list instead of a copy each.</summary>
        public void Append(MetricPoint point)
        {
            if (point.Histogram is { } histogram && Last?.Histogram is { } previous && histogram.Bounds.SequenceEqual(previous.Bounds))
            {
                point = point with { Histogram = histogram with { Bounds = previous.Bounds } };
            }

            Points.Enqueue(point);
            Last = point;
        }
    }
}
