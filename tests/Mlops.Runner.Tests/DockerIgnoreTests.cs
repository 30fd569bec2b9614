using Mlops.Runner.Images;

namespace Mlops.Runner.Tests;

public sealed class DockerIgnoreTests
{
    [Theory]
    [InlineData("bin/Debug/app.dll")]
    [InlineData("src/obj/project.assets.json")]
    [InlineData(".git/HEAD")]
    public void Defaults_ExcludeBuildOutputsAndVcs(string path) =>
        Assert.True(new DockerIgnore(DockerIgnore.DefaultPatterns).IsExcluded(path));

    [Theory]
    [InlineData("*.md", "README.md", true)]
    [InlineData("*.md", "docs/README.md", false)]
    [InlineData("**/*.md", "docs/README.md", true)]
    [InlineData("data", "data/iris.csv", true)]
    [InlineData("/data", "data/iris.csv", true)]
    [InlineData("./data/", "data/iris.csv", true)]
    [InlineData("data", "metadata/x", false)]
    [InlineData("te?t.txt", "test.txt", true)]
    [InlineData("te?t.txt", "te/t.txt", false)]
    [InlineData("[ab].txt", "a.txt", true)]
    [InlineData("[^ab].txt", "a.txt", false)]
    [InlineData("[^ab].txt", "c.txt", true)]
    [InlineData("[!ab].txt", "!.txt", true)]
    [InlineData(@"\*.txt", "*.txt", true)]
    [InlineData(@"\*.txt", "a.txt", false)]
    [InlineData("# a comment", "# a comment", false)]
    [InlineData("a.(b)+", "a.(b)+", true)]
    public void Pattern_MatchesLikeTheDockerCli(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, new DockerIgnore([pattern]).IsExcluded(path));

    [Fact]
    public void Negation_ReincludesAndTheLastMatchWins()
    {
        var ignore = new DockerIgnore(["*.csv", "!keep.csv", "keep.csv.bak"]);

        Assert.True(ignore.IsExcluded("big.csv"));
        Assert.False(ignore.IsExcluded("keep.csv"));
        Assert.True(ignore.IsExcluded("keep.csv.bak"));
        Assert.True(new DockerIgnore(["!keep.csv", "*.csv"]).IsExcluded("keep.csv"));
    }

    [Fact]
    public void Negation_ReincludesAFileInsideAnExcludedFolder()
    {
        var ignore = new DockerIgnore(["data", "!data/keep.txt"]);

        Assert.True(ignore.HasExceptions);
        Assert.True(ignore.IsExcluded("data/big.bin"));
        Assert.False(ignore.IsExcluded("data/keep.txt"));
    }
}
