using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Mlops.Runner.Invocations;

/// <summary>Recent invocations, newest last, bounded by <see cref="RunnerOptions.HistorySize"/>; finished ones are evicted first.</summary>
public sealed partial class InvocationStore(IOptions<RunnerOptions> options)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, InvocationRecord> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _order = new();

    public static string NewId() => Guid.CreateVersion7().ToString("N");

    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    public void Put(InvocationRecord record)
    {
        lock (_sync)
        {
            if (!_byId.ContainsKey(record.Id))
            {
                _order.AddLast(record.Id);
            }

            _byId[record.Id] = record;
            var node = _order.First;
            while (_byId.Count > options.Value.HistorySize && node is not null)
            {
                var next = node.Next;
                if (_byId[node.Value].IsFinished)
                {
                    _byId.Remove(node.Value);
                    _order.Remove(node);
                }

                node = next;
            }
        }
    }

    /// <exception cref="RunnerException">InvalidArgument for a malformed id; NotFound when it is unknown or no longer kept.</exception>
    public InvocationRecord Get(string? id)
    {
        if (!IsValidId(id))
        {
            throw RunnerException.InvalidArgument("id", "must be an invocation id: 32 lowercase hex digits");
        }

        lock (_sync)
        {
            return _byId.TryGetValue(id!, out var record)
                ? record
                : throw RunnerException.NotFound($"invocation '{id}' does not exist or is no longer kept");
        }
    }

    public IReadOnlyList<InvocationRecord> List(string? function, int limit)
    {
        lock (_sync)
        {
            var result = new List<InvocationRecord>();
            for (var node = _order.Last; node is not null && result.Count < limit; node = node.Previous)
            {
                var record = _byId[node.Value];
                if (function is null || record.Function == function)
                {
                    result.Add(record);
                }
            }

            return result;
        }
    }

    [GeneratedRegex(@"^[0-9a-f]{32}\z")]
    private static partial Regex IdPattern();
}
