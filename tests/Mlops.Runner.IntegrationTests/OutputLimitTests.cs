using Mlops.V1;

namespace Mlops.Runner.IntegrationTests;

/// <summary>What a function may print and leave, held on the real engine: the runner stops it and says which limit.</summary>
public sealed class OutputLimitTests : IAsyncLifetime
{
    private RunnerHost _host = null!;

    public async Task InitializeAsync() => _host = await RunnerHost.StartAsync(new Dictionary<string, string?>
    {
        ["Containers:MaxLogMb"] = "1",
        ["Containers:MaxOutputMb"] = "8",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Invoke_PrintingWithoutEnd_IsStoppedAtTheLogLimit_WithAKeptLogOfAboutThatSize()
    {
        var call = await InvokeCall.RunAsync(_host.Client, "loud");

        Assert.Equal(Grpc.Core.StatusCode.ResourceExhausted, call.Error?.StatusCode);
        Assert.Contains("printed more than 1 MB of logs", call.Error!.Status.Detail);
        Assert.Equal(InvocationStatus.Failed, call.Completed.Status);
        var log = new FileInfo(Path.Combine(_host.LogsDirectory, $"loud-{call.InvocationId}.log"));
        Assert.InRange(log.Length, 1024 * 1024, 3 * 1024 * 1024);
        Assert.Empty(await _host.ContainersAsync(call.InvocationId));
    }

    [Fact]
    public async Task Invoke_FillingItsOutput_IsStoppedNearTheOutputLimit_AndItsWorkspaceIsGone()
    {
        var call = await InvokeCall.RunAsync(_host.Client, "hoarder");

        Assert.Equal(Grpc.Core.StatusCode.ResourceExhausted, call.Error?.StatusCode);
        Assert.Contains("/mlops/output", call.Error!.Status.Detail);
        Assert.Equal(InvocationStatus.Failed, call.Completed.Status);
        Assert.Empty(await _host.ContainersAsync(call.InvocationId));
        Assert.False(Directory.Exists(Path.Combine(_host.DataDirectory, "invocations", call.InvocationId)));
    }
}
