namespace Mlops.EndToEndTests.Containers;

/// <summary>
/// The tiny HTTP server of test-image/, built offline from the local Debian base image under a tag of its
/// own, and removed (with its layers) when the tests that use it are done.
/// </summary>
public sealed class TestHttpImage : IAsyncLifetime
{
    public const string BaseImage = "mlops.local/debian:bookworm-slim";

    public string Image { get; } = "mlops-apphost-test/http";

    public string Tag { get; } = Guid.NewGuid().ToString("N")[..12];

    public string Reference => $"{Image}:{Tag}";

    public async Task InitializeAsync()
    {
        var context = Path.Combine(RepositoryPaths.Root, "tests", "Mlops.EndToEndTests", "Containers", "test-image");
        var (exitCode, output) = await CommandLine.RunAsync("docker", "build", "-q", "--build-arg", $"BASE_IMAGE={BaseImage}", "-t", Reference, context);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"building the test image failed (its base, {BaseImage}, comes from scripts/bootstrap.sh):\n{output}");
        }
    }

    public async Task DisposeAsync()
    {
        var (exitCode, output) = await CommandLine.RunAsync("docker", "rmi", Reference);
        Assert.True(exitCode == 0, $"the test image {Reference} was not removed:\n{output}");
    }
}
