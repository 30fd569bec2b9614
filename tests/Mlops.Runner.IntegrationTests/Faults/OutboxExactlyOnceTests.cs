using Mlops.V1;
using Xunit.Abstractions;

namespace Mlops.Runner.IntegrationTests.Faults;

/// <summary>A training kept in the outbox is registered once, even when the runner dies between recording it and removing it.</summary>
public sealed class OutboxExactlyOnceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task OutboxEntryLeftAfterItWasRecorded_TheNextStart_RegistersNoSecondRunNorVersion()
    {
        // A training kept in the outbox: the registry (an MLflow nobody runs) is down when it ends.
        var nobody = $"http://127.0.0.1:{AppHostProcess.FreePort()}";
        var first = await RunnerProcess.StartAsync(settings: new Dictionary<string, string> { ["Tracking:MlflowUri"] = nobody });
        var root = first.Root;
        var model = RegistryTests.UniqueModel();
        InvokeCall trained;
        try
        {
            using var channel = first.Channel();
            trained = await InvokeCall.RunAsync(new Mlops.V1.Runner.RunnerClient(channel), "toy-trainer", InvokeCall.Parameters($$"""{"model_name": "{{model}}"}"""));
            await first.StopAsync();
        }
        catch
        {
            await first.KillAsync();
            Directory.Delete(root, recursive: true);
            throw;
        }

        try
        {
            var outbox = Path.Combine(first.DataDirectory, "outbox");
            var entry = Assert.Single(Directory.EnumerateDirectories(outbox));
            var kept = Path.Combine(root, "entry-as-it-was");
            RunnerHost.CopyDirectory(entry, kept);

            // The registry is back (the embedded one): the entry is recorded and removed.
            // Stopped, not disposed: disposing would delete the folder the next start runs on.
            var second = await RunnerProcess.StartAsync(root, first.Instance);
            try
            {
                await Eventually.HoldsAsync(() => Task.FromResult(!Directory.Exists(entry)), Bound);
            }
            finally
            {
                await second.StopAsync();
            }

            // What a crash between recording and removing leaves: the entry, recorded already.
            RunnerHost.CopyDirectory(kept, entry);
            await using var third = await RunnerProcess.StartAsync(root, first.Instance);
            await Eventually.HoldsAsync(() => Task.FromResult(!Directory.Exists(entry)), Bound);

            using var thirdChannel = third.Channel();
            var registry = new Mlops.V1.Registry.RegistryClient(thirdChannel);
            var version = Assert.Single((await registry.ListModelVersionsAsync(new ListModelVersionsRequest { Name = model })).Versions);
            var runs = (await registry.ListRunsAsync(new ListRunsRequest { Experiment = "toy-trainer", PageSize = 1000 })).Runs
                .Where(r => r.Tags.TryGetValue("mlops.invocation_id", out var id) && id == trained.InvocationId).ToList();
            Assert.Equal(version.RunId, Assert.Single(runs).Id);
            Assert.Empty(Directory.EnumerateDirectories(outbox));
            output.WriteLine($"| outbox entry recorded, then left by a crash | 1 run, 1 version after the next start | instance {third.Instance} |");
        }
        finally
        {
            // The third runner's disposal removes the folder; when it never started, this does.
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
