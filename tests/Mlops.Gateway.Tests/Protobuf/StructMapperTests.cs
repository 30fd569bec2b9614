using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Mlops.ServiceDefaults.Protobuf;

namespace Mlops.Gateway.Tests.Protobuf;

public sealed class StructMapperTests
{
    [Fact]
    public void RoundTrip_KeepsEveryKindOfValue()
    {
        var json = JsonNode.Parse("""{"n": 1.5, "s": "x", "b": true, "z": null, "list": [1, "two", [3]], "obj": {"k": false}}""")!.AsObject();

        var back = StructMapper.ToJson(StructMapper.ToStruct(json))!;

        Assert.Equal(json.ToJsonString(), back.ToJsonString());
    }

    [Fact]
    public void ToStruct_IntegersCreatedInCode_BecomeNumbers()
    {
        var value = StructMapper.ToStruct(new JsonObject { ["count"] = 3L });

        Assert.Equal(3, value.Fields["count"].NumberValue);
    }

    [Fact]
    public void ToJson_NullStruct_IsNull() => Assert.Null(StructMapper.ToJson((Struct?)null));
}
