using Mlops.Functions.Handover;

namespace Mlops.Functions.Tests;

/// <summary>The hand-over on a real named pipe, the test playing the runner.</summary>
public sealed class HandoverPipeTests : IDisposable
{
    private const string Nonce = "0123456789abcdef0123456789abcdef";

    private readonly string _root = Directory.CreateTempSubdirectory("mlops-handover-tests-").FullName;
    private readonly string _fifo;

    public HandoverPipeTests() => _fifo = Fifo.Make(Path.Combine(_root, ".handover"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task WaitAsync_LineWritten_ReturnsIt()
    {
        var waiting = HandoverPipe.WaitAsync(_fifo, CancellationToken.None);

        await Fifo.WriteAsync(_fifo, $"inv-1 - {Nonce}\n").WaitAsync(Fifo.Bounded);

        Assert.Equal(new HandoverLine("inv-1", null, Nonce), await waiting.WaitAsync(Fifo.Bounded));
    }

    [Fact]
    public async Task WaitAsync_NothingWritten_WaitsForTheWriter()
    {
        var waiting = HandoverPipe.WaitAsync(_fifo, CancellationToken.None);

        // A wait that ends without a writer would end with an exception or null; give it a moment to go wrong.
        await Assert.ThrowsAsync<TimeoutException>(() => waiting.WaitAsync(TimeSpan.FromMilliseconds(200)));
        await Fifo.WriteAsync(_fifo, $"inv-1 - {Nonce}\n").WaitAsync(Fifo.Bounded);
        Assert.NotNull(await waiting.WaitAsync(Fifo.Bounded));
    }

    [Theory]
    [InlineData("")]
    [InlineData("inv-1 - 0123456789abcdef0123456789abcdef")]
    public async Task WaitAsync_ClosedBeforeAWholeLine_ReturnsNull(string written)
    {
        var waiting = HandoverPipe.WaitAsync(_fifo, CancellationToken.None);

        await Fifo.WriteAsync(_fifo, written).WaitAsync(Fifo.Bounded);

        Assert.Null(await waiting.WaitAsync(Fifo.Bounded));
    }

    [Fact]
    public async Task WaitAsync_MalformedLine_ThrowsFormatException()
    {
        var waiting = HandoverPipe.WaitAsync(_fifo, CancellationToken.None);

        await Fifo.WriteAsync(_fifo, "inv-1 -\n").WaitAsync(Fifo.Bounded);

        await Assert.ThrowsAsync<FormatException>(() => waiting.WaitAsync(Fifo.Bounded));
    }

    [Fact]
    public async Task WaitAsync_LineTooLong_ThrowsFormatException()
    {
        var waiting = HandoverPipe.WaitAsync(_fifo, CancellationToken.None);

        await Fifo.WriteAsync(_fifo, new string('x', 5000) + $" - {Nonce}\n").WaitAsync(Fifo.Bounded);

        Assert.Contains("longer than", (await Assert.ThrowsAsync<FormatException>(() => waiting.WaitAsync(Fifo.Bounded))).Message);
    }

    [Fact]
    public async Task WaitAsync_NoPipe_ThrowsIOException()
    {
        await Assert.ThrowsAnyAsync<IOException>(() => HandoverPipe.WaitAsync(Path.Combine(_root, "missing"), CancellationToken.None).WaitAsync(Fifo.Bounded));
    }

    [Fact]
    public async Task WaitAsync_Cancelled_StopsWaiting()
    {
        using var cancel = new CancellationTokenSource();
        var waiting = HandoverPipe.WaitAsync(_fifo, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Fifo.Bounded));
        // The thread still blocked in open(2) ends when a writer comes and goes.
        await Fifo.WriteAsync(_fifo).WaitAsync(Fifo.Bounded);
    }
}
