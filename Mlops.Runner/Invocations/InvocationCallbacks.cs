using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Mlops.Runner.Diagnostics;

namespace Mlops.Runner.Invocations;

/// <summary>
/// Tells an InvokeAsync caller's callback URL how its invocation ended: one POST of the invocation as JSON, no
/// retries, no redirect followed. Only to the hosts in <see cref="RunnerOptions.CallbackHosts"/> (and loopback when
/// allowed), connecting to the addresses checked by <see cref="CallbackAddresses"/>: the runner must not become a way
/// to reach any address its network does. A URL's query may carry a secret: logs get the URL without it.
/// </summary>
public sealed class InvocationCallbacks(IHttpClientFactory clients, IOptions<RunnerOptions> options, ILogger<InvocationCallbacks> logger)
{
    public const string ClientName = "invocation-callbacks";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <exception cref="RunnerException">InvalidArgument naming callback_url when it is not an allowed http(s) URL.</exception>
    public Uri? Validate(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw RunnerException.InvalidArgument("callback_url", "must be an absolute http(s) URL without credentials");
        }

        // An address written out is checked now; a name is checked again, by its addresses, when the callback connects.
        if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && CallbackAddresses.Refusal(address, options.Value) is { } why)
        {
            throw RunnerException.InvalidArgument("callback_url", $"{address} is {why}");
        }

        if (!(options.Value.AllowLoopbackCallbacks && uri.IsLoopback) && !options.Value.CallbackHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase))
        {
            throw RunnerException.InvalidArgument("callback_url", $"'{Bounded.Text(uri.Host, Bounded.NameLength)}' is not one of Runner:CallbackHosts");
        }

        return uri;
    }

    /// <summary>Posts the ended invocation once; a callback that fails or does not answer in 10 s is logged, not retried.</summary>
    public async Task NotifyAsync(Uri callback, InvocationRecord record, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            using var response = await clients.CreateClient(ClientName).PostAsJsonAsync(callback, Describe(record), RunnerJson.Default.JsonObject, limit.Token);
            if (!response.IsSuccessStatusCode)
            {
                logger.CallbackRefused(record.Id, WithoutQuery(callback), (int)response.StatusCode);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            logger.CallbackFailed(ex, record.Id, WithoutQuery(callback));
        }
    }

    /// <summary>Scheme, host, port and path: what a log may say of a callback URL.</summary>
    public static string WithoutQuery(Uri callback) => callback.GetLeftPart(UriPartial.Path);

    /// <summary>The invocation as a caller polling it sees it (GetInvocation's fields, snake_case).</summary>
    private static JsonObject Describe(InvocationRecord record) => new()
    {
        ["id"] = record.Id,
        ["function"] = record.Function,
        ["status"] = record.Status.ToString().ToUpperInvariant(),
        ["created_time"] = record.CreatedAt,
        ["end_time"] = record.EndedAt,
        ["exit_code"] = record.ExitCode,
        ["error_message"] = record.ErrorMessage,
        ["result"] = record.Result is { } result
            ? new JsonObject { ["metrics"] = result.Metrics.DeepClone(), ["params"] = result.Params.DeepClone(), ["data"] = result.Data.DeepClone() }
            : null,
    };
}
