using Grpc.Core;

namespace Mlops.Runner.IntegrationTests;

public sealed class RunnerFaultTests
{
    [Fact]
    public async Task Invoke_WhenTheLogFileCannotBeCreated_FailsAtOnceAndFreesItsSlot()
    {
        var root = Directory.CreateTempSubdirectory("mlops-runner-test-").FullName;
        var notADirectory = Path.Combine(root, "logs-is-a-file");
        await File.WriteAllTextAsync(notADirectory, "");
        await using var host = await RunnerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Runner:LogsPath"] = notADirectory,
            ["Runner:MaxConcurrentInvocations"] = "1",
            ["Runner:MaxQueueLength"] = "0",
        }, root: root);

        var first = await InvokeCall.RunAsync(host.Client, "echo", bound: TimeSpan.FromSeconds(30));
        var second = await InvokeCall.RunAsync(host.Client, "echo", bound: TimeSpan.FromSeconds(30));

        // A runner fault: opaque to the client (the runner's log has the details), never a hang.
        Assert.Equal(StatusCode.Unknown, first.Error?.StatusCode);
        Assert.Equal(StatusCode.Unknown, second.Error?.StatusCode);
    }
}
