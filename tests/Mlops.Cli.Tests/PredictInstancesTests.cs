using Google.Protobuf.WellKnownTypes;
using Mlops.Cli.Parameters;

namespace Mlops.Cli.Tests;

/// <summary>How `mlops predict --instances` and -f become the instances of a prediction.</summary>
public sealed class PredictInstancesTests
{
    [Theory]
    [InlineData("5.1,3.5,1.4,0.2")]
    [InlineData("[5.1, 3.5, 1.4, 0.2]")]
    public void Parse_OneFeaturesOption_IsOneInstanceOfItsNumbers(string features)
    {
        var instance = Assert.Single(PredictInstances.Parse(null, [features]));

        Assert.Equal([5.1, 3.5, 1.4, 0.2], instance.ListValue.Values.Select(v => v.NumberValue));
    }

    [Fact]
    public void Parse_InstancesThenFeatures_AreAllSentInOrder()
    {
        var instances = PredictInstances.Parse("[[1,2,3,4],[5,6,7,8]]", ["""{"sepal_length": 5.1}"""]);

        Assert.Equal(3, instances.Count);
        Assert.Equal(5, instances[1].ListValue.Values[0].NumberValue);
        Assert.Equal(Value.KindOneofCase.StructValue, instances[2].KindCase);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{\"instances\": []}")]
    [InlineData("[[1,2")]
    public void Parse_NothingOrNotAList_IsAUsageError(string? instances)
    {
        var error = Assert.Throws<CliException>(() => PredictInstances.Parse(instances, []));

        Assert.Equal(2, error.ExitCode);
    }
}
