using Microsoft.Extensions.Configuration;
using Mlops.Runner.Containers;

namespace Mlops.Runner.Tests.Containers;

public sealed class EngineAddressFallbackTests
{
    [Fact]
    public void PostConfigure_OnlyTheOldKeySet_ReadsTheOldKey()
    {
        var options = new ContainerOptions();

        Fallback(new() { [EngineAddressFallback.OldKey] = "unix:///old/docker.sock" }).PostConfigure(null, options);

        Assert.Equal("unix:///old/docker.sock", options.EngineAddress);
    }

    [Fact]
    public void PostConfigure_BothKeysSet_KeepsTheNewKey()
    {
        var options = new ContainerOptions { EngineAddress = "unix:///new/docker.sock" };

        Fallback(new() { [EngineAddressFallback.OldKey] = "unix:///old/docker.sock" }).PostConfigure(null, options);

        Assert.Equal("unix:///new/docker.sock", options.EngineAddress);
    }

    [Fact]
    public void PostConfigure_NeitherKeySet_LeavesTheAddressEmpty()
    {
        var options = new ContainerOptions();

        Fallback([]).PostConfigure(null, options);

        Assert.True(string.IsNullOrEmpty(options.EngineAddress));
    }

    private static EngineAddressFallback Fallback(Dictionary<string, string?> settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
}
