using System.Globalization;

namespace Mlops.Benchmarks;

/// <summary>Named series of measurements in milliseconds, summarised as median / p95 / p99 / n.</summary>
internal sealed class Samples
{
    private readonly Dictionary<string, List<double>> _series = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Lock _sync = new();

    public void Add(string name, TimeSpan value)
    {
        lock (_sync)
        {
            if (!_series.TryGetValue(name, out var list))
            {
                _series[name] = list = [];
                _order.Add(name);
            }

            list.Add(value.TotalMilliseconds);
        }
    }

    public IReadOnlyList<Summary> Summaries()
    {
        lock (_sync)
        {
            return _order.Select(name => Summary.Of(name, _series[name])).ToList();
        }
    }

    public sealed record Summary(string Name, double MedianMs, double P95Ms, double P99Ms, int Count)
    {
        public static Summary Of(string name, List<double> values)
        {
            var sorted = values.Order().ToArray();
            return new Summary(name, Percentile(sorted, 0.5), Percentile(sorted, 0.95), Percentile(sorted, 0.99), sorted.Length);
        }

        public string Row() => string.Create(CultureInfo.InvariantCulture, $"| {Name,-52} | {MedianMs,10:F2} | {P95Ms,10:F2} | {P99Ms,10:F2} | {Count,5} |");

        // Linear interpolation between closest ranks.
        private static double Percentile(double[] sorted, double p)
        {
            if (sorted.Length == 0)
            {
                return double.NaN;
            }

            var rank = p * (sorted.Length - 1);
            var low = (int)Math.Floor(rank);
            var high = (int)Math.Ceiling(rank);
            return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
        }
    }
}
