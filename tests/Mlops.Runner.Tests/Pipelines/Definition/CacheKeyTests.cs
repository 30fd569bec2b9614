using System.Text.Json.Nodes;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Definition;

public sealed class CacheKeyTests
{
    private static readonly Dictionary<string, string> Artifacts = new() { ["dataset"] = "sha256:aa", ["labels"] = "sha256:bb" };

    [Fact]
    public void Compute_KeyOrderAndNumberSpelling_DoNotChangeTheKey()
    {
        var a = Parameters("""{ "n": 1, "rate": 0.5, "nested": { "x": [1, 2.0], "y": 1e2 } }""");
        var b = Parameters("""{ "nested": { "y": 100, "x": [1.0, 2] }, "rate": 5e-1, "n": 1.0 }""");
        var reordered = new Dictionary<string, string> { ["labels"] = "sha256:bb", ["dataset"] = "sha256:aa" };

        Assert.Equal(CacheKey.Compute("sha256:img", a, Artifacts), CacheKey.Compute("sha256:img", b, reordered));
        Assert.Equal(CacheKey.Canonical(a), CacheKey.Canonical(b));
        Assert.Matches("^sha256:[0-9a-f]{64}$", CacheKey.Compute("sha256:img", a, Artifacts));
    }

    [Fact]
    public void Compute_AnythingChanged_ChangesTheKey()
    {
        var parameters = Parameters("""{ "n": 1, "name": "x" }""");
        var key = CacheKey.Compute("sha256:img", parameters, Artifacts);

        string[] others =
        [
            CacheKey.Compute("sha256:img2", parameters, Artifacts),
            CacheKey.Compute("action:best", parameters, Artifacts),
            CacheKey.Compute("sha256:img", Parameters("""{ "n": 2, "name": "x" }"""), Artifacts),
            CacheKey.Compute("sha256:img", Parameters("""{ "n": 1, "name": "y" }"""), Artifacts),
            CacheKey.Compute("sha256:img", Parameters("""{ "n": 1, "name": "x", "seed": 1 }"""), Artifacts),
            CacheKey.Compute("sha256:img", Parameters("""{ "n": "1", "name": "x" }"""), Artifacts),
            CacheKey.Compute("sha256:img", parameters, new Dictionary<string, string> { ["dataset"] = "sha256:ab", ["labels"] = "sha256:bb" }),
            CacheKey.Compute("sha256:img", parameters, new Dictionary<string, string> { ["data"] = "sha256:aa", ["labels"] = "sha256:bb" }),
            CacheKey.Compute("sha256:img", parameters, new Dictionary<string, string> { ["dataset"] = "sha256:aa" }),
            CacheKey.Compute("sha256:img", parameters, Artifacts, extra: "iris_model/3"),
        ];

        Assert.All(others, other => Assert.NotEqual(key, other));
        Assert.Equal(others.Length, others.Distinct().Count());
    }

    [Fact]
    public void Compute_ExtraResolvedVersion_ChangesTheKeyWhenItMoves()
    {
        var parameters = Parameters("""{ "model": "iris_model", "version": "@champion" }""");

        Assert.NotEqual(
            CacheKey.Compute("action:deploy", parameters, new Dictionary<string, string>(), "3"),
            CacheKey.Compute("action:deploy", parameters, new Dictionary<string, string>(), "4"));
    }

    private static JsonObject Parameters(string json) => JsonNode.Parse(json)!.AsObject();
}
