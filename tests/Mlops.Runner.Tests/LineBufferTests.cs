using Mlops.Runner;

namespace Mlops.Runner.Tests;

public sealed class LineBufferTests
{
    [Fact]
    public void Append_ChunksSplitAnywhere_YieldWholeLines()
    {
        var buffer = new LineBuffer();

        var lines = buffer.Append("fir").Concat(buffer.Append("st\r\nsec")).Concat(buffer.Append("ond\n\nthi")).ToList();

        Assert.Equal(["first", "second", ""], lines);
        Assert.Equal("thi", buffer.Flush());
        Assert.Null(buffer.Flush());
    }

    [Fact]
    public void Append_LineLongerThanTheLimit_IsCut()
    {
        var buffer = new LineBuffer(maxLineLength: 4);

        Assert.Equal(["abcd", "efgh"], buffer.Append("abcdefghij"));
        Assert.Equal("ij", buffer.Flush());
    }
}
