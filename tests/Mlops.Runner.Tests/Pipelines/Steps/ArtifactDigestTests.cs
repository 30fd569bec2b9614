using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Steps;

/// <summary>The digest that names an artifact: pinned, since a change would orphan every cached step.</summary>
public sealed class ArtifactDigestTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("mlops-artifact-digest-test-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Compute_TwoFilesInAFolderTree_IsTheDocumentedDigest()
    {
        Write("sub/b.bin", [0, 1, 2]);
        Write("a.txt", "hello"u8.ToArray());

        var digest = await ArtifactDigest.ComputeAsync(_folder.FullName, CancellationToken.None);

        // sha256 over ("a.txt" NUL "5" NUL sha256("hello")) ("sub/b.bin" NUL "3" NUL sha256(00 01 02)), computed apart from this code.
        Assert.Equal("sha256:a2f4152bd478eb3969d4a68685ed2304647db9f2673571c90300cdba7ae83632", digest);
    }

    [Fact]
    public async Task Compute_AnEmptyFolderOrOnlyEmptyFolders_IsTheDigestOfNothing()
    {
        Directory.CreateDirectory(Path.Combine(_folder.FullName, "empty"));

        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", await ArtifactDigest.ComputeAsync(_folder.FullName, CancellationToken.None));
    }

    [Fact]
    public async Task Compute_AFileRenamed_IsAnotherDigest()
    {
        Write("a.txt", "hello"u8.ToArray());
        var before = await ArtifactDigest.ComputeAsync(_folder.FullName, CancellationToken.None);
        File.Move(Path.Combine(_folder.FullName, "a.txt"), Path.Combine(_folder.FullName, "b.txt"));

        Assert.NotEqual(before, await ArtifactDigest.ComputeAsync(_folder.FullName, CancellationToken.None));
    }

    [Fact]
    public async Task Compute_ASymbolicLink_IsRefused()
    {
        File.CreateSymbolicLink(Path.Combine(_folder.FullName, "passwd"), "/etc/passwd");

        await Assert.ThrowsAsync<IOException>(() => ArtifactDigest.ComputeAsync(_folder.FullName, CancellationToken.None));
    }

    [Theory]
    [InlineData("sha256:a2f4152bd478eb3969d4a68685ed2304647db9f2673571c90300cdba7ae83632", true)]
    [InlineData("sha256:A2F4152BD478EB3969D4A68685ED2304647DB9F2673571C90300CDBA7AE83632", false)]
    [InlineData("sha256:../../etc", false)]
    [InlineData("a2f4152bd478eb3969d4a68685ed2304647db9f2673571c90300cdba7ae83632", false)]
    public void IsValid_Text_OnlySha256AndLowercaseHex(string text, bool valid) => Assert.Equal(valid, ArtifactDigest.IsValid(text));

    private void Write(string relative, byte[] content)
    {
        var path = Path.Combine(_folder.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }
}
