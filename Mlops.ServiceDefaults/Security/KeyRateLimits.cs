using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mlops.Keys;

namespace Mlops.ServiceDefaults.Security;

/// <summary>
/// Per-key limits, with ASP.NET Core's rate limiter: a token bucket of requests per second for every call,
/// and a cap on the invocations one key runs at once (the <see cref="InvocationsPolicy"/> policy). Both the
/// gateway and the runner apply them, since gRPC clients may reach the runner directly; the gateway's own
/// service key is exempt. Over a limit: 429 with Retry-After (gRPC: ResourceExhausted, retry-after header).
/// </summary>
public static class KeyRateLimits
{
    public const string SectionName = "RateLimits";
    public const string InvocationsPolicy = "invocations";

    public sealed class Options
    {
        /// <summary>Requests per second per key (with a burst of as many); predictions count too.</summary>
        public int RequestsPerSecond { get; set; } = 5_000;

        /// <summary>
        /// Invocations one key may have running or queued at once. By default near the runner's own capacity
        /// (slots + a queue of 32), so one user alone meets "at capacity" first; lower it to share a runner.
        /// </summary>
        public int ConcurrentInvocations { get; set; } = 32;
    }

    public static IHostApplicationBuilder AddKeyRateLimits(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SectionName).Get<Options>() ?? new Options();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = (context, cancellationToken) => new ValueTask(RejectAsync(context, cancellationToken));
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => KeyOf(context) is { } key
                ? RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.RequestsPerSecond,
                    TokensPerPeriod = Math.Max(1, options.RequestsPerSecond / 10),
                    ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter(""));
            limiter.AddPolicy(InvocationsPolicy, context => KeyOf(context) is { } key
                ? RateLimitPartition.GetConcurrencyLimiter(key, _ => new ConcurrencyLimiterOptions { PermitLimit = options.ConcurrentInvocations, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter(""));
        });
        return builder;
    }

    /// <summary>The key's id; null (no limit here) for anonymous calls, which only probes may make, and the service key.</summary>
    private static string? KeyOf(HttpContext context) =>
        context.User.IsInRole(Roles.Service) ? null : context.User.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim);

    private static Task RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var what = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == InvocationsPolicy
            ? "this key already runs as many invocations as it may (RateLimits:ConcurrentInvocations)"
            : "this key sends more requests per second than it may (RateLimits:RequestsPerSecond)";
        return EdgeErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, 8, "RESOURCE_EXHAUSTED", $"{what}; retry after {seconds} s");
    }
}
