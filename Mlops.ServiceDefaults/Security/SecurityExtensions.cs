using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Mlops.ServiceDefaults.Security;

public static class SecurityExtensions
{
    /// <summary>
    /// Every request needs a key (the fallback policy) unless its endpoint allows anonymous callers (health
    /// probes); <see cref="Permissions"/> become policies of the same names.
    /// </summary>
    /// <param name="defaultDataPath">Where keys.db lives unless Auth:DataPath says otherwise (read when first needed).</param>
    public static IHostApplicationBuilder AddApiKeyAuthentication(this IHostApplicationBuilder builder, Func<IConfiguration, string> defaultDataPath)
    {
        builder.Services.AddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var options = new AuthOptions { DataPath = defaultDataPath(configuration) };
            configuration.GetSection(AuthOptions.SectionName).Bind(options);
            options.DataPath = Path.GetFullPath(Path.Combine(sp.GetRequiredService<IHostEnvironment>().ContentRootPath, options.DataPath));
            return options;
        });
        builder.Services.AddSingleton(sp => new KeyStore(sp.GetRequiredService<AuthOptions>().DataPath));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<KeyVerifier>();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationResponses>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);

        var authorization = builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        foreach (var (permission, roles) in Permissions.RolesFor)
        {
            authorization.AddPolicy(permission, policy => policy.RequireRole(roles));
        }

        return builder;
    }

    /// <summary>The secret the gateway presents for its own calls to the runner.</summary>
    public static string ServiceKey(this AuthOptions options) =>
        KeyFiles.Ensure(Path.Combine(KeyFiles.SecretsPath(options.DataPath), KeyFiles.ServiceKeyFile)).Key;

    public static string AdminKeyPath(this AuthOptions options) =>
        Path.Combine(KeyFiles.SecretsPath(options.DataPath), KeyFiles.AdminKeyFile);
}
