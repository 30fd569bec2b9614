using Mlops.Runner.Diagnostics;
using Mlops.Keys;

namespace Mlops.Runner.Keys;

/// <summary>
/// Makes the first admin key usable: the AppHost writes data/secrets/admin.key before the runner starts (a
/// runner started on its own writes it here), and the gateway's service key beside it. Each is added to the
/// store once; a key an admin has revoked stays revoked.
/// </summary>
public sealed class KeyBootstrap(KeyStore store, KeyOptions options, TimeProvider clock, ILogger<KeyBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var (admin, created) = KeyFiles.Ensure(options.AdminKeyPath());
        if (created)
        {
            logger.AdminKeyWritten(options.AdminKeyPath());
        }

        await store.ImportAsync(admin, "admin (first start)", Roles.Admin, clock.GetUtcNow(), cancellationToken);
        await store.ImportAsync(options.ServiceKey(), "gateway", Roles.Service, clock.GetUtcNow(), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
