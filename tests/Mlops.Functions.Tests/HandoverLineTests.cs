using Mlops.Functions.Handover;

namespace Mlops.Functions.Tests;

public sealed class HandoverLineTests
{
    private const string Nonce = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void Parse_ThreeFields_ReadsThem()
    {
        var line = HandoverLine.Parse($"inv-1 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 {Nonce}");

        Assert.Equal(new HandoverLine("inv-1", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", Nonce), line);
    }

    [Fact]
    public void Parse_DashForTraceparent_HasNone()
    {
        Assert.Null(HandoverLine.Parse($"inv-1 - {Nonce}").Traceparent);
    }

    [Theory]
    [InlineData("", "has 1 field(s)")]
    [InlineData("inv-1 -", "has 2 field(s)")]
    [InlineData("inv-1 - " + Nonce + " extra", "has 4 field(s)")]
    [InlineData("inv-1  - " + Nonce, "has 4 field(s)")]
    [InlineData(" - " + Nonce, "field 1 of the hand-over line is empty")]
    [InlineData("inv-1 - ", "field 3 of the hand-over line is empty")]
    [InlineData("inv-1 - 0123456789abcdef", "has 16 characters, not 32")]
    [InlineData("inv-1 - " + Nonce + "\r", "has 33 characters, not 32")]
    [InlineData("inv-1 - 0123456789ABCDEF0123456789ABCDEF", "is not lowercase hex")]
    [InlineData("inv-1 - 0123456789abcdef0123456789abcdeg", "is not lowercase hex")]
    public void Parse_Malformed_ThrowsSayingWhat(string line, string expected)
    {
        var error = Assert.Throws<FormatException>(() => HandoverLine.Parse(line));

        Assert.Contains(expected, error.Message);
    }
}
