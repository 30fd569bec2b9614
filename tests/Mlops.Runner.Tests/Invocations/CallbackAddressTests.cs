using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mlops.Runner.Invocations;

namespace Mlops.Runner.Tests.Invocations;

/// <summary>Callbacks reach only the addresses they are allowed to, connect to those they checked, and follow no redirect.</summary>
public sealed class CallbackAddressTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("127.0.0.1", false, false, false)]
    [InlineData("127.0.0.1", true, false, true)]
    [InlineData("::1", true, false, true)]
    [InlineData("::ffff:127.0.0.1", false, false, false)]
    [InlineData("10.1.2.3", false, false, false)]
    [InlineData("192.168.1.1", false, true, true)]
    [InlineData("172.20.0.5", false, true, true)]
    [InlineData("169.254.169.254", true, true, false)]
    [InlineData("fe80::1", true, true, false)]
    [InlineData("0.0.0.0", true, true, false)]
    [InlineData("224.0.0.1", true, true, false)]
    [InlineData("93.184.216.34", false, false, true)]
    public void Refusal_ByAddressAndSettings_AllowsOnlyWhatIsConfigured(string address, bool loopback, bool privateNetworks, bool allowed)
    {
        var options = new RunnerOptions { AllowLoopbackCallbacks = loopback, AllowPrivateCallbacks = privateNetworks };

        Assert.Equal(allowed, CallbackAddresses.Refusal(IPAddress.Parse(address), options) is null);
    }

    [Fact]
    public void Validate_LoopbackByDefault_IsRefusedNamingTheField()
    {
        var callbacks = Callbacks(new RunnerOptions());

        var refused = Assert.Throws<RunnerException>(() => callbacks.Validate("http://127.0.0.1:9/done"));

        Assert.Equal("callback_url", Assert.Single(refused.Violations).Field);
        Assert.Contains("AllowLoopbackCallbacks", refused.Message);
        Assert.Throws<RunnerException>(() => callbacks.Validate("http://localhost:9/done"));
    }

    [Theory]
    [InlineData("http://93.184.216.34/hook")]
    [InlineData("http://example.com/hook")]
    public void Validate_APublicHostNotListed_IsRefused(string url)
    {
        var callbacks = Callbacks(new RunnerOptions { AllowLoopbackCallbacks = true, CallbackHosts = ["hooks.example.org"] });

        var refused = Assert.Throws<RunnerException>(() => callbacks.Validate(url));

        Assert.Contains("Runner:CallbackHosts", refused.Message);
        Assert.NotNull(callbacks.Validate("https://hooks.example.org/done?token=t"));
    }

    [Fact]
    public void Validate_LoopbackWhenConfigured_IsAccepted()
    {
        var callbacks = Callbacks(new RunnerOptions { AllowLoopbackCallbacks = true });

        Assert.NotNull(callbacks.Validate("http://127.0.0.1:9/done"));
        Assert.NotNull(callbacks.Validate("http://localhost:9/done"));
    }

    [Fact]
    public async Task Connect_AnAllowedNameThatResolvesToLoopback_IsRefusedAtConnection()
    {
        // The name passes the check of names; its address, resolved when connecting, does not.
        await using var server = await HookServer.StartAsync(HttpStatusCode.NoContent);
        var options = new RunnerOptions { CallbackHosts = ["localhost"] };
        using var http = new HttpClient(CallbackAddresses.CreateHandler(options));

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync($"http://localhost:{server.Port}/done", new StringContent("{}")).WaitAsync(Bound));

        Assert.Contains("loopback", refused.Message);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task Notify_ARedirect_IsNotFollowed()
    {
        await using var target = await HookServer.StartAsync(HttpStatusCode.NoContent);
        await using var redirecting = await HookServer.StartAsync(HttpStatusCode.TemporaryRedirect, location: $"http://127.0.0.1:{target.Port}/elsewhere");
        var callbacks = Callbacks(new RunnerOptions { AllowLoopbackCallbacks = true });

        await callbacks.NotifyAsync(new Uri($"http://127.0.0.1:{redirecting.Port}/done"), Record(), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(1, redirecting.Requests);
        Assert.Equal(0, target.Requests);
    }

    [Fact]
    public async Task Notify_Refused_LogsTheUrlWithoutItsQuery()
    {
        await using var server = await HookServer.StartAsync(HttpStatusCode.InternalServerError);
        var logs = new ListLogger();
        var options = Options.Create(new RunnerOptions { AllowLoopbackCallbacks = true });
        var callbacks = new InvocationCallbacks(new CallbackClients(options.Value), options, logs);

        await callbacks.NotifyAsync(new Uri($"http://127.0.0.1:{server.Port}/done?token=s3cret#frag"), Record(), CancellationToken.None).WaitAsync(Bound);

        var line = Assert.Single(logs.Lines);
        Assert.Contains($"http://127.0.0.1:{server.Port}/done", line);
        Assert.DoesNotContain("s3cret", line);
    }

    private static InvocationCallbacks Callbacks(RunnerOptions options) =>
        new(new CallbackClients(options), Options.Create(options), NullLogger<InvocationCallbacks>.Instance);

    private static InvocationRecord Record() => new(
        "0123456789abcdef0123456789abcdef", "echo", InvocationStatus.Succeeded, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
        null, 0, InvocationPhases.Zero, new InvocationResult([], [], new JsonObject()), null, null, "");

    /// <summary>The runner's own callback handler, as the host configures it.</summary>
    private sealed class CallbackClients(RunnerOptions options) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(CallbackAddresses.CreateHandler(options));
    }

    private sealed class ListLogger : ILogger<InvocationCallbacks>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception) + string.Join(" ", (state as IEnumerable<KeyValuePair<string, object?>> ?? []).Select(p => $"{p.Key}={p.Value}")));
    }
}
