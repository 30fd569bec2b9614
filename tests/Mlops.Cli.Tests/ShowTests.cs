using Google.Protobuf.WellKnownTypes;
using Mlops.Cli.Output;
using Mlops.V1;

namespace Mlops.Cli.Tests;

/// <summary>How values from the API read in a table: rounded for people (--output json keeps them exact).</summary>
public sealed class ShowTests
{
    [Fact]
    public void Value_OfEachKind_ReadsAsItsText()
    {
        Assert.Equal("", Show.Value(null));
        Assert.Equal("", Show.Value(Value.ForNull()));
        Assert.Equal("gini", Show.Value(Value.ForString("gini")));
        Assert.Equal("true", Show.Value(Value.ForBool(true)));
        Assert.Equal("20", Show.Value(Value.ForNumber(20)));
        Assert.Equal("0.933333", Show.Value(Value.ForNumber(14 / 15.0)));
    }

    [Fact]
    public void Value_OfAnObjectOrAList_IsOneLine_WithItsStringsQuoted()
    {
        var probabilities = Value.ForStruct(new Struct { Fields = { ["setosa"] = Value.ForNumber(0.98), ["note"] = Value.ForString("a, b") } });
        var list = Value.ForList(Value.ForString("a, b"), Value.ForNumber(1), Value.ForList(Value.ForBool(false)));

        Assert.Equal("{setosa: 0.98, note: \"a, b\"}", Show.Value(probabilities));
        Assert.Equal("[\"a, b\", 1, [false]]", Show.Value(list));
    }

    [Fact]
    public void Value_OfAnObjectWithANull_ReadsNullThere()
    {
        var promoted = Value.ForStruct(new Struct { Fields = { ["alias"] = Value.ForString("champion"), ["previous"] = Value.ForNull() } });

        Assert.Equal("{alias: \"champion\", previous: null}", Show.Value(promoted));
        Assert.Equal("[null]", Show.Value(Value.ForList(Value.ForNull())));
    }

    [Theory]
    [InlineData(100, "100")]
    [InlineData(-3, "-3")]
    [InlineData(0.25, "0.25")]
    [InlineData(1.23456789, "1.234568")]
    [InlineData(0.00001234, "1.234E-05")]
    [InlineData(12345.5, "12345.5")]
    public void Number_IsWholeWhenWhole_ElseRoundedToSixPlaces_AndTinyOnesScientific(double number, string expected) =>
        Assert.Equal(expected, Show.Number(number));

    [Theory]
    [InlineData(512, "512 B")]
    [InlineData(1536, "1.5 kB")]
    [InlineData(3 << 20, "3.0 MB")]
    [InlineData(5L << 30, "5.0 GB")]
    public void Bytes_ReadInTheLargestWholeUnit(long bytes, string expected) => Assert.Equal(expected, Show.Bytes(bytes));

    [Fact]
    public void Enum_IsProtobufsName_WithoutItsPrefix() =>
        Assert.Equal(("SUCCEEDED", "OOM_KILLED"), (Show.Enum(InvocationStatus.Succeeded, "INVOCATION_STATUS_"), Show.Enum(InvocationStatus.OomKilled, "INVOCATION_STATUS_")));

    [Theory]
    [InlineData("sha256:0123456789abcdef0123", "0123456789ab")]
    [InlineData("fedcba9876543210", "fedcba987654")]
    [InlineData("abc", "abc")]
    public void ShortId_IsTheFirstTwelveHexDigits_AsDockerShowsThem(string id, string expected) => Assert.Equal(expected, Show.ShortId(id));

    [Fact]
    public void Metrics_AreNameEqualsValue_InNameOrder() =>
        Assert.Equal("accuracy=0.93 f1=0.92", Show.Metrics(new Dictionary<string, double> { ["f1"] = 0.92, ["accuracy"] = 0.93 }));

    [Fact]
    public void Seconds_HasTwoPlaces_AndNothingForNoDuration() =>
        Assert.Equal(("1.50 s", ""), (Show.Seconds(Duration.FromTimeSpan(TimeSpan.FromMilliseconds(1500))), Show.Seconds(null)));
}
