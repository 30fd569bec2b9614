extern alias runner;

using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using runner::Mlops.Runner.Diagnostics;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests;

[Collection(RunnerCollection.Name)]
public sealed class ImageBuildTests(RunnerFixture fixture)
{
    private static readonly TimeSpan BuildBound = TimeSpan.FromMinutes(3);

    private RunnerHost Host => fixture.Host;

    [Fact]
    public async Task BuildImage_TenConcurrentCallersOfAMissingImage_ShareExactlyOneBuild()
    {
        var name = Host.AddUniqueFunction("echo", "single-flight");
        using var builds = new BuildSpans($"build {name}");
        try
        {
            var calls = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => BuildAsync(name))));

            Assert.Equal(1, builds.Count);
            Assert.All(calls, events => Assert.NotNull(events.LastOrDefault()?.Completed));
            Assert.Single(calls.Select(events => events.Last().Completed.ImageId).Distinct());
            // Every caller that waited for the build saw its output from the first line.
            Assert.All(calls.Where(events => !events.Last().Completed.CacheHit),
                events => Assert.Contains(events, e => e.EventCase == BuildEvent.EventOneofCase.Log && e.Log.Line.StartsWith("Step 1/")));
        }
        finally
        {
            await Host.RemoveImagesOfAsync(name);
        }
    }

    [Fact]
    public async Task BuildImage_UnchangedContentIsACacheHit_ChangedContentRebuilds()
    {
        var name = Host.AddUniqueFunction("echo", "digest");
        try
        {
            var first = (await BuildAsync(name)).Last().Completed;
            var again = (await BuildAsync(name)).Last().Completed;
            // Build outputs (bin/, obj/) are not part of the content.
            Directory.CreateDirectory(Path.Combine(Host.FunctionsDirectory, name, "bin"));
            await File.WriteAllTextAsync(Path.Combine(Host.FunctionsDirectory, name, "bin", "ignored.txt"), "x");
            var withIgnoredFile = (await BuildAsync(name)).Last().Completed;
            await File.AppendAllTextAsync(Path.Combine(Host.FunctionsDirectory, name, "run.sh"), "\n# a change\n");
            var changed = (await BuildAsync(name)).Last().Completed;

            Assert.False(first.CacheHit);
            Assert.True(again.CacheHit);
            Assert.Equal(first.Image, again.Image);
            Assert.True(withIgnoredFile.CacheHit);
            Assert.False(changed.CacheHit);
            Assert.NotEqual(first.Image, changed.Image);
            Assert.True(changed.SizeBytes > 0);
        }
        finally
        {
            await Host.RemoveImagesOfAsync(name);
        }
    }

    [Fact]
    public async Task BuildImage_MultiStage_KeepsOnlyTheNewestBuildStage()
    {
        var name = Host.AddUniqueFunction("multi-stage", "stages");
        try
        {
            await BuildAsync(name);
            await File.WriteAllTextAsync(Path.Combine(Host.FunctionsDirectory, name, "nonce.txt"), "changed");
            var rebuilt = (await BuildAsync(name)).Last().Completed;
            var call = await InvokeCall.RunAsync(Host.Client, name);

            Assert.False(rebuilt.CacheHit);
            Assert.Single(await Host.ImagesOfAsync(name, buildStages: true));
            Assert.Equal(2, (await Host.ImagesOfAsync(name)).Count);
            Assert.Contains(call.Logs, l => l.Line == "changed");
        }
        finally
        {
            await Host.RemoveImagesOfAsync(name);
        }
    }

    [Fact]
    public async Task Invoke_BrokenBuild_IsFailedPreconditionWithTheFailingStepAndIsNotCached()
    {
        using var builds = new BuildSpans("build broken-build");

        var first = await InvokeCall.RunAsync(Host.Client, "broken-build");
        var second = await InvokeCall.RunAsync(Host.Client, "broken-build");

        Assert.Equal(StatusCode.FailedPrecondition, first.Error?.StatusCode);
        Assert.Contains("returned a non-zero code: 7", first.Error!.Status.Detail);
        Assert.Contains("about to fail", first.Error.Status.Detail);
        Assert.Contains(first.Events, e => e.EventCase == InvokeEvent.EventOneofCase.BuildLog && e.BuildLog.Line.Contains("about to fail"));
        Assert.Equal(InvocationStatus.Failed, first.Completed.Status);
        Assert.Equal("FAILED_PRECONDITION", first.Completed.ErrorCode);
        Assert.Equal(StatusCode.FailedPrecondition, second.Error?.StatusCode);
        Assert.Equal(2, builds.Count);
    }

    private async Task<List<BuildEvent>> BuildAsync(string function)
    {
        using var call = Host.Client.BuildImage(new BuildImageRequest { Function = function }, deadline: DateTime.UtcNow + BuildBound);
        var events = new List<BuildEvent>();
        await foreach (var item in call.ResponseStream.ReadAllAsync())
        {
            events.Add(item);
        }

        return events;
    }

    /// <summary>Counts the runner's build spans with one name while it lives.</summary>
    private sealed class BuildSpans : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentBag<string> _seen = [];

        public BuildSpans(string spanName)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == RunnerTelemetry.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStarted = activity =>
                {
                    if (activity.DisplayName == spanName)
                    {
                        _seen.Add(activity.Id!);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public int Count => _seen.Count;

        public void Dispose() => _listener.Dispose();
    }
}
