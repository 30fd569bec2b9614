using Mlops.Keys;

namespace Mlops.ServiceDefaults.Security;

/// <summary>The <c>Auth</c> settings: the key store's, and what the services check at their edge besides keys.</summary>
public sealed class AuthOptions : KeyOptions
{
    /// <summary>Browser origins the gateway accepts besides its own host (e.g. https://mlops.example.com).</summary>
    public string[] AllowedOrigins { get; set; } = [];
}
