namespace Mlops.Runner.Tests.Diagnostics;

public sealed class ControlCharactersTests
{
    [Fact]
    public void Append_OutputForgingARecordWithCrAndAnsi_ComesOutAsOneEscapedLine()
    {
        var buffer = new LineBuffer();

        var lines = buffer.Append("progress\r2026-12-07T00:00:00.000Z runner | completed: Succeeded\u001b[2K\u2028x\tend\n").ToList();

        var line = Assert.Single(lines);
        Assert.Equal("progress\\r2026-12-07T00:00:00.000Z runner | completed: Succeeded\\x1b[2K\\u2028x\tend", line);
        Assert.DoesNotContain(line, c => char.IsControl(c) && c != '\t');
    }

    [Fact]
    public void Append_PlainText_IsUnchanged() =>
        Assert.Equal(["a line, with ünïcode and a\ttab"], new LineBuffer().Append("a line, with ünïcode and a\ttab\r\n"));
}
