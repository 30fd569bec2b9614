using Mlops.Runner.Containers;
using Mlops.Runner.Invocations.Pooling;

namespace Mlops.Runner.Tests.Invocations.Pooling;

public sealed class DoneMarkerTests
{
    private const string Nonce = "0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    [Fact]
    public void Take_IsCompleteOnlyOnceBothStreamsCarriedTheMarker_AndDropsIt()
    {
        var marker = new DoneMarker(Nonce);

        Assert.Null(marker.Take(Line(OutputStream.Stdout, $"mlops-done {Nonce} 0")));
        Assert.False(marker.IsComplete);
        Assert.Null(marker.Take(Line(OutputStream.Stderr, $"mlops-done {Nonce} 0")));

        Assert.True(marker.IsComplete);
        Assert.Equal(0, marker.ExitCode);
    }

    [Fact]
    public void Take_KeepsWhatCameBeforeAMarkerThatEndsALine()
    {
        var marker = new DoneMarker(Nonce);

        var kept = marker.Take(Line(OutputStream.Stdout, $"no newline at the endmlops-done {Nonce} 1"));

        Assert.Equal("no newline at the end", kept?.Line);
        Assert.Equal(1, marker.ExitCode);
    }

    [Theory]
    [InlineData("mlops-done 00000000000000000000000000000000 0")]
    [InlineData("mlops-done " + Nonce + " ")]
    [InlineData("mlops-done " + Nonce + " zero")]
    [InlineData("mlops-done " + Nonce + " 0 and more")]
    [InlineData("mlops-done " + Nonce + " 12345")]
    public void Take_LeavesLinesThatAreNotItsMarker(string text)
    {
        var marker = new DoneMarker(Nonce);

        Assert.Equal(text, marker.Take(Line(OutputStream.Stdout, text))?.Line);
        Assert.Null(marker.ExitCode);
    }

    [Fact]
    public void Take_TheFirstAnnouncedCodeStands()
    {
        var marker = new DoneMarker(Nonce);

        marker.Take(Line(OutputStream.Stdout, $"mlops-done {Nonce} 1"));
        marker.Take(Line(OutputStream.Stderr, $"mlops-done {Nonce} 0"));

        Assert.Equal(1, marker.ExitCode);
    }

    private static ContainerLogLine Line(OutputStream stream, string text) => new(stream, text, At);
}
