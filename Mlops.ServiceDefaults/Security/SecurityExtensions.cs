using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Mlops.Keys;

namespace Mlops.ServiceDefaults.Security;

public static class SecurityExtensions
{
    /// <summary>
    /// Every request needs a key (the fallback policy) unless its endpoint allows anonymous callers (health
    /// probes); <see cref="Permissions"/> become policies of the same names.
    /// </summary>
    /// <param name="defaultDataPath">Where keys.db lives unless Auth:DataPath says otherwise.</param>
    public static IHostApplicationBuilder AddApiKeyAuthentication(this IHostApplicationBuilder builder, string defaultDataPath)
    {
        var options = new AuthOptions { DataPath = defaultDataPath };
        builder.Configuration.GetSection(AuthOptions.SectionName).Bind(options);
        options.Validate();
        options.DataPath = Path.GetFullPath(Path.Combine(builder.Environment.ContentRootPath, options.DataPath));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<KeyOptions>(options);
        builder.Services.AddSingleton(_ => new KeyStore(options.DataPath));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FailedAuthentications>();
        builder.Services.AddSingleton<KeyVerifier>();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationResponses>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        // AddAuthentication brings data protection (for cookies, which API keys never use) with a hosted service
        // that loads its key ring at start: System.Private.Xml, its crypto and a key file in ~/.aspnet, 3.4 MB of
        // the runner's idle RSS for nothing. Without it, data protection is still there, loaded on first use.
        foreach (var warmUp in builder.Services.Where(descriptor => descriptor.ServiceType == typeof(IHostedService)
                     && descriptor.ImplementationType?.Assembly == typeof(DataProtectionOptions).Assembly).ToList())
        {
            builder.Services.Remove(warmUp);
        }

        var authorization = builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        foreach (var (permission, roles) in Permissions.RolesFor)
        {
            authorization.AddPolicy(permission, policy => policy.RequireRole(roles));
        }

        return builder;
    }
}
