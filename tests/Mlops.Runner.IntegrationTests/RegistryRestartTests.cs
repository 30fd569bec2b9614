using Mlops.V1;

namespace Mlops.Runner.IntegrationTests;

public sealed class RegistryRestartTests
{
    [Fact]
    public async Task Restart_KeepsModelsVersionsAliasesRunsAndInvocationHistory()
    {
        var instance = $"restart-{Guid.NewGuid():N}"[..20];
        var model = RegistryTests.UniqueModel();
        var first = await RunnerHost.StartAsync(instanceName: instance);
        string trainedFirst;
        try
        {
            trainedFirst = (await InvokeCall.RunAsync(first.Client, "toy-trainer", InvokeCall.Parameters($$"""{"model_name": "{{model}}"}"""))).InvocationId;
            await InvokeCall.RunAsync(first.Client, "toy-trainer", InvokeCall.Parameters($$"""{"model_name": "{{model}}"}"""));
            await first.Registry.SetModelAliasAsync(new SetModelAliasRequest { Name = model, Alias = "champion", Version = 1 });
            await first.StopAsync();
        }
        catch
        {
            await first.DisposeAsync();
            throw;
        }

        await using var second = await RunnerHost.StartAsync(instanceName: instance, root: first.Root);

        var stored = await second.Registry.GetModelAsync(new GetModelRequest { Name = model });
        Assert.Equal((2, 1), (stored.LatestVersion, stored.Aliases["champion"]));
        Assert.Equal(2, (await second.Registry.ListRunsAsync(new ListRunsRequest { Experiment = "toy-trainer" })).Runs.Count);
        var history = await second.Client.GetInvocationAsync(new GetInvocationRequest { Id = trainedFirst });
        Assert.Equal(InvocationStatus.Succeeded, history.Status);
        Assert.Equal(model, history.Result.Data.Fields["model_name"].StringValue);
        var predicted = await InvokeCall.RunAsync(second.Client, "toy-predictor", InvokeCall.Parameters($$"""{"model_name": "{{model}}", "model_version": "@champion"}"""));
        Assert.Equal(trainedFirst, predicted.Events.Single(e => e.EventCase == InvokeEvent.EventOneofCase.Result).Result.Data.Fields["trained_by"].StringValue);
    }
}
