using Google.Protobuf.WellKnownTypes;
using Mlops.Cli.Parameters;

namespace Mlops.Cli.Tests;

/// <summary>How `mlops invoke -p key=value` and --params-json become an invocation's parameters.</summary>
public sealed class InvokeParametersTests
{
    [Fact]
    public void Parse_NumbersBooleansAndLists_AreReadAsJson()
    {
        var parameters = InvokeParameters.Parse(["n_estimators=20", "test_size=0.25", "verbose=true", "features=[5.1,3.5,1.4,0.2]"], null);

        Assert.Equal(20, parameters.Fields["n_estimators"].NumberValue);
        Assert.Equal(0.25, parameters.Fields["test_size"].NumberValue);
        Assert.True(parameters.Fields["verbose"].BoolValue);
        Assert.Equal([5.1, 3.5, 1.4, 0.2], parameters.Fields["features"].ListValue.Values.Select(v => v.NumberValue));
    }

    [Theory]
    [InlineData("criterion=gini", "gini")]
    [InlineData("model_version=@champion", "@champion")]
    [InlineData("code=007", "007")]
    [InlineData("greeting=hello, world", "hello, world")]
    [InlineData("name=", "")]
    [InlineData("name=\"20\"", "20")]
    [InlineData("expression=a=b", "a=b")]
    public void Parse_TextThatIsNotJson_OrAQuotedString_IsAString(string pair, string expected)
    {
        var value = InvokeParameters.Parse([pair], null).Fields.Single().Value;

        Assert.Equal(Value.KindOneofCase.StringValue, value.KindCase);
        Assert.Equal(expected, value.StringValue);
    }

    [Fact]
    public void Parse_PairsGoOverParamsJson()
    {
        var parameters = InvokeParameters.Parse(["n_estimators=50"], """{"n_estimators": 10, "seed": 7}""");

        Assert.Equal(50, parameters.Fields["n_estimators"].NumberValue);
        Assert.Equal(7, parameters.Fields["seed"].NumberValue);
    }

    [Theory]
    [InlineData("n_estimators")]
    [InlineData("=20")]
    public void Parse_PairWithoutAKey_IsAUsageError(string pair)
    {
        var error = Assert.Throws<CliException>(() => InvokeParameters.Parse([pair], null));

        Assert.Equal(2, error.ExitCode);
        Assert.Contains("key=value", error.Message);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("{not json")]
    public void Parse_ParamsJsonThatIsNotAnObject_IsAUsageError(string json)
    {
        var error = Assert.Throws<CliException>(() => InvokeParameters.Parse([], json));

        Assert.Equal(2, error.ExitCode);
        Assert.Contains("--params-json", error.Message);
    }
}
