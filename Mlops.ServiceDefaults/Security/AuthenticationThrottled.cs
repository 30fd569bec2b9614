namespace Mlops.ServiceDefaults.Security;

/// <summary>The failure an authentication carries when its client has had too many keys refused; answered 429.</summary>
public sealed class AuthenticationThrottled(TimeSpan retryAfter)
    : Exception("too many refused API keys from this client; retry later")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
