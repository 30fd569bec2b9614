using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Mlops.EndToEndTests.Hosting;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Mlops.EndToEndTests;

/// <summary>
/// Serving endpoints in Aspire's dashboard: each endpoint a resource with live state and its replicas as
/// children, and the commands an operator uses — each one the runner's API underneath.
/// </summary>
public sealed class ServingResourceTests(ServingFixture serving, ITestOutputHelper output) : IClassFixture<ServingFixture>
{
    [Fact]
    public async Task AnEndpoint_IsAResource_WithWhatItServes_AndItsReplicaAsAChild()
    {
        await serving.DeployAsync("shown");

        var endpoint = await serving.ResourceAsync("endpoint-shown", s => s.State?.Text == "Ready" && Equals(ServingFixture.Property(s, "replicas.ready"), 1));
        var replica = (await serving.RunnerEndpointAsync("shown"))!["replicas"]![0]!["id"]!.GetValue<string>();
        var child = await serving.ResourceAsync($"replica-{replica}", s => s.State?.Text == "Ready");

        Assert.Equal("ServingEndpoint", endpoint.ResourceType);
        Assert.Equal("2", ServingFixture.Property(endpoint, "endpoint.serving"));
        Assert.Equal(1, ServingFixture.Property(endpoint, "replicas.desired"));
        Assert.Equal("endpoint-shown", ServingFixture.Property(child, "resource.parentName"));
        Assert.Equal("2", ServingFixture.Property(child, "replica.modelVersion"));
        Assert.Equal(["scale", "roll-back", "drain", "delete"], endpoint.Commands.Select(c => c.Name));
    }

    [Fact]
    public async Task Scale_SetsTheEndpointsBounds_ThroughTheRunner_AndTheNewReplicasShow()
    {
        await serving.DeployAsync("scaled", min: 1, max: 3);
        await serving.ResourceAsync("endpoint-scaled", s => s.State?.Text == "Ready");

        var result = await ExecuteAsync("endpoint-scaled", "scale", ("minReplicas", "2"), ("maxReplicas", "3"));

        Assert.True(result.Success, result.Message);
        var endpoint = await serving.ResourceAsync("endpoint-scaled", s => Equals(ServingFixture.Property(s, "replicas.ready"), 2));
        Assert.Equal(("2-3", 2), (ServingFixture.Property(endpoint, "replicas.bounds"), ServingFixture.Property(endpoint, "replicas.desired")));
        Assert.Equal(2, (await serving.RunnerEndpointAsync("scaled"))!["minReplicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task Scale_WithBoundsTheRunnerRefuses_FailsSayingWhy()
    {
        await serving.DeployAsync("misscaled");
        await serving.ResourceAsync("endpoint-misscaled", s => s.State?.Text == "Ready");

        var result = await ExecuteAsync("endpoint-misscaled", "scale", ("minReplicas", "3"), ("maxReplicas", "2"));

        Assert.False(result.Success);
        Assert.StartsWith("InvalidArgument: ", result.Message);
        Assert.Equal(1, (await serving.RunnerEndpointAsync("misscaled"))!["minReplicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task RollBack_ServesTheVersionBeforeTheOneServed()
    {
        await serving.DeployAsync("rolled");
        await serving.ResourceAsync("endpoint-rolled", s => Equals(ServingFixture.Property(s, "endpoint.serving"), "2"));

        var result = await ExecuteAsync("endpoint-rolled", "roll-back");

        Assert.True(result.Success, result.Message);
        Assert.Contains("version 1 (was 2)", result.Message);
        await serving.ResourceAsync("endpoint-rolled", s => Equals(ServingFixture.Property(s, "endpoint.serving"), "1"));
        Assert.Equal("1", (await serving.RunnerEndpointAsync("rolled"))!["modelVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Drain_ScalesToZeroNow_AndTheReplicasLeaveTheDashboard()
    {
        await serving.DeployAsync("drained", min: 1, max: 2);
        await serving.ResourceAsync("endpoint-drained", s => s.State?.Text == "Ready");
        var replica = (await serving.RunnerEndpointAsync("drained"))!["replicas"]![0]!["id"]!.GetValue<string>();

        var result = await ExecuteAsync("endpoint-drained", "drain");

        Assert.True(result.Success, result.Message);
        await serving.ResourceAsync("endpoint-drained", s => s.State?.Text == "Scaled to zero");
        await serving.ResourceAsync($"replica-{replica}", s => s.IsHidden);
        Assert.Empty((await serving.RunnerEndpointAsync("drained"))!["replicas"]?.AsArray() ?? []);
    }

    [Fact]
    public async Task Delete_RemovesTheEndpointFromTheRunner_AndFromTheDashboard()
    {
        await serving.DeployAsync("deleted");
        await serving.ResourceAsync("endpoint-deleted", s => s.State?.Text == "Ready");

        var result = await ExecuteAsync("endpoint-deleted", "delete");

        Assert.True(result.Success, result.Message);
        var gone = await serving.ResourceAsync("endpoint-deleted", s => s.IsHidden);
        Assert.Equal("Deleted", gone.State?.Text);
        Assert.Null(await serving.RunnerEndpointAsync("deleted"));
    }

    [Fact]
    public async Task TheDashboard_InABrowser_ListsTheEndpointWithItsReplica()
    {
        await serving.DeployAsync("iris");
        await serving.ResourceAsync("endpoint-iris", s => s.State?.Text == "Ready");
        var profile = Directory.CreateTempSubdirectory("mlops-chromium-").FullName;
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(profile, Chromium.Options(new ViewportSize { Width = 1600, Height = 900 }));
            var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();

            await page.GotoAsync($"{serving.System.Dashboard}/login?t={serving.System.DashboardToken}");

            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "predict: iris_model latest" });
            await Expect(row.First).ToContainTextAsync("Ready", new() { Timeout = 60_000 });
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "model version 2" }).First).ToBeVisibleAsync();
            foreach (var service in new[] { "runner", "gateway", "nginx" })
            {
                await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = service }).First).ToContainTextAsync("Running");
            }

            var screenshot = Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard-serving-endpoint.png");
            Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            output.WriteLine($"screenshot: {screenshot}");
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    /// <summary>A command as the dashboard executes it: by resource id, with the inputs its dialog asked for.</summary>
    private async Task<ExecuteCommandResult> ExecuteAsync(string resourceId, string command, params (string Name, string Value)[] inputs)
    {
        var commands = serving.System.App.Services.GetRequiredService<ResourceCommandService>();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var arguments = new InteractionInputCollection(inputs.Select(i => new InteractionInput { Name = i.Name, Label = i.Name, InputType = InputType.Number, Value = i.Value }).ToList());
        return await commands.ExecuteCommandAsync(resourceId, command, arguments, bound.Token);
    }
}
