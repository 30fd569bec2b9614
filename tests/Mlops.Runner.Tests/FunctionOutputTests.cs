using Mlops.Runner.Invocations;

namespace Mlops.Runner.Tests;

public sealed class FunctionOutputTests : IDisposable
{
    private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("mlops-output-test-");

    public void Dispose() => _output.Delete(recursive: true);

    [Fact]
    public async Task Read_ResultJson_SplitsItsThreeSections()
    {
        Write("result.json", """{"metrics": {"accuracy": 0.95}, "data": {"class": "setosa"}, "extra": 1}""");

        var output = await ReadAsync();

        Assert.Null(output.Error);
        Assert.Equal(0.95, output.Result!.Metrics["accuracy"]!.GetValue<double>());
        Assert.Empty(output.Result.Params);
        Assert.Equal("setosa", output.Result.Data["class"]!.GetValue<string>());
    }

    [Fact]
    public async Task Read_Nothing_IsNeitherResultNorError()
    {
        var output = await ReadAsync();

        Assert.Null(output.Result);
        Assert.Null(output.Error);
    }

    [Theory]
    [InlineData("""{"code": "INVALID_ARGUMENT", "message": "features: 3 given"}""", ErrorKind.InvalidArgument, "features: 3 given")]
    [InlineData("""{"code": "FAILED_PRECONDITION", "message": "train first"}""", ErrorKind.FailedPrecondition, "train first")]
    [InlineData("""{"code": "PERMISSION_DENIED", "message": "nope"}""", ErrorKind.FunctionFailed, "nope")]
    [InlineData("""{"code": "INVALID_ARGUMENT"}""", ErrorKind.InvalidArgument, "the function reported an error without a message")]
    [InlineData("""not json""", ErrorKind.FunctionFailed, "error.json: not valid JSON")]
    public async Task Read_ErrorJson_MapsOnlyTheCodesAFunctionMayReport(string json, ErrorKind kind, string message)
    {
        Write("error.json", json);

        var error = (await ReadAsync()).Error!;

        Assert.Equal(kind, error.Kind);
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public async Task Read_MalformedResult_IsAnError()
    {
        Write("result.json", "[1, 2]");

        var output = await ReadAsync();

        Assert.Null(output.Result);
        Assert.Equal("result.json: must hold a JSON object", output.Error!.Message);
    }

    [Fact]
    public async Task Read_ResultThatIsASymbolicLink_IsRefusedNotFollowed()
    {
        File.CreateSymbolicLink(Path.Combine(_output.FullName, "result.json"), "/etc/os-release");

        var output = await ReadAsync();

        Assert.Null(output.Result);
        Assert.Equal("result.json: is a symbolic link", output.Error!.Message);
    }

    [Fact]
    public async Task Read_ResultThatIsAFifo_DoesNotHang()
    {
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(_output.FullName, "result.json")))
        {
            await mkfifo.WaitForExitAsync();
        }

        var output = await ReadAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("result.json: not valid JSON", output.Error!.Message);
    }

    [Fact]
    public async Task Read_OversizedResult_IsAnError()
    {
        Write("result.json", "{\"data\": {\"blob\": \"" + new string('x', (int)FunctionOutput.MaxResultBytes) + "\"}}");

        var output = await ReadAsync();

        Assert.Null(output.Result);
        Assert.Contains("larger than", output.Error!.Message);
    }

    [Fact]
    public async Task Read_LongErrorMessage_IsTruncated()
    {
        Write("error.json", $$"""{"code": "INVALID_ARGUMENT", "message": "{{new string('m', 10_000)}}"}""");

        var error = (await ReadAsync()).Error!;

        Assert.Equal(FunctionOutput.MaxMessageLength + 3, error.Message.Length);
    }

    private Task<FunctionOutput> ReadAsync() => FunctionOutput.ReadAsync(_output.FullName, CancellationToken.None);

    private void Write(string name, string content) => File.WriteAllText(Path.Combine(_output.FullName, name), content);
}
