using Google.Rpc;
using Grpc.Core;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests;

[Collection(RunnerCollection.Name)]
public sealed class ValidationTests(RunnerFixture fixture)
{
    private RunnerHost Host => fixture.Host;

    [Fact]
    public async Task Invoke_InvalidParameters_InvalidArgumentNamesEachFieldAndNoContainerIsCreated()
    {
        var since = DateTimeOffset.UtcNow;
        var before = (await Host.Client.ListInvocationsAsync(new ListInvocationsRequest())).Invocations.Count;

        var call = await InvokeCall.RunAsync(Host.Client, "echo",
            InvokeCall.Parameters("""{"count": 0, "mode": "medium", "features": [1, 2], "ratio": "high", "colour": "red"}"""));

        Assert.Equal(StatusCode.InvalidArgument, call.Error?.StatusCode);
        Assert.Empty(call.Arrivals);
        var violations = call.Error!.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.ToDictionary(v => v.Field, v => v.Description);
        Assert.Equal("must be >= 1 (got 0)", violations["parameters.count"]);
        Assert.StartsWith("must be one of", violations["parameters.mode"]);
        Assert.Equal("must have at least 4 item(s) (got 2)", violations["parameters.features"]);
        Assert.Equal("must be a number (got a string)", violations["parameters.ratio"]);
        Assert.StartsWith("unknown parameter", violations["parameters.colour"]);
        Assert.Equal(before, (await Host.Client.ListInvocationsAsync(new ListInvocationsRequest())).Invocations.Count);
        Assert.Equal(0, await Host.ContainersCreatedSinceAsync(since));
    }

    [Fact]
    public async Task Invoke_ArrayItemOfWrongType_NamesTheItem()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "echo", InvokeCall.Parameters("""{"features": [1, 2, "x", 4]}"""));

        var violation = Assert.Single(call.Error!.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal("parameters.features[2]", violation.Field);
    }

    [Fact]
    public async Task Invoke_UnknownFunction_IsNotFound()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "no-such-function");

        Assert.Equal(StatusCode.NotFound, call.Error?.StatusCode);
        Assert.Contains("'no-such-function' does not exist", call.Error!.Status.Detail);
    }

    [Theory]
    [InlineData("../echo")]
    [InlineData("echo/../fail")]
    [InlineData("..")]
    [InlineData("/etc")]
    [InlineData("Echo")]
    [InlineData("")]
    public async Task Invoke_MalformedName_IsInvalidArgumentBeforeTouchingTheDisk(string name)
    {
        var call = await InvokeCall.RunAsync(Host.Client, name);

        Assert.Equal(StatusCode.InvalidArgument, call.Error?.StatusCode);
        Assert.Equal("function", Assert.Single(call.Error!.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task ListFunctions_ShowsEachFolderWithItsParametersAndManifestErrors()
    {
        var response = await Host.Client.ListFunctionsAsync(new ListFunctionsRequest());

        var byName = response.Functions.ToDictionary(f => f.Name);
        Assert.Contains("print-sleep", byName.Keys);
        var echo = byName["echo"];
        Assert.Equal(30, echo.TimeoutSeconds);
        Assert.Equal(64, echo.MemoryMb);
        var count = echo.Parameters.Single(p => p.Name == "count");
        Assert.Equal("integer", count.Type);
        Assert.Equal(1, count.Minimum);
        Assert.Equal(10, count.Maximum);
        Assert.Equal(1, count.DefaultValue.NumberValue);
        Assert.Contains("timeoutSecs: unknown key", byName["bad-manifest"].ManifestError);
    }

    [Fact]
    public async Task Invoke_BrokenManifest_IsFailedPrecondition()
    {
        var call = await InvokeCall.RunAsync(Host.Client, "bad-manifest");

        Assert.Equal(StatusCode.FailedPrecondition, call.Error?.StatusCode);
        Assert.Contains("timeoutSecs", call.Error!.Status.Detail);
    }

    [Fact]
    public async Task AddingAFolder_MakesANewFunctionWithoutRestart()
    {
        var name = Host.AddUniqueFunction("echo", "added");
        try
        {
            var response = await Host.Client.ListFunctionsAsync(new ListFunctionsRequest());
            Assert.Contains(response.Functions, f => f.Name == name);
        }
        finally
        {
            Directory.Delete(Path.Combine(Host.FunctionsDirectory, name), recursive: true);
        }
    }

    [Fact]
    public async Task GetInvocation_MalformedOrUnknownId_IsInvalidArgumentOrNotFound()
    {
        var malformed = await Assert.ThrowsAsync<RpcException>(async () => await Host.Client.GetInvocationAsync(new GetInvocationRequest { Id = "../x" }));
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await Host.Client.GetInvocationAsync(new GetInvocationRequest { Id = new string('a', 32) }));

        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }
}
