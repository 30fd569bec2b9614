using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Functions.Serving;

namespace Mlops.Functions.Tests;

/// <summary>The serving host for real: Kestrel on a unix socket in a temp folder, asked over HTTP.</summary>
public sealed class ReplicaServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(20);

    private readonly TempFunction _folder = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _server;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        var socket = Path.Combine(_folder.Root, "replica.sock");
        _server = ReplicaServer.RunAsync(new SumPredictor(), new ServingOptions(socket, "diabetes_model", "3"), _stop.Token);
        _client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await connection.ConnectAsync(new UnixDomainSocketEndPoint(socket), token);
                return new NetworkStream(connection, ownsSocket: true);
            },
        }) { BaseAddress = new Uri("http://replica"), Timeout = Bounded };
        using var waiting = new CancellationTokenSource(Bounded);
        while (!File.Exists(socket))
        {
            await Task.Delay(20, waiting.Token);
        }
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        await _stop.CancelAsync();
        await _server!.WaitAsync(Bounded);
        _stop.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Health_ModelLoaded_IsReady()
    {
        var answer = await _client!.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("""{"status":"ready"}""", await answer.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{"instances": [[1, 2], [3, 4.5]]}""")]
    [InlineData("""{"instances": [{"bmi": 2, "age": 1}, [3, 4.5]]}""")]
    public async Task Predict_Instances_AnswersPredictionsWithTheModelVersion(string body)
    {
        var answer = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("application/json", answer.Content.Headers.ContentType!.MediaType);
        Assert.Equal("""{"predictions":[3,7.5],"model_name":"diabetes_model","model_version":"3"}""", await answer.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{"instances": """, "the body is not valid JSON")]
    [InlineData("""[1, 2]""", "the body must be a JSON object")]
    [InlineData("""{"features": [1, 2]}""", "instances: give a list of instances, each 2 numbers (age, bmi)")]
    [InlineData("""{"instances": [[1, "x"]]}""", "instances[0][1] must be a number")]
    [InlineData("""{"instances": []}""", "instances is empty: give at least one patient")]
    public async Task Predict_WrongBody_Is400SayingWhatIsWrong(string body, string expected)
    {
        var answer = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        var error = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["error"]!.GetValue<string>();
        Assert.StartsWith(expected, error);
    }

    private Task<HttpResponseMessage> PostAsync(string body) =>
        _client!.PostAsync("/predict", new StringContent(body, Encoding.UTF8, "application/json"));

    /// <summary>A model that predicts the sum of a row: enough to see rows reach it and its answers come back.</summary>
    private sealed class SumPredictor : IPredictor
    {
        public Features Features { get; } = new(["age", "bmi"], "patient");

        public void Predict(IReadOnlyList<float[]> rows, Utf8JsonWriter writer)
        {
            writer.WriteStartArray();
            foreach (var row in rows)
            {
                writer.WriteNumberValue(row.Sum());
            }

            writer.WriteEndArray();
        }
    }
}
