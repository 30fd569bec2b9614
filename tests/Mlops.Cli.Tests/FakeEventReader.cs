using Grpc.Core;

namespace Mlops.Cli.Tests;

/// <summary>A server stream as the client reads it: the given messages, then its end, or the error it ended with.</summary>
internal sealed class FakeEventReader<T>(IEnumerable<T> messages, Exception? endedWith = null) : IAsyncStreamReader<T>
    where T : class
{
    private readonly IEnumerator<T> _messages = messages.GetEnumerator();

    public T Current => _messages.Current;

    public Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_messages.MoveNext())
        {
            return Task.FromResult(true);
        }

        return endedWith is null ? Task.FromResult(false) : Task.FromException<bool>(endedWith);
    }
}
