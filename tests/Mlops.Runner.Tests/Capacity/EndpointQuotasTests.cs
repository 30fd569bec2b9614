using Microsoft.Extensions.Options;
using Mlops.Runner.Capacity;
using Mlops.Runner.Endpoints;

namespace Mlops.Runner.Tests.Capacity;

public sealed class EndpointQuotasTests
{
    private static readonly Caller Developer = new("key-1", IsAdmin: false);
    private readonly EndpointQuotas _quotas = new(Options.Create(new CapacityOptions { EndpointsPerKey = 2, ReplicasPerKey = 6 }));

    private static EndpointSpec Spec(string name, int max, string? canary = null, int percent = 0) =>
        EndpointSpec.Validated(name, "predict", "iris_model", "latest", 0, max, 0, 0, canary, percent);

    [Fact]
    public void EnsureRoom_OneEndpointTooMany_NamesTheLimitAndTheUse()
    {
        (EndpointSpec, string?)[] existing = [(Spec("a", 1), "key-1"), (Spec("b", 1), "key-1"), (Spec("c", 1), "key-2")];

        var refused = Assert.Throws<RunnerException>(() => _quotas.EnsureRoom(Developer, Spec("d", 1), existing));

        Assert.Equal(ErrorKind.ResourceExhausted, refused.Kind);
        Assert.Contains("this key has 2 endpoint(s)", refused.Message);
        Assert.Contains("Capacity:EndpointsPerKey is 2", refused.Message);
    }

    [Fact]
    public void EnsureRoom_ReplicasBeyondTheKeysShare_CanariesCounting_AreRefused()
    {
        (EndpointSpec, string?)[] existing = [(Spec("a", 2, canary: "1", percent: 50), "key-1")];

        var refused = Assert.Throws<RunnerException>(() => _quotas.EnsureRoom(Developer, Spec("b", 4), existing));

        Assert.Contains("may scale to 3 replica(s) and this one to 4 more", refused.Message);
        Assert.Contains("Capacity:ReplicasPerKey is 6", refused.Message);
        _quotas.EnsureRoom(Developer, Spec("b", 3), existing);
    }

    [Fact]
    public void EnsureRoom_AnUpdate_ReplacesItsOwnShare_AndAdminsAreNotCounted()
    {
        (EndpointSpec, string?)[] existing = [(Spec("a", 5), "key-1"), (Spec("b", 1), "key-1")];

        _quotas.EnsureRoom(Developer, Spec("a", 5), existing);
        _quotas.EnsureRoom(new Caller("admin", IsAdmin: true), Spec("z", 64), existing);
    }

    [Fact]
    public void EnsureMayChange_AnotherKeysEndpoint_IsPermissionDenied_ButNotForItsOwnerOrAnAdmin()
    {
        var refused = Assert.Throws<RunnerException>(() => EndpointAccess.EnsureMayChange(new Caller("key-2", false), "a", "key-1"));
        var unowned = Assert.Throws<RunnerException>(() => EndpointAccess.EnsureMayChange(Developer, "old", owner: null));

        Assert.Equal(ErrorKind.PermissionDenied, refused.Kind);
        Assert.Equal(ErrorKind.PermissionDenied, unowned.Kind);
        EndpointAccess.EnsureMayChange(Developer, "a", "key-1");
        EndpointAccess.EnsureMayChange(new Caller("admin", IsAdmin: true), "a", "key-1");
    }
}
