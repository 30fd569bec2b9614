namespace Mlops.Testing;

/// <summary>One runner shared by the tests of the <see cref="RunnerCollection"/>.</summary>
public sealed class RunnerFixture : IAsyncLifetime
{
    public RunnerHost Host { get; private set; } = null!;

    /// <summary>A gateway in front of <see cref="Host"/>, for the REST tests.</summary>
    public GatewayHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The callback tests listen on loopback, which callbacks reach only when allowed.
        Host = await RunnerHost.StartAsync(new Dictionary<string, string?> { ["Runner:AllowLoopbackCallbacks"] = "true" });
        try
        {
            Gateway = GatewayHost.Start(Host);
        }
        catch
        {
            // xunit does not call DisposeAsync when InitializeAsync fails.
            await Host.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RunnerCollection : ICollectionFixture<RunnerFixture>
{
    public const string Name = "runner";
}
