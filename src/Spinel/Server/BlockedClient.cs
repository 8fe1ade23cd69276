using Spinel.Commands;
using Spinel.Protocol;
using Spinel.Storage;

namespace Spinel.Server;

/// <summary>
/// A client parked in a blocking command (BLPOP, BLMOVE, ...): the command to run again when one of its
/// keys may serve it, the keys, and how the wait ends otherwise (deadline, CLIENT UNBLOCK, disconnect).
/// The command re-runs in a context of its own whose reply goes to <see cref="Reply"/>, never into the
/// connection's buffer, which the connection may be sending at that moment. Everything here is used under
/// the keyspace lock, except <see cref="Woken"/>, which the connection awaits before taking the reply.
/// </summary>
public sealed class BlockedClient
{
    internal BlockedClient(CommandContext blockedIn, byte[][] keys, RedisType waitsFor, long deadlineTicks)
    {
        Reply = new RespWriter { Protocol = blockedIn.Reply.Protocol };
        Context = new CommandContext(blockedIn.Server, blockedIn.Client, Reply)
        {
            Args = blockedIn.Args.CopyOwned(),
            Command = blockedIn.Command,
            IsWaking = true,
        };
        Db = blockedIn.Client.Db;
        Keys = keys;
        WaitsFor = waitsFor;
        DeadlineTicks = deadlineTicks;
        Nodes = new LinkedListNode<BlockedClient>[keys.Length];
    }

    /// <summary>Where the command runs again: same client, copied arguments, its own reply buffer.</summary>
    public CommandContext Context { get; }

    /// <summary>The reply, once served, timed out or unblocked; the connection copies it out.</summary>
    public RespWriter Reply { get; }

    public int Db { get; }

    public byte[][] Keys { get; }

    /// <summary>Only a value of this type can serve the client: Redis 7.0 leaves waiters blocked when the key becomes another type.</summary>
    public RedisType WaitsFor { get; }

    /// <summary>When the wait times out, in <see cref="Environment.TickCount64"/> milliseconds; 0 for never.</summary>
    public long DeadlineTicks { get; }

    /// <summary>Completed once the client is no longer blocked, its reply (if any) written.</summary>
    internal TaskCompletionSource Woken { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>This client's place in each key's queue, for removal in O(1).</summary>
    internal LinkedListNode<BlockedClient>[] Nodes { get; }
}
