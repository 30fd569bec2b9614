using System.Net;

namespace Mlops.Runner.IntegrationTests.Faults;

/// <summary>Roles that mean what they say: a developer changes and deletes the endpoints their key created, an admin any.</summary>
public sealed class EndpointOwnershipTests
{
    [Fact]
    public async Task ADeveloper_MayUpdateAndDeleteOnlyTheirOwnEndpoints_AnAdminAny_OthersGet403Json()
    {
        await using var harness = await ServingHarness.StartAsync(new Dictionary<string, string?>());
        var (owner, other) = (await harness.KeyAsync("developer"), await harness.KeyAsync("developer"));
        var name = $"owned-{Guid.NewGuid():N}"[..14];
        var adminsOwn = name + "a";

        var created = await harness.PutAsync(owner, name, min: 0, max: 1);
        var updatedByOther = await harness.PutAsync(other, name, min: 0, max: 2);
        var deletedByOther = await harness.DeleteAsync(other, name);
        var updatedByOwner = await harness.PutAsync(owner, name, min: 0, max: 2);
        var deletedByOwner = await harness.DeleteAsync(owner, name);
        await harness.PutAsync(harness.Host.AdminKey, adminsOwn, min: 0, max: 1);
        var adminsDeletedByDeveloper = await harness.DeleteAsync(owner, adminsOwn);
        var recreatedByOther = await harness.PutAsync(other, name, min: 0, max: 1);
        var adminUpdate = await harness.PutAsync(harness.Host.AdminKey, name, min: 0, max: 2);
        var adminDelete = await harness.DeleteAsync(harness.Host.AdminKey, name);
        await harness.DeleteAsync(harness.Host.AdminKey, adminsOwn);

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal(HttpStatusCode.Forbidden, updatedByOther.Status);
        Assert.Contains("created by another key", updatedByOther.Body["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, deletedByOther.Status);
        Assert.Equal(HttpStatusCode.OK, updatedByOwner.Status);
        Assert.Equal(2, updatedByOwner.Body["maxReplicas"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, deletedByOwner.Status);
        Assert.Equal(HttpStatusCode.Forbidden, adminsDeletedByDeveloper.Status);
        Assert.Equal(HttpStatusCode.OK, recreatedByOther.Status);
        Assert.Equal(HttpStatusCode.OK, adminUpdate.Status);
        Assert.Equal(HttpStatusCode.OK, adminDelete.Status);
    }
}
