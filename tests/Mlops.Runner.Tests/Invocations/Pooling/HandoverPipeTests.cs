using Mlops.Runner.Invocations.Pooling;

namespace Mlops.Runner.Tests.Invocations.Pooling;

/// <summary>A real named pipe in a temp folder, with a reader on another thread standing in for the function.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HandoverPipeTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("mlops-handover-test-");

    [Fact]
    public void Create_MakesAPipeAnyoneMayReadAndOnlyItsOwnerWrite()
    {
        using var pipe = HandoverPipe.Create(_folder.FullName);

        Assert.Equal(Path.Combine(_folder.FullName, HandoverPipe.FileName), pipe.Path);
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(pipe.Path));
        Assert.False(pipe.IsReady);
    }

    [Fact]
    public async Task TryOpen_IsFalseUntilTheFunctionWaits_ThenItsLineArrivesWhole()
    {
        using var pipe = HandoverPipe.Create(_folder.FullName);
        Assert.False(pipe.TryOpen());

        var reader = Task.Run(() =>
        {
            using var stream = new StreamReader(new FileStream(pipe.Path, FileMode.Open, FileAccess.Read));
            return stream.ReadToEnd();
        });
        await WaitUntilAsync(pipe.TryOpen);

        Assert.True(pipe.IsReady);
        Assert.True(pipe.Send("inv-1 - 0123456789abcdef0123456789abcdef"));
        Assert.Equal("inv-1 - 0123456789abcdef0123456789abcdef\n", await reader.WaitAsync(Bound));
    }

    [Fact]
    public async Task Dispose_WithoutALine_GivesTheWaitingFunctionEndOfFile()
    {
        var pipe = HandoverPipe.Create(_folder.FullName);
        var reader = Task.Run(() =>
        {
            using var stream = new StreamReader(new FileStream(pipe.Path, FileMode.Open, FileAccess.Read));
            return stream.ReadLine();
        });
        await WaitUntilAsync(pipe.TryOpen);

        pipe.Dispose();

        Assert.Null(await reader.WaitAsync(Bound));
        Assert.False(pipe.TryOpen());
    }

    [Fact]
    public async Task Send_IsFalse_WhenTheFunctionStoppedReading()
    {
        using var pipe = HandoverPipe.Create(_folder.FullName);
        var stream = await Task.Run(async () =>
        {
            var opening = Task.Run(() => new FileStream(pipe.Path, FileMode.Open, FileAccess.Read));
            await WaitUntilAsync(pipe.TryOpen);
            return await opening.WaitAsync(Bound);
        });

        stream.Dispose();

        Assert.False(pipe.Send("inv-2 - 0123456789abcdef0123456789abcdef"));
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (!condition())
        {
            await Task.Delay(5, bound.Token);
        }
    }
}
