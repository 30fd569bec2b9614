using System.Formats.Tar;
using Mlops.Runner.Images;

namespace Mlops.Runner.Tests;

public sealed class BuildContextTests : IDisposable
{
    private static readonly Dictionary<string, string> NoArgs = [];
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("mlops-context-test-");

    public BuildContextTests()
    {
        Write("Dockerfile", "FROM scratch\n");
        Write("app/main.sh", "echo hi\n");
    }

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Scan_SameContent_SameDigest()
    {
        var first = await ScanAsync();
        File.SetLastWriteTimeUtc(Path.Combine(_folder.FullName, "app/main.sh"), DateTime.UtcNow.AddDays(-3));

        Assert.Equal(first.Digest, (await ScanAsync()).Digest);
    }

    [Fact]
    public async Task Scan_ChangedContentOrNewFileOrBuildArg_ChangesTheDigest()
    {
        var original = (await ScanAsync()).Digest;
        Write("app/main.sh", "echo hello\n");
        var edited = (await ScanAsync()).Digest;
        Write("app/extra.txt", "");
        var added = (await ScanAsync()).Digest;
        var otherBase = (await BuildContext.ScanAsync(_folder.FullName, new Dictionary<string, string> { ["DEBIAN_IMAGE"] = "sha256:1" }, long.MaxValue, CancellationToken.None)).Digest;

        Assert.Equal(4, new[] { original, edited, added, otherBase }.Distinct().Count());
    }

    [Fact]
    public async Task Scan_IgnoredFiles_DoNotChangeTheDigestAndStayOutOfTheTar()
    {
        var before = (await ScanAsync()).Digest;
        Write("bin/Debug/app.dll", "binary");
        Write(".dockerignore", "*.log\n");
        var withIgnore = await ScanAsync();
        Write("run.log", "noise");

        var after = await ScanAsync();

        Assert.NotEqual(before, withIgnore.Digest);
        Assert.Equal(withIgnore.Digest, after.Digest);
        Assert.Equal([".dockerignore", "Dockerfile", "app/main.sh"], await TarEntriesAsync(after));
    }

    [Fact]
    public async Task Scan_SymbolicLinks_AreNotFollowed()
    {
        File.CreateSymbolicLink(Path.Combine(_folder.FullName, "secrets"), "/etc");

        var context = await ScanAsync();

        Assert.DoesNotContain(context.Files, f => f.StartsWith("secrets", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scan_ExceptionRule_BringsBackOneFileOfAnExcludedFolder()
    {
        Write("data/big.bin", "x");
        Write("data/keep.txt", "y");
        Write(".dockerignore", "data\n!data/keep.txt\n");

        var context = await ScanAsync();

        Assert.Contains("data/keep.txt", context.Files);
        Assert.DoesNotContain("data/big.bin", context.Files);
    }

    [Fact]
    public async Task Scan_Fifo_DoesNotHang()
    {
        var fifo = Path.Combine(_folder.FullName, "pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
        }

        var context = await ScanAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("pipe", context.Files);
    }

    [Fact]
    public async Task WriteTar_FolderChangedSinceTheScan_IsFailedPrecondition()
    {
        var context = await ScanAsync();
        Write("app/main.sh", "echo changed\n");

        using var tar = new MemoryStream();
        var error = await Assert.ThrowsAsync<RunnerException>(() => context.WriteTarAsync(tar, CancellationToken.None));

        Assert.Contains("changed while its image was being built", error.Message);
    }

    [Fact]
    public async Task Scan_NoDockerfile_IsFailedPrecondition()
    {
        File.Delete(Path.Combine(_folder.FullName, "Dockerfile"));

        var error = await Assert.ThrowsAsync<RunnerException>(ScanAsync);

        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
    }

    [Fact]
    public async Task Scan_OverTheSizeLimit_IsFailedPrecondition()
    {
        Write("data.bin", new string('x', 4096));

        var error = await Assert.ThrowsAsync<RunnerException>(() => BuildContext.ScanAsync(_folder.FullName, NoArgs, 1024, CancellationToken.None));

        Assert.Contains(".dockerignore", error.Message);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task WriteTar_KeepsExecutableModes()
    {
        File.SetUnixFileMode(Path.Combine(_folder.FullName, "app/main.sh"), (UnixFileMode)0b111_101_101);

        using var tar = new MemoryStream();
        await (await ScanAsync()).WriteTarAsync(tar, CancellationToken.None);
        tar.Position = 0;
        using var reader = new TarReader(tar);
        TarEntry? entry;
        while ((entry = await reader.GetNextEntryAsync()) is not null && entry.Name != "app/main.sh")
        {
        }

        Assert.Equal((UnixFileMode)0b111_101_101, entry!.Mode);
        Assert.Equal(0, entry.Uid);
    }

    private Task<BuildContext> ScanAsync() => BuildContext.ScanAsync(_folder.FullName, NoArgs, long.MaxValue, CancellationToken.None);

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_folder.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private static async Task<List<string>> TarEntriesAsync(BuildContext context)
    {
        using var tar = new MemoryStream();
        await context.WriteTarAsync(tar, CancellationToken.None);
        tar.Position = 0;
        using var reader = new TarReader(tar);
        var names = new List<string>();
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }
}
