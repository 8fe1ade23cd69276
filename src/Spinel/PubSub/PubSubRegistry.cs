using Spinel.Commands;
using Spinel.Config;
using Spinel.Networking;
using Spinel.Server;
using Spinel.Util;

namespace Spinel.PubSub;

/// <summary>
/// Who listens to what: channel, pattern and shard-channel subscribers, and delivery of published messages.
/// Everything runs under the keyspace lock. A message to the client running the current batch goes into its
/// reply buffer (so it sits among its replies where Redis puts it); to any other client, into its outbox.
/// </summary>
public sealed class PubSubRegistry
{
    private readonly Dictionary<byte[], List<ClientSession>>[] _maps =
        [new(ByteArrayComparer.Instance), new(ByteArrayComparer.Instance), new(ByteArrayComparer.Instance)];
    private readonly SpinelServer _server;

    internal PubSubRegistry(SpinelServer server) => _server = server;

    /// <summary>The batch being run (set by the dispatcher under the lock); null for the cron.</summary>
    internal CommandContext? Executing { get; set; }

    public int ChannelCount => _maps[0].Count;
    public int PatternCount => _maps[1].Count;
    public int ShardChannelCount => _maps[2].Count;

    /// <summary>Cheap gate for keyspace events: does anybody listen on a channel or a pattern?</summary>
    public bool HasListeners => _maps[0].Count != 0 || _maps[1].Count != 0;

    internal IEnumerable<byte[]> Names(SubscriptionKind kind) => _maps[(int)kind].Keys;

    public int SubscriberCount(SubscriptionKind kind, ReadOnlySpan<byte> name) =>
        _maps[(int)kind].GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(name, out var list) ? list.Count : 0;

    /// <summary>Adds a subscription; false if the client already had it.</summary>
    internal bool Subscribe(ClientSession client, Subscriptions subs, SubscriptionKind kind, ReadOnlySpan<byte> name)
    {
        var set = subs.Of(kind);
        if (set.GetAlternateLookup<ReadOnlySpan<byte>>().Contains(name)) return false;
        var key = name.ToArray();
        set.Add(key);
        var map = _maps[(int)kind];
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(client);
        subs.Outbox.Active = true;
        return true;
    }

    /// <summary>Removes a subscription; false if the client did not have it.</summary>
    internal bool Unsubscribe(ClientSession client, Subscriptions subs, SubscriptionKind kind, ReadOnlySpan<byte> name)
    {
        if (!subs.Of(kind).GetAlternateLookup<ReadOnlySpan<byte>>().Remove(name)) return false;
        var map = _maps[(int)kind].GetAlternateLookup<ReadOnlySpan<byte>>();
        if (map.TryGetValue(name, out var key, out var list))
        {
            list.Remove(client);
            if (list.Count == 0) _maps[(int)kind].Remove(key);
        }
        return true;
    }

    /// <summary>Drops every subscription of a client (RESET, disconnect).</summary>
    internal void RemoveAll(ClientSession client)
    {
        if (client.PubSub is not { } subs) return;
        foreach (var kind in (ReadOnlySpan<SubscriptionKind>)[SubscriptionKind.Channel, SubscriptionKind.Pattern, SubscriptionKind.Shard])
        {
            foreach (var name in subs.Of(kind).ToArray()) Unsubscribe(client, subs, kind, name);
        }
    }

    /// <summary>PUBLISH: channel subscribers first, then matching patterns; returns how many received it.</summary>
    public int Publish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
    {
        int receivers = 0;
        if (_maps[0].Count != 0 && _maps[0].GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out var subscribers))
        {
            foreach (var client in subscribers) Deliver(client, "message"u8, [], false, channel, message);
            receivers += subscribers.Count;
        }
        if (_maps[1].Count != 0)
        {
            foreach (var (pattern, clients) in _maps[1])
            {
                if (!GlobMatcher.IsMatch(pattern, channel)) continue;
                foreach (var client in clients) Deliver(client, "pmessage"u8, pattern, true, channel, message);
                receivers += clients.Count;
            }
        }
        return receivers;
    }

    /// <summary>SPUBLISH: shard-channel subscribers only.</summary>
    public int PublishShard(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
    {
        if (_maps[2].Count == 0 || !_maps[2].GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out var subscribers)) return 0;
        foreach (var client in subscribers) Deliver(client, "smessage"u8, [], false, channel, message);
        return subscribers.Count;
    }

    private void Deliver(ClientSession client, ReadOnlySpan<byte> kind, ReadOnlySpan<byte> pattern, bool hasPattern, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
    {
        if (Executing is { } running && running.Client == client)
        {
            var reply = running.Reply;
            int size = PushFrames.Size(kind, pattern, hasPattern, channel, message);
            reply.Advance(PushFrames.Write(reply.GetSpan(size), client.Protocol, kind, pattern, hasPattern, channel, message));
            return;
        }
        var outbox = client.PubSub!.Outbox;
        switch (outbox.AppendFrame(client.Protocol, kind, pattern, hasPattern, channel, message, _server.PubSubOutputLimit))
        {
            case ClientOutbox.Outcome.StartDrain:
                outbox.ScheduleDrain(batchRunning: Executing is not null);
                break;
            case ClientOutbox.Outcome.OverLimit:
                DisconnectOverLimit(_server, client);
                break;
        }
    }

    internal static void DisconnectOverLimit(SpinelServer server, ClientSession client)
    {
        server.Log.Warning($"Client id={client.Id} addr={client.Address} name={client.Name} closed for overcoming of output buffer limits.");
        // Not inline: closing may complete the client's pending receive on this thread, under the lock,
        // while the caller is still walking subscriber lists.
        ThreadPool.QueueUserWorkItem(static c => c.Disconnect(), client, preferLocal: false);
    }

    /// <summary>Moves a subscriber's batch replies into its outbox (under the lock, at the end of the batch).</summary>
    internal void QueueReplies(ClientSession client, ClientOutbox outbox)
    {
        var reply = client.Writer;
        var limit = client.PubSub!.Any ? _server.PubSubOutputLimit : _server.NormalOutputLimit;
        var outcome = outbox.AppendReplies(reply.WrittenSpan, limit);
        reply.Clear();
        if (outcome == ClientOutbox.Outcome.OverLimit) DisconnectOverLimit(_server, client);
    }
}
