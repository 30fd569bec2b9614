using Mlops.Runner.Registry;

namespace Mlops.Runner.Tests.Registry;

public sealed class VersionReferenceTests
{
    [Theory]
    [InlineData(null, null, "latest")]
    [InlineData("latest", null, "latest")]
    [InlineData("LATEST", null, "latest")]
    [InlineData("3", null, "3")]
    [InlineData("@champion", null, "@champion")]
    [InlineData("models:/iris_model/4", "iris_model", "4")]
    [InlineData("models:/iris_model@staging", "iris_model", "@staging")]
    [InlineData("models:/iris_model/latest", "iris_model", "latest")]
    public void Parse_AcceptsEveryWayOfNamingAVersion(string? text, string? model, string expected)
    {
        var (parsedModel, version) = VersionReference.Parse(text, "model_version");

        Assert.Equal(model, parsedModel);
        Assert.Equal(expected, version switch
        {
            VersionReference.Number n => n.Version.ToString(),
            VersionReference.Alias a => "@" + a.Name,
            _ => "latest",
        });
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("@")]
    [InlineData("@latest")]
    [InlineData("@v2")]
    [InlineData("@../x")]
    [InlineData("models:/")]
    [InlineData("models:/../x/1")]
    [InlineData("newest")]
    public void Parse_AnythingElse_IsInvalidArgumentOnTheField(string text)
    {
        var error = Assert.Throws<RunnerException>(() => VersionReference.Parse(text, "parameters.model_version"));

        Assert.Equal("parameters.model_version", Assert.Single(error.Violations).Field);
    }
}
