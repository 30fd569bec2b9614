using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Mlops.Runner.Registry;

namespace Mlops.Runner.Tests.Registry;

/// <summary>Credentials in a URI are refused where the runner is configured, and redacted where a peer's URI shows.</summary>
public sealed class UriCredentialsTests
{
    [Fact]
    public void AddModelRegistry_AnMlflowUriWithCredentials_IsRefusedAtStart_WithoutShowingThem()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Tracking:MlflowUri"] = "http://admin:s3cret@127.0.0.1:5000";

        var refused = Assert.Throws<OptionsValidationException>(() => builder.AddModelRegistry());

        Assert.Contains("carries credentials", refused.Message);
        Assert.DoesNotContain("s3cret", refused.Message);
    }

    [Theory]
    [InlineData("s3://key:s3cret@bucket/path", "s3://***@bucket/path")]
    [InlineData("http://user@host:5000/x?y=1", "http://***@host:5000/x?y=1")]
    [InlineData("mlflow-artifacts:/1/abc/artifacts", "mlflow-artifacts:/1/abc/artifacts")]
    [InlineData("http://host/a@b", "http://host/a@b")]
    public void Redact_HidesOnlyTheUserInformation(string uri, string redacted) => Assert.Equal(redacted, UriCredentials.Redact(uri));
}
