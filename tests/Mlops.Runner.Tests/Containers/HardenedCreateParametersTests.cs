using Mlops.Runner.Containers;

namespace Mlops.Runner.Tests.Containers;

public sealed class HardenedCreateParametersTests
{
    [Fact]
    public void For_AnyContainer_CapsTheEnginesOwnLog()
    {
        var spec = new ContainerSpec("echo", "0123abcd", "mlops/echo:1", [], 128, 1.0, new Dictionary<string, string>());

        var parameters = HardenedCreateParameters.For(spec, new ContainerOptions { EngineLogMaxMb = 7 }, "test");

        Assert.Equal("json-file", parameters.HostConfig.LogConfig.Type);
        Assert.Equal("7m", parameters.HostConfig.LogConfig.Config["max-size"]);
        Assert.Equal("1", parameters.HostConfig.LogConfig.Config["max-file"]);
    }

    [Fact]
    public void For_AnyContainer_CapsEveryFileItWritesAtTheOutputLimit()
    {
        var spec = new ContainerSpec("echo", "0123abcd", "mlops/echo:1", [], 128, 1.0, new Dictionary<string, string>());

        var parameters = HardenedCreateParameters.For(spec, new ContainerOptions { MaxOutputMb = 3 }, "test");

        var fsize = Assert.Single(parameters.HostConfig.Ulimits);
        Assert.Equal(("fsize", 3L * 1024 * 1024, 3L * 1024 * 1024), (fsize.Name, fsize.Soft, fsize.Hard));
    }
}
