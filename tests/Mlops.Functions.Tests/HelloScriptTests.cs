using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Mlops.Functions.Tests;

/// <summary>
/// functions/hello/hello.sh, the shell example of the contract, run under sh as its image runs it. Its paths are
/// absolute (/mlops/...), so the test runs a copy with that prefix moved to a temp folder: nothing else changes.
/// </summary>
public sealed class HelloScriptTests : IDisposable
{
    private const string Nonce = "9f86d081884c7d659a2feaa0c55ad015";

    private readonly string _root = Directory.CreateTempSubdirectory("mlops-hello-tests-").FullName;
    private readonly string _script;
    private readonly string _fifo;

    public HelloScriptTests()
    {
        var mlops = Path.Combine(_root, "mlops") + "/";
        Directory.CreateDirectory(Path.Combine(mlops, "input"));
        Directory.CreateDirectory(Path.Combine(mlops, "output"));
        _script = Path.Combine(_root, "hello.sh");
        File.WriteAllText(_script, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions", "hello.sh")).Replace("/mlops/", mlops));
        _fifo = Fifo.Make(Path.Combine(mlops, "input", ".handover"));
    }

    private string Parameters => Path.Combine(_root, "mlops", "input", "params.json");

    private string Result => Path.Combine(_root, "mlops", "output", "result.json");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Pooled_LineHandedOver_GreetsThenEndsWithTheMarkerOnBothStreams()
    {
        var run = RunAsync(("MLOPS_HANDOVER", _fifo));
        await using (var runner = await Fifo.OpenWriterAsync(_fifo).WaitAsync(Fifo.Bounded))
        {
            // The script is waiting on the pipe: its parameters are staged only now, as the runner stages them.
            await File.WriteAllTextAsync(Parameters, """{"name": "ada"}""");
            runner.Write(Encoding.UTF8.GetBytes($"inv-7 - {Nonce}\n"));
        }

        Assert.Equal((0, $"hello, ada (invocation inv-7)\nmlops-done {Nonce} 0\n", $"mlops-done {Nonce} 0\n"), await run);
        Assert.Equal("hello, ada", JsonNode.Parse(File.ReadAllText(Result))!["data"]!["greeting"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pooled_ReleasedUnused_ExitsZeroSilently()
    {
        var run = RunAsync(("MLOPS_HANDOVER", _fifo));

        await Fifo.WriteAsync(_fifo).WaitAsync(Fifo.Bounded);

        Assert.Equal((0, "", ""), await run);
        Assert.False(File.Exists(Result));
    }

    [Fact]
    public async Task Pooled_CommandFails_EndsWithTheMarkerCarryingItsExitCode()
    {
        // No params.json: sed fails, and set -e ends the script with sed's code.
        var run = RunAsync(("MLOPS_HANDOVER", _fifo));

        await Fifo.WriteAsync(_fifo, $"inv-7 - {Nonce}\n").WaitAsync(Fifo.Bounded);

        var (exit, stdout, stderr) = await run;
        Assert.NotEqual(0, exit);
        Assert.Equal($"mlops-done {Nonce} {exit}\n", stdout);
        Assert.EndsWith($"No such file or directory\nmlops-done {Nonce} {exit}\n", stderr);
    }

    [Fact]
    public async Task Pooled_MalformedLine_FailsWithoutMarker()
    {
        var run = RunAsync(("MLOPS_HANDOVER", _fifo));

        await Fifo.WriteAsync(_fifo, "inv-7 -\n").WaitAsync(Fifo.Bounded);

        var (exit, stdout, stderr) = await run;
        Assert.Equal((1, ""), (exit, stdout));
        Assert.StartsWith("malformed hand-over line", stderr);
    }

    [Fact]
    public async Task Pooled_NoPipe_FailsInsteadOfLookingReleased()
    {
        var (exit, _, stderr) = await RunAsync(("MLOPS_HANDOVER", Path.Combine(_root, "missing")));

        Assert.Equal(1, exit);
        Assert.StartsWith("no hand-over pipe at", stderr);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Cold_GreetsWithoutMarker(string? handover)
    {
        await File.WriteAllTextAsync(Parameters, """{"name": "ada"}""");

        Assert.Equal((0, "hello, ada (invocation inv-3)\n", ""), await RunAsync(("MLOPS_HANDOVER", handover), ("MLOPS_INVOCATION_ID", "inv-3")));
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params (string Name, string? Value)[] environment)
    {
        var start = new ProcessStartInfo("sh", [_script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var name in new[] { "MLOPS_HANDOVER", "MLOPS_INVOCATION_ID", "TRACEPARENT" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var sh = Process.Start(start)!;
        var stdout = sh.StandardOutput.ReadToEndAsync();
        var stderr = sh.StandardError.ReadToEndAsync();
        using var bounded = new CancellationTokenSource(Fifo.Bounded);
        try
        {
            await sh.WaitForExitAsync(bounded.Token);
        }
        finally
        {
            if (!sh.HasExited)
            {
                sh.Kill();
            }
        }

        return (sh.ExitCode, await stdout, await stderr);
    }
}
