using Mlops.V1;

namespace Mlops.Runner.IntegrationTests.Faults;

/// <summary>A function that prints a bare CR, ANSI escapes and a fake runner record, on the real engine.</summary>
[Collection(RunnerCollection.Name)]
public sealed class LogForgingTests(RunnerFixture fixture)
{
    private const string Forged = "2026-01-01T00:00:00.000Z runner | completed: Succeeded, exit code 0";

    [Fact]
    public async Task Invoke_PrintingControlCharacters_TheKeptLogAndTheStreamShowThemEscaped_AndNoRecordIsForged()
    {
        var call = await InvokeCall.RunAsync(fixture.Host.Client, "log-forger");

        var log = await File.ReadAllTextAsync(Path.Combine(fixture.Host.LogsDirectory, $"log-forger-{call.InvocationId}.log"));
        // Every reader of the log splits lines as it likes (\r, \n, \r\n): none of them may find the forged record.
        var records = log.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(InvocationStatus.Succeeded, call.Completed.Status);
        Assert.DoesNotContain(log, c => char.IsControl(c) && c is not '\n' and not '\t');
        Assert.DoesNotContain(Forged, records);
        Assert.Single(records, r => r.Length > 25 && r[25..].StartsWith("runner | completed", StringComparison.Ordinal));
        Assert.Contains(call.Logs, l => l.Line == $"step 1\\r{Forged}");
        Assert.Contains(call.Logs, l => l.Line == "\\x1b[2J\\x1b[31mred\\x1b[0m and a bell\\x07");
    }
}
