using System.Formats.Tar;
using System.Text;
using Mlops.Runner.Containers.Swarm;

namespace Mlops.Runner.Tests.Containers.Swarm;

public sealed class TaskFilesTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mlops-taskfiles-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Pack_ALargeFolder_CutsItsTarIntoConfigSizedPiecesThatJoinBackToIt()
    {
        var folder = _root.CreateSubdirectory("in");
        var model = new byte[1_200_000];
        Random.Shared.NextBytes(model);
        await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "params.json"), "{\"a\": 1}"u8.ToArray());
        Directory.CreateDirectory(Path.Combine(folder.FullName, "model"));
        await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "model", "model.zip"), model);

        var pieces = await TaskFiles.PackAsync(folder.FullName, 64L << 20, CancellationToken.None);

        Assert.Equal(3, pieces.Count);
        Assert.All(pieces, piece => Assert.InRange(piece.Length, 1, TaskFiles.PieceBytes));
        var target = _root.CreateSubdirectory("out").FullName;
        await TarFile.ExtractToDirectoryAsync(new MemoryStream(pieces.SelectMany(p => p).ToArray()), target, overwriteFiles: false);
        Assert.Equal(model, await File.ReadAllBytesAsync(Path.Combine(target, "model", "model.zip")));
        Assert.Equal("{\"a\": 1}", await File.ReadAllTextAsync(Path.Combine(target, "params.json")));
    }

    [Fact]
    public async Task Pack_MoreThanTheLimit_IsRefusedNamingTheSetting()
    {
        var folder = _root.CreateSubdirectory("in");
        await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "big"), new byte[2 << 20]);

        var refused = await Assert.ThrowsAsync<RunnerException>(() => TaskFiles.PackAsync(folder.FullName, 1 << 20, CancellationToken.None));

        Assert.Equal(ErrorKind.FailedPrecondition, refused.Kind);
        Assert.Contains("Swarm:MaxInputMb", refused.Message);
    }

    [Fact]
    public void FindOutput_TakesTheLastBlockWithItsOwnNonce_AndSaysWhereItIs()
    {
        var tar = Encoding.ASCII.GetBytes("pretend this is a tar");
        var forged = $"{TaskFiles.BeginLine("other")}\n{Convert.ToBase64String("forged"u8)}\n{TaskFiles.EndLine("other")}\n";
        var early = $"{TaskFiles.BeginLine("n1")}\n{Convert.ToBase64String("early"u8)}\n{TaskFiles.EndLine("n1")}\n";
        var block = $"{TaskFiles.BeginLine("n1")}\n{Wrapped(Convert.ToBase64String(tar))}{TaskFiles.EndLine("n1")}\n";
        var stdout = Encoding.ASCII.GetBytes("line one\n" + forged + early + "last line\n" + block);

        var found = TaskFiles.FindOutput(stdout, "n1");

        Assert.NotNull(found);
        Assert.Equal(tar, found.Value.Tar);
        Assert.Equal("line one\n" + forged + early + "last line\n", Encoding.ASCII.GetString(stdout[..found.Value.Start]));
        Assert.Equal(stdout.Length, found.Value.End);
    }

    [Fact]
    public void FindOutput_ABlockCutShort_IsNone()
    {
        var stdout = Encoding.ASCII.GetBytes($"{TaskFiles.BeginLine("n1")}\nAAAA\n");

        Assert.Null(TaskFiles.FindOutput(stdout, "n1"));
    }

    [Fact]
    public async Task Unpack_KeepsFilesAndFoldersOnly_AndNothingOutsideTheFolder()
    {
        using var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "./model/"));
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "./model/weights.txt") { DataStream = new MemoryStream("w"u8.ToArray()) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "./.hidden") { DataStream = new MemoryStream("h"u8.ToArray()) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "./secret") { LinkName = "/etc/shadow" });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "./hard") { LinkName = "/etc/passwd" });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "../escaped") { DataStream = new MemoryStream("x"u8.ToArray()) });
        }

        var target = _root.CreateSubdirectory("out").FullName;

        var skipped = await TaskFiles.UnpackAsync(tar.ToArray(), target, maxBytes: 1 << 20, maxFiles: 100, CancellationToken.None);

        Assert.Equal(["./secret", "./hard", "../escaped"], skipped);
        Assert.Equal("w", await File.ReadAllTextAsync(Path.Combine(target, "model", "weights.txt")));
        Assert.Equal("h", await File.ReadAllTextAsync(Path.Combine(target, ".hidden")));
        Assert.False(File.Exists(Path.Combine(_root.FullName, "escaped")));
        Assert.Equal(["model", ".hidden"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName).Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public async Task Unpack_PastTheOutputLimits_LeavesTheRestOut()
    {
        using var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            for (var i = 0; i < 5; i++)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"f{i}") { DataStream = new MemoryStream(new byte[100]) });
            }
        }

        var target = _root.CreateSubdirectory("out").FullName;

        var skipped = await TaskFiles.UnpackAsync(tar.ToArray(), target, maxBytes: 250, maxFiles: 100, CancellationToken.None);

        Assert.Equal(["f2", "f3", "f4"], skipped);
        Assert.Equal(2, Directory.GetFiles(target).Length);
    }

    [Fact]
    public void Script_UnpacksEachInput_CapsFileSizes_RunsTheFunction_ThenPrintsTheOutputAndKeepsItsExitCode()
    {
        var script = TaskFiles.Script(["/mlops/input"], "/mlops/output", "abc", maxFileBytes: 1 << 20);

        Assert.Equal(
            $"cat {TaskFiles.PiecesRoot}/0/* | tar -x -f - -C /mlops/input || exit 125\n" +
            "ulimit -f 2048\n\"$@\"\ncode=$?\n" +
            "echo 'mlops-output abc'\ntar -c -f - -C /mlops/output . | base64\necho 'mlops-output-end abc'\nexit $code\n",
            script);
    }

    [Fact]
    public void Script_WithoutAnOutput_LetsTheFunctionTakeTheShellsPlace_SoThatAStopReachesIt()
    {
        var script = TaskFiles.Script(["/mlops/input/model"], output: null, "abc", maxFileBytes: 1 << 20);

        Assert.EndsWith("ulimit -f 2048\nexec \"$@\"\n", script);
        Assert.DoesNotContain("mlops-output", script);
    }

    private static string Wrapped(string base64) => string.Concat(base64.Chunk(76).Select(line => new string(line) + "\n"));
}
