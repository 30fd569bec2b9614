using System.Threading.Channels;

namespace Mlops.Runner.Images;

/// <summary>
/// One running build shared by every caller that wants its image: each subscriber sees all output lines
/// from the start, then the single outcome.
/// </summary>
internal sealed class BuildJob
{
    private readonly Lock _sync = new();
    private readonly List<string> _lines = [];
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
            _lines.Add(line);
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(line);
            }
        }
    }

    public ChannelReader<string> Subscribe()
    {
        var channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
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
