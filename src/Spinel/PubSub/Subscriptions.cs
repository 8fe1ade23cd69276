using Spinel.Util;

namespace Spinel.PubSub;

/// <summary>What kind of subscription: channels and patterns count together, shard channels on their own (as in Redis 7.0).</summary>
public enum SubscriptionKind { Channel, Pattern, Shard }

/// <summary>One client's subscriptions and push output; read and changed under the keyspace lock.</summary>
internal sealed class Subscriptions(ClientOutbox outbox)
{
    private readonly HashSet<byte[]>[] _sets = [new(ByteArrayComparer.Instance), new(ByteArrayComparer.Instance), new(ByteArrayComparer.Instance)];

    public ClientOutbox Outbox { get; } = outbox;

    public HashSet<byte[]> Of(SubscriptionKind kind) => _sets[(int)kind];

    public int Channels => _sets[0].Count;
    public int Patterns => _sets[1].Count;
    public int ShardChannels => _sets[2].Count;

    /// <summary>Any subscription at all: the client is in pub/sub mode (RESP2 then limits its commands).</summary>
    public bool Any => Channels + Patterns + ShardChannels > 0;

    /// <summary>The count a (un)subscribe confirmation reports for this kind.</summary>
    public int CountFor(SubscriptionKind kind) => kind == SubscriptionKind.Shard ? ShardChannels : Channels + Patterns;
}
