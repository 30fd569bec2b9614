using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Mlops.ServiceDefaults.Protobuf;

namespace Mlops.Gateway.Tests.Protobuf;

/// <summary>The converter held against protobuf's own JSON parser and formatter, which the gateway used before it.</summary>
public sealed class StructMapperReferenceTests
{
    public static TheoryData<string> Documents =>
    [
        """{"large": 12345678901234567890, "beyond53bits": 9007199254740993, "max": 1.7976931348623157e308}""",
        """{"negativeZero": -0, "underflow": 1e-400, "tiny": 5e-324, "exponent": 1E+2, "fraction": 0.1}""",
        """{"nothing": null, "nulls": [null, null], "empty": {}, "emptyList": [], "nestedEmpty": {"a": {"b": {}}}}""",
        """{"nested": [[[1], []], [], [[2, [3, [4]]]]], "mixed": [1, "two", true, null, {"k": [false]}]}""",
        """{"text": "\u00e9\ud83d\ude00 \"quoted\" \\ \n", "bool": false}""",
    ];

    [Theory]
    [MemberData(nameof(Documents))]
    public void ToStruct_AnyDocument_EqualsProtobufsParser(string json)
    {
        var expected = Struct.Parser.ParseJson(json);

        var actual = StructMapper.ToStruct(JsonNode.Parse(json)!.AsObject());

        // Value's equality compares doubles bit for bit: -0 and 0, or one rounding apart, differ.
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("""{"n": 1e400}""")]
    [InlineData("""{"n": [-1e400]}""")]
    public void ToStruct_NumberBeyondADoublesRange_IsRefusedAsProtobufRefusesIt(string json)
    {
        Assert.Throws<InvalidJsonException>(() => Struct.Parser.ParseJson(json));

        var error = Assert.Throws<FormatException>(() => StructMapper.ToStruct(JsonNode.Parse(json)!.AsObject()));

        Assert.Contains("beyond a double's range", error.Message);
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Write_AnyStruct_WritesWhatProtobufsFormatterWrites(string json)
    {
        var value = Struct.Parser.ParseJson(json);

        var written = Written(writer => StructMapper.Write(writer, value));

        SameJson(JsonFormatter.Default.Format(value), written);
        Assert.Equal(value, Struct.Parser.ParseJson(written));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void ToJson_AnyStruct_EqualsProtobufsFormatterParsedBack(string json)
    {
        var value = Struct.Parser.ParseJson(json);

        var node = StructMapper.ToJson(value)!;

        SameJson(JsonFormatter.Default.Format(value), node.ToJsonString());
        Assert.Equal(value, Struct.Parser.ParseJson(node.ToJsonString()));
    }

    [Fact]
    public void ToStruct_EmptyKey_IsKeptAsProtobufsParserKeepsIt()
    {
        const string json = """{"": 1}""";

        Assert.Equal(Struct.Parser.ParseJson(json), StructMapper.ToStruct(JsonNode.Parse(json)!.AsObject()));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Write_NonFiniteNumber_IsRefused(double number)
    {
        // Protobuf's formatter writes the string "NaN" where a number stood; no JSON reader takes that for a number.
        var list = new ListValue { Values = { Value.ForNumber(1), Value.ForList(Value.ForNumber(number)) } };

        var error = Assert.Throws<FormatException>(() => Written(writer => StructMapper.Write(writer, list.Values)));

        Assert.Contains("not a finite number", error.Message);
    }

    [Fact]
    public void ToJson_NonFiniteNumber_StaysADoubleForTheValidatorToName()
    {
        var node = StructMapper.ToJson(Value.ForNumber(double.NaN));

        Assert.True(double.IsNaN(node!.GetValue<double>()));
    }

    [Fact]
    public void Write_ListOfInstances_IsOneJsonArray()
    {
        var instances = new[] { Value.ForList(Value.ForNumber(5.1), Value.ForNumber(3.5)), Value.ForList(Value.ForNumber(6), Value.ForNumber(-0.25)) };

        Assert.Equal("[[5.1,3.5],[6,-0.25]]", Written(writer => StructMapper.Write(writer, instances)));
    }

    [Fact]
    public void ToValues_Predictions_KeepOrderAndKinds()
    {
        var values = StructMapper.ToValues(JsonNode.Parse("""[0, "setosa", {"p": [0.9, 0.1]}, null]""")!.AsArray());

        Assert.Equal(ListValue.Parser.ParseJson("""[0, "setosa", {"p": [0.9, 0.1]}, null]""").Values, values);
    }

    private static string Written(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The same JSON: protobuf's formatter puts spaces between tokens and writes 1e+19 where System.Text.Json writes 1E+19.</summary>
    private static void SameJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"{expected} is not {actual}");
}
