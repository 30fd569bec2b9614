using Mlops.Runner.Functions;

namespace Mlops.Runner.Tests;

public sealed class ManifestReaderTests
{
    [Fact]
    public void Parse_MinimalManifest_HasDefaults()
    {
        var manifest = ManifestReader.Parse("hello", "/f/hello", "{}");

        Assert.Equal(TimeSpan.FromSeconds(ManifestReader.DefaultTimeoutSeconds), manifest.Timeout);
        Assert.Equal(ManifestReader.DefaultMemoryMb, manifest.MemoryMb);
        Assert.Equal(ManifestReader.DefaultCpus, manifest.Cpus);
        Assert.Empty(manifest.Parameters);
        Assert.Equal(ModelUsage.None, manifest.Model);
    }

    [Fact]
    public void Parse_FullManifest_ReadsEveryField()
    {
        var manifest = ManifestReader.Parse("train", "/f/train", """
            {
              // comments are allowed
              "description": "Trains",
              "timeoutSeconds": 600, "memoryMb": 1024, "cpus": 1.5,
              "model": { "produces": true, "name": "iris_model" },
              "parameters": { "seed": { "type": "integer", "default": 42, "description": "RNG seed" } },
            }
            """);

        Assert.Equal("Trains", manifest.Description);
        Assert.Equal(TimeSpan.FromMinutes(10), manifest.Timeout);
        Assert.Equal(1024, manifest.MemoryMb);
        Assert.Equal(1.5, manifest.Cpus);
        Assert.Equal(new ModelUsage(false, true, "iris_model"), manifest.Model);
        var seed = Assert.Single(manifest.Parameters);
        Assert.Equal(("seed", ParameterType.Integer, "RNG seed"), (seed.Name, seed.Type, seed.Description));
    }

    [Fact]
    public void Parse_PoolBlock_ReadsItsSizeAndTimes_WithDefaultsForWhatIsLeftOut()
    {
        var full = ManifestReader.Parse("hello", "/f/hello", """{"pool": {"max": 4, "idleSeconds": 30, "startupSeconds": 5}}""");
        var least = ManifestReader.Parse("hello", "/f/hello", """{"pool": {"max": 1}}""");

        Assert.Equal(new PoolSpec(4, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5)), full.Pool);
        Assert.Equal(new PoolSpec(1, null, TimeSpan.FromSeconds(PoolSpec.DefaultStartupSeconds)), least.Pool);
        Assert.Null(ManifestReader.Parse("hello", "/f/hello", "{}").Pool);
    }

    [Theory]
    [InlineData("""{"timeoutSecs": 5}""", "timeoutSecs: unknown key")]
    [InlineData("""{"timeoutSeconds": 0}""", "timeoutSeconds: must be between 1 and 86400")]
    [InlineData("""{"memoryMb": "lots"}""", "memoryMb: must be a number")]
    [InlineData("""{"parameters": {"x": {"type": "int"}}}""", "parameters.x.type: 'int' is not one of")]
    [InlineData("""{"parameters": {"x": {}}}""", "parameters.x.type: is required")]
    [InlineData("""{"parameters": {"x": {"type": "integer", "minimum": 1, "default": 0}}}""", "parameters.x.default: must be >= 1")]
    [InlineData("""{"parameters": {"x": {"type": "string", "colour": 1}}}""", "parameters.x.colour: unknown key")]
    [InlineData("""{"mode": "service"}""", "mode: 'service' is not supported yet")]
    [InlineData("""{"pool": {}}""", "pool.max: is required")]
    [InlineData("""{"pool": {"max": 65}}""", "pool.max: must be between 1 and 64")]
    [InlineData("""{"pool": {"max": 2, "idle": 5}}""", "pool.idle: unknown key")]
    [InlineData("""{"pool": {"max": 2, "idleSeconds": 0}}""", "pool.idleSeconds: must be between 1 and 86400")]
    [InlineData("""{"pool": 4}""", "pool: must be an object")]
    [InlineData("""[1, 2]""", "must hold a JSON object")]
    [InlineData("""{"description": """, "not valid JSON")]
    public void Parse_BrokenManifest_SaysWhichKeyIsWrong(string json, string expected)
    {
        var error = Assert.Throws<ManifestException>(() => ManifestReader.Parse("f", "/f", json));

        Assert.Contains(expected, error.Message);
    }
}
