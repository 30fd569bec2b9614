using System.Threading.Channels;

namespace Mlops.Runner.Images;

/// <summary>
/// One running build shared by every caller that wants its image: each subscriber sees all output lines
/// from the start, then the single outcome.
/// </summary>
internal sealed class BuildJob
{
    // A build that prints without end must not take the runner's memory with it: late joiners get the
    // newest lines, slow readers lose the oldest ones.
    private const int MaxKeptLines = 5_000;
    private const int MaxPendingLinesPerSubscriber = 10_000;

    private readonly Lock _sync = new();
    private readonly Queue<string> _lines = new();
    private readonly List<Channel<string>> _subscribers = [];
    private readonly TaskCompletionSource<BuiltImage> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _completed;

    public Task<BuiltImage> Outcome => _outcome.Task;

    /// <summary>When the build finished; null while it runs.</summary>
    public long? CompletedAt { get; private set; }

    public void Publish(string line)
    {
        lock (_sync)
        {
            _lines.Enqueue(line);
            if (_lines.Count > MaxKeptLines)
            {
                _lines.Dequeue();
            }

            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(line);
            }
        }
    }

    public ChannelReader<string> Subscribe()
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(MaxPendingLinesPerSubscriber)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropOldest,
        });
        lock (_sync)
        {
            foreach (var line in _lines)
            {
                channel.Writer.TryWrite(line);
            }

            if (_completed)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                _subscribers.Add(channel);
            }
        }

        return channel.Reader;
    }

    public void Complete(Task<BuiltImage> build, long timestamp)
    {
        lock (_sync)
        {
            _completed = true;
            CompletedAt = timestamp;
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryComplete();
            }

            _subscribers.Clear();
            _lines.Clear();
        }

        if (build.IsCompletedSuccessfully)
        {
            _outcome.SetResult(build.Result);
        }
        else if (build.IsCanceled)
        {
            _outcome.SetCanceled();
        }
        else
        {
            _outcome.SetException(build.Exception!.InnerExceptions);
        }
    }
}
