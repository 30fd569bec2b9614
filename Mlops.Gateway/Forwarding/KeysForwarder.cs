using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Mlops.ServiceDefaults.Security;
using Mlops.V1;

namespace Mlops.Gateway.Forwarding;

/// <summary>The Keys service as REST/JSON (POST/GET /v1/keys, DELETE /v1/keys/{id}), forwarded to the runner.</summary>
[Authorize(Policy = Permissions.Admin)]
public sealed class KeysForwarder(V1.Keys.KeysClient keys) : V1.Keys.KeysBase
{
    public override Task<CreatedKey> CreateKey(CreateKeyRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => keys.CreateKeyAsync(request, Relay.Options(context)).ResponseAsync);

    public override Task<ListKeysResponse> ListKeys(ListKeysRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => keys.ListKeysAsync(request, Relay.Options(context)).ResponseAsync);

    public override Task<ApiKey> RevokeKey(RevokeKeyRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => keys.RevokeKeyAsync(request, Relay.Options(context)).ResponseAsync);
}
