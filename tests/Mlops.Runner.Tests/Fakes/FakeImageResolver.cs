using System.Runtime.CompilerServices;
using Mlops.Runner.Functions;
using Mlops.Runner.Images;

namespace Mlops.Runner.Tests.Fakes;

/// <summary>An image resolver that finds the image at once, or builds it, or fails the build, as the test says.</summary>
internal sealed class FakeImageResolver : IImageResolver
{
    /// <summary>Build lines to report before the image is ready; none means a cache hit.</summary>
    public List<string> BuildLines { get; } = [];

    public RunnerException? BuildFailure { get; set; }

    /// <summary>Functions whose folder cannot be built at all (no Dockerfile, say): describing them fails so.</summary>
    public Dictionary<string, RunnerException> Unbuildable { get; } = new(StringComparer.Ordinal);

    public Task<(string Tag, bool Exists)> DescribeAsync(FunctionManifest function, CancellationToken cancellationToken) =>
        Unbuildable.TryGetValue(function.Name, out var failure)
            ? Task.FromException<(string, bool)>(failure)
            : Task.FromResult((Tag(function), BuildLines.Count == 0));

    public async IAsyncEnumerable<ImageEvent> EnsureAsync(FunctionManifest function, bool measureLayers, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        var tag = Tag(function);
        if (BuildLines.Count > 0 || BuildFailure is not null)
        {
            yield return new ImageBuildStarted(tag);
            foreach (var line in BuildLines)
            {
                yield return new ImageBuildLine(line, DateTimeOffset.UtcNow);
            }
        }

        if (BuildFailure is { } failure)
        {
            throw failure;
        }

        yield return new ImageReady(tag, "sha256:feed", 1024, CacheHit: BuildLines.Count == 0, TimeSpan.FromMilliseconds(1));
    }

    private static string Tag(FunctionManifest function) => $"mlops.test/{function.Name}:0123456789abcdef";
}
