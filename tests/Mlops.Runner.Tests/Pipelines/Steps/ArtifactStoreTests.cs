using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Pipelines;

namespace Mlops.Runner.Tests.Pipelines.Steps;

/// <summary>The artifact store on a temp folder: put, reuse, read-only files, the budget's eviction and what holds spare.</summary>
public sealed class ArtifactStoreTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mlops-artifact-store-test-");
    private int _sources;

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Put_AFolder_StoresItUnderItsDigestWithReadOnlyFiles()
    {
        var store = Store();
        using var lease = store.Hold([]);

        var digest = await store.PutAsync("dataset", Source(("train.csv", 10), ("nested/test.csv", 5)), lease, CancellationToken.None);

        var folder = store.PathOf(digest);
        Assert.Equal(digest[ArtifactDigest.Prefix.Length..], Path.GetFileName(folder));
        Assert.Equal(digest, await ArtifactDigest.ComputeAsync(folder, CancellationToken.None));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(Path.Combine(folder, "nested", "test.csv")));
        }

        Assert.Equal([digest], lease.Digests);
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(folder)!, ".work-*"));
    }

    [Fact]
    public async Task Put_TheSameContentTwice_ReusesTheStoredArtifact()
    {
        var store = Store();
        using var lease = store.Hold([]);

        var first = await store.PutAsync("a", Source(("x", 3)), lease, CancellationToken.None);
        var second = await store.PutAsync("b", Source(("x", 3)), lease, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Single(Directory.GetDirectories(Path.GetDirectoryName(store.PathOf(first))!));
    }

    [Fact]
    public async Task Put_ASourceWithALink_IsRefusedAndLeavesNothing()
    {
        var store = Store();
        using var lease = store.Hold([]);
        var source = Source(("x", 3));
        File.CreateSymbolicLink(Path.Combine(source, "passwd"), "/etc/passwd");

        var error = await Assert.ThrowsAsync<RunnerException>(() => store.PutAsync("dataset", source, lease, CancellationToken.None));

        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
        Assert.Contains("'dataset'", error.Message);
        Assert.Empty(Directory.GetDirectories(Path.Combine(_root.FullName, "data", ArtifactStore.Folder)));
    }

    [Fact]
    public async Task Put_OverTheBudget_EvictsTheLeastRecentlyUsedArtifactNoOneHolds()
    {
        var store = Store(budgetMb: 1);
        var time = DateTime.UtcNow;
        string oldest, used, held;
        using (var lease = store.Hold([]))
        {
            oldest = await store.PutAsync("a", Source(("a", 400_000)), lease, CancellationToken.None);
            used = await store.PutAsync("b", Source(("b", 400_000)), lease, CancellationToken.None);
            held = await store.PutAsync("c", Source(("c", 100_000)), lease, CancellationToken.None);
        }

        Directory.SetLastWriteTimeUtc(store.PathOf(held), time.AddMinutes(-30));
        Directory.SetLastWriteTimeUtc(store.PathOf(oldest), time.AddMinutes(-20));
        Directory.SetLastWriteTimeUtc(store.PathOf(used), time.AddMinutes(-10));
        using var holding = store.Hold([held]);
        using var newLease = store.Hold([]);
        var newest = await store.PutAsync("d", Source(("d", 400_000)), newLease, CancellationToken.None);

        Assert.False(store.ContainsAll([oldest]));
        Assert.True(store.ContainsAll([used, held, newest]));
    }

    [Fact]
    public async Task ContainsAll_WhatItFinds_CountsAsUsedNow()
    {
        var store = Store();
        string digest;
        using (var lease = store.Hold([]))
        {
            digest = await store.PutAsync("a", Source(("a", 10)), lease, CancellationToken.None);
        }

        var past = DateTime.UtcNow.AddHours(-1);
        Directory.SetLastWriteTimeUtc(store.PathOf(digest), past);

        Assert.True(store.ContainsAll([digest]));
        Assert.True(Directory.GetLastWriteTimeUtc(store.PathOf(digest)) > past.AddMinutes(30));
        Assert.False(store.ContainsAll([digest, "sha256:" + new string('0', 64)]));
    }

    [Fact]
    public void Hold_AnArtifactNotStored_IsNotFoundAndHoldsNothing()
    {
        var store = Store();

        var error = Assert.Throws<RunnerException>(() => store.Hold(["sha256:" + new string('1', 64)]));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task Stage_AStoredArtifact_PutsItsFilesInTheTargetAsTheyAre()
    {
        var store = Store();
        using var lease = store.Hold([]);
        var digest = await store.PutAsync("a", Source(("train.csv", 10), ("more/test.csv", 4)), lease, CancellationToken.None);
        var target = Path.Combine(_root.FullName, "input", "artifacts", "dataset");

        store.Stage(digest, target);

        Assert.Equal(digest, await ArtifactDigest.ComputeAsync(target, CancellationToken.None));
    }

    [Fact]
    public void New_LeftoversOfAPutACrashCut_AreRemoved()
    {
        var leftover = Directory.CreateDirectory(Path.Combine(_root.FullName, "data", ArtifactStore.Folder, ".work-0123"));
        File.WriteAllText(Path.Combine(leftover.FullName, "half"), "x");

        Store();

        Assert.False(leftover.Exists);
    }

    private ArtifactStore Store(int budgetMb = 64) => new(
        Options.Create(new RunnerOptions { DataPath = Path.Combine(_root.FullName, "data") }),
        Options.Create(new PipelineOptions { ArtifactsMb = budgetMb }),
        TimeProvider.System,
        NullLogger<ArtifactStore>.Instance);

    private string Source(params (string Path, int Bytes)[] files)
    {
        var folder = Path.Combine(_root.FullName, "sources", $"{_sources++}");
        foreach (var (relative, bytes) in files)
        {
            var path = Path.Combine(folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, Enumerable.Repeat((byte)relative.Length, bytes).ToArray());
        }

        return folder;
    }
}
