using Mlops.Runner.Functions;

namespace Mlops.Runner.Tests;

public sealed class FunctionNameTests
{
    [Theory]
    [InlineData("train")]
    [InlineData("predict-v2")]
    [InlineData("a")]
    public void IsValid_LowercaseNames_AreAccepted(string name) => Assert.True(FunctionName.IsValid(name));

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("../train")]
    [InlineData("train/../predict")]
    [InlineData("Train")]
    [InlineData("1train")]
    [InlineData("-train")]
    [InlineData("train_v2")]
    [InlineData("train\n")]
    [InlineData("a0123456789012345678901234567890123456789012345678901234567890123")]
    public void Validate_AnythingElse_IsInvalidArgumentOnTheFunctionField(string name)
    {
        var error = Assert.Throws<RunnerException>(() => FunctionName.Validate(name));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("function", Assert.Single(error.Violations).Field);
    }
}
