namespace Spinel.Tests.Infrastructure;

/// <summary>One Spinel and one redis-server shared by every differential test, which run one at a time.</summary>
public sealed class DifferentialFixture : IAsyncLifetime
{
    public RedisOracle Oracle { get; } = new();
    public SpinelFixture Spinel { get; } = new();

    public async Task InitializeAsync()
    {
        await Oracle.InitializeAsync();
        await Spinel.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Spinel.DisposeAsync();
        await Oracle.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DifferentialCollection : ICollectionFixture<DifferentialFixture>
{
    public const string Name = "differential";
}
