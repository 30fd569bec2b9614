using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Mlops.Keys;
using Mlops.ServiceDefaults.Security;
using Mlops.V1;

namespace Mlops.Runner.Grpc;

/// <summary>API keys, for admins only; the store keeps hashes, so a secret is returned once, at creation.</summary>
[Authorize(Policy = Permissions.Admin)]
public sealed class KeysService(KeyStore store, TimeProvider clock) : V1.Keys.KeysBase
{
    private const int MaxNameLength = 100;

    public override async Task<CreatedKey> CreateKey(CreateKeyRequest request, ServerCallContext context)
    {
        if (request.Name.Length is 0 or > MaxNameLength || request.Name.Any(char.IsControl))
        {
            throw RunnerException.InvalidArgument("name", $"must be 1 to {MaxNameLength} printable characters");
        }

        if (!Roles.IsIssuable(request.Role))
        {
            throw RunnerException.InvalidArgument("role", $"must be one of: {string.Join(", ", Roles.Issuable)}");
        }

        var issued = await store.CreateAsync(request.Name, request.Role, clock.GetUtcNow(), context.CancellationToken);
        return new CreatedKey { Key = ToProto(issued.Record), Secret = issued.Secret };
    }

    public override async Task<ListKeysResponse> ListKeys(ListKeysRequest request, ServerCallContext context)
    {
        var response = new ListKeysResponse();
        response.Keys.AddRange((await store.ListAsync(context.CancellationToken)).Select(ToProto));
        return response;
    }

    public override async Task<ApiKey> RevokeKey(RevokeKeyRequest request, ServerCallContext context) =>
        await store.RevokeAsync(request.Id, clock.GetUtcNow(), context.CancellationToken) is { } revoked
            ? ToProto(revoked)
            : throw RunnerException.NotFound($"there is no key '{Bounded.Text(request.Id, Bounded.NameLength)}'");

    private static ApiKey ToProto(KeyRecord key)
    {
        var proto = new ApiKey { Id = key.Id, Name = key.Name, Role = key.Role, Hint = key.Hint, CreateTime = Timestamp.FromDateTimeOffset(key.Created) };
        if (key.Revoked is { } revoked)
        {
            proto.RevokeTime = Timestamp.FromDateTimeOffset(revoked);
        }

        return proto;
    }
}
