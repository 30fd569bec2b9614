namespace Mlops.Keys.Tests;

public sealed class KeyVerifierTests : IDisposable
{
    private const string Flooder = "203.0.113.9";
    private readonly string _data = Directory.CreateTempSubdirectory("mlops-verifier-").FullName;
    private readonly KeyOptions _options = new() { KnownKeysCached = 100, RefusedKeysCached = 100, FailuresPerMinute = 20, CacheSeconds = 60 };

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Verify_TenThousandRandomKeys_KeepTheGoodKeyAndLookUpOnlyUntilTheClientIsThrottled()
    {
        var (store, verifier) = Create();
        var good = await store.CreateAsync("good", Roles.Predictor, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.NotNull((await verifier.VerifyAsync(good.Secret, "198.51.100.1", CancellationToken.None)).Key);
        var before = store.Lookups;

        var throttled = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var verdict = await verifier.VerifyAsync(ApiKeys.Generate(), Flooder, CancellationToken.None);
            Assert.Null(verdict.Key);
            throttled += verdict.RetryAfter is null ? 0 : 1;
        }

        var afterFlood = store.Lookups;
        var goodFromTheFlooder = await verifier.VerifyAsync(good.Secret, Flooder, CancellationToken.None);

        Assert.Equal(_options.FailuresPerMinute, afterFlood - before);
        Assert.Equal(10_000 - _options.FailuresPerMinute, throttled);
        Assert.Equal(good.Record.Id, goodFromTheFlooder.Key?.Id);
        Assert.Equal(afterFlood, store.Lookups);
    }

    [Theory]
    [InlineData("")]
    [InlineData("mlops_short")]
    [InlineData("not-ours_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("mlops_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public async Task Verify_SecretNotShapedLikeAKey_IsRefusedWithoutALookUp(string secret)
    {
        var (store, verifier) = Create();

        var verdict = await verifier.VerifyAsync(secret, Flooder, CancellationToken.None);

        Assert.Null(verdict.Key);
        Assert.Equal(0, store.Lookups);
    }

    [Fact]
    public async Task Verify_SameUnknownKeyAgain_IsAnsweredFromTheRefusedCache()
    {
        var (store, verifier) = Create();
        var unknown = ApiKeys.Generate();

        await verifier.VerifyAsync(unknown, Flooder, CancellationToken.None);
        await verifier.VerifyAsync(unknown, Flooder, CancellationToken.None);

        Assert.Equal(1, store.Lookups);
    }

    [Fact]
    public async Task Verify_PastTheFailureLimit_OtherClientsAreStillHeard()
    {
        var (store, verifier) = Create();
        var good = await store.CreateAsync("late", Roles.Viewer, DateTimeOffset.UtcNow, CancellationToken.None);
        for (var i = 0; i <= _options.FailuresPerMinute; i++)
        {
            await verifier.VerifyAsync(ApiKeys.Generate(), Flooder, CancellationToken.None);
        }

        var fromFlooder = await verifier.VerifyAsync(good.Secret, Flooder, CancellationToken.None);
        var fromOther = await verifier.VerifyAsync(good.Secret, "198.51.100.2", CancellationToken.None);

        Assert.NotNull(fromFlooder.RetryAfter);
        Assert.True(fromFlooder.RetryAfter <= TimeSpan.FromMinutes(1));
        Assert.Equal(good.Record.Id, fromOther.Key?.Id);
    }

    [Fact]
    public async Task Verify_AKeyFoundGoodBefore_IsLookedUpAgainForAThrottledClient_ANewOneIsNot()
    {
        // Nothing stays cached: every verdict on a good key is a look-up, as once its few seconds have passed.
        var (store, verifier) = Create(new KeyOptions { KnownKeysCached = 100, RefusedKeysCached = 100, FailuresPerMinute = 20, CacheSeconds = 0 });
        var neighbour = await store.CreateAsync("neighbour", Roles.Predictor, DateTimeOffset.UtcNow, CancellationToken.None);
        var stranger = await store.CreateAsync("stranger", Roles.Predictor, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.NotNull((await verifier.VerifyAsync(neighbour.Secret, Flooder, CancellationToken.None)).Key);
        for (var i = 0; i <= 100; i++)
        {
            await verifier.VerifyAsync(ApiKeys.Generate(), Flooder, CancellationToken.None);
        }

        var before = store.Lookups;
        var fromNeighbour = await verifier.VerifyAsync(neighbour.Secret, Flooder, CancellationToken.None);
        var fromStranger = await verifier.VerifyAsync(stranger.Secret, Flooder, CancellationToken.None);

        Assert.Equal(neighbour.Record.Id, fromNeighbour.Key?.Id);
        Assert.NotNull(fromStranger.RetryAfter);
        Assert.Equal(before + 1, store.Lookups);
    }

    private (KeyStore Store, KeyVerifier Verifier) Create(KeyOptions? options = null)
    {
        var store = new KeyStore(_data);
        options ??= _options;
        return (store, new KeyVerifier(store, options, new FailedAuthentications(options, TimeProvider.System), TimeProvider.System));
    }
}
