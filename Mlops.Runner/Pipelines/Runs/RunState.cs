using System.Text.Json.Nodes;

namespace Mlops.Runner.Pipelines;

/// <summary>
/// A live run: its record as it changes, the outputs its steps left (its scope), its event feed and its cancellation.
/// Every change is written to the store and shown to the watchers as it is made.
/// </summary>
internal sealed class RunState : IDisposable
{
    private readonly Lock _sync = new();
    private readonly RunDatabase _database;
    private readonly RunWatchers _watchers;
    private readonly Dictionary<string, StepRunRecord> _steps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StepOutputs> _outputs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _cancel;
    private PipelineRunRecord _run;
    private bool _disposed;

    public RunState(PipelineRunRecord run, PipelineDefinition plan, Caller caller, RunDatabase database, RunWatchers watchers, CancellationToken stopping)
    {
        (_run, Plan, Caller, _database, _watchers) = (run, plan, caller, database, watchers);
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        foreach (var step in run.Steps)
        {
            _steps[step.Step] = step;
        }
    }

    public string Id => _run.Id;

    public PipelineDefinition Plan { get; }

    public Caller Caller { get; }

    public RunFeed Feed { get; } = new();

    /// <summary>Cancelled when the run is cancelled or the runner stops.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>A user cancelled the run (as opposed to the runner stopping).</summary>
    public bool CancelRequested { get; private set; }

    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the run's work has ended, however it ended.</summary>
    public Task Completion => _completion.Task;

    public void Completed() => _completion.TrySetResult();

    public bool ReadsCache(StepDefinition step) => step.Cache && Plan.Cache && !_run.NoCache;

    public void Cancel()
    {
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            CancelRequested = true;
            // Its callbacks (the steps' teardown) run on the pool, not under this lock; Dispose cannot come between.
            _ = _cancel.CancelAsync();
        }
    }

    public PipelineRunRecord Snapshot()
    {
        lock (_sync)
        {
            return _run with { Steps = Plan.Steps.Select(step => _steps[step.Id]).ToList() };
        }
    }

    /// <summary>What a resumed run's stored steps left: where their artifacts came from.</summary>
    public IReadOnlyDictionary<string, StepLineage> Lineage { get; init; } = new Dictionary<string, StepLineage>();

    /// <summary>A step's record now, or one of its items' when <paramref name="item"/> is set.</summary>
    public StepRunRecord Current(string step, int? item = null)
    {
        lock (_sync)
        {
            return item is { } i ? _steps[step].Items[i] : _steps[step];
        }
    }

    /// <summary>What a step's references can see now.</summary>
    public RunScope Scope(JsonNode? item)
    {
        lock (_sync)
        {
            return new RunScope(_run.Inputs, new Dictionary<string, StepOutputs>(_outputs, StringComparer.Ordinal), item);
        }
    }

    /// <summary>Writes a step's record, or a map item's (into its step's items).</summary>
    public void Write(StepRunRecord record, StepLineage? lineage = null)
    {
        lock (_sync)
        {
            var ordinal = Ordinal(record.Step);
            if (record.Item is { } item)
            {
                var step = _steps[record.Step];
                var items = step.Items.ToList();
                items[item] = record;
                _steps[record.Step] = step with { Items = items };
            }
            else
            {
                _steps[record.Step] = record with { Items = _steps[record.Step].Items };
            }

            _database.UpsertStep(_run.Id, ordinal, record, lineage);
        }

        Publish();
    }

    /// <summary>A map step's items, all pending, before any of them runs.</summary>
    public void WriteItems(string step, IReadOnlyList<StepRunRecord> items)
    {
        lock (_sync)
        {
            _steps[step] = _steps[step] with { Items = items };
            foreach (var item in items)
            {
                _database.UpsertStep(_run.Id, Ordinal(step), item);
            }
        }

        Publish();
    }

    /// <summary>A step succeeded: the steps after it see its outputs.</summary>
    public void Succeeded(string step, StepOutputs outputs)
    {
        lock (_sync)
        {
            _outputs[step] = outputs;
        }
    }

    public void WriteRun(Func<PipelineRunRecord, PipelineRunRecord> change)
    {
        lock (_sync)
        {
            _run = change(_run);
            _database.UpdateRun(_run);
        }

        Publish();
    }

    public void Dispose()
    {
        lock (_sync)
        {
            _disposed = true;
        }

        _cancel.Dispose();
    }

    private int Ordinal(string step) => Plan.Steps.Select((s, i) => (s.Id, i)).First(pair => pair.Id == step).i;

    private void Publish() => _watchers.Publish(Snapshot());
}
