using System.Text;
using Spinel.Networking;
using Spinel.Protocol;
using Spinel.Server;
using Spinel.Storage;
using Spinel.Util;

namespace Spinel.Commands;

/// <summary>
/// What a command handler works with: the arguments, the client, the server and the reply writer.
/// One instance per connection, reused for every command, so dispatch allocates nothing.
/// </summary>
public sealed class CommandContext
{
    public CommandContext(SpinelServer server, ClientSession client, RespWriter reply)
    {
        Server = server;
        Client = client;
        Reply = reply;
    }

    public SpinelServer Server { get; }
    public ClientSession Client { get; }
    public RespWriter Reply { get; }
    public ArgumentList Args { get; internal set; } = new();

    /// <summary>The command being run (the subcommand for containers).</summary>
    public CommandSpec Command { get; internal set; } = null!;

    /// <summary>This context re-runs a blocked client's command: blocking again means "not served yet".</summary>
    internal bool IsWaking { get; init; }

    /// <summary>
    /// False where a command must not wait (inside EXEC; later in scripts): <see cref="Block"/> then replies as
    /// a timeout would.
    /// </summary>
    internal bool CanBlock { get; set; } = true;

    /// <summary>Set when a re-run command found nothing to serve it and stays blocked.</summary>
    internal bool StillBlocked { get; set; }

    /// <summary>While re-running a blocked command: the key whose change woke it.</summary>
    internal byte[]? ReadyKey { get; set; }

    /// <summary>
    /// False for a key other than the one that woke a blocked command: as in Redis, a waiter on several keys
    /// is served from the key that became ready, whatever the others hold now.
    /// </summary>
    public bool MayServeFrom(ReadOnlySpan<byte> key) => ReadyKey is null || key.SequenceEqual(ReadyKey);

    public Keyspace Keyspace => Server.Keyspace;
    public Database Db => Server.Keyspace[Client.Db];
    public int ArgCount => Args.Count;
    public long NowMs => Server.Keyspace.NowMs;

    public ReadOnlySpan<byte> Arg(int index) => Args[index];

    /// <summary>True when argument <paramref name="index"/> equals the ASCII word, ignoring case.</summary>
    public bool ArgIs(int index, string word)
    {
        var arg = Args[index];
        if (arg.Length != word.Length) return false;
        for (int i = 0; i < arg.Length; i++)
        {
            if ((arg[i] | 0x20) != (word[i] | 0x20)) return false;
        }
        return true;
    }

    /// <summary>An argument as text, for messages and rarely used commands; never on a hot path.</summary>
    public string ArgString(int index) => Encoding.Latin1.GetString(Args[index]);

    /// <summary>Parses an integer argument; on failure writes Redis's error and returns false.</summary>
    public bool TryGetLong(int index, out long value, string error = Errors.NotInteger)
    {
        if (RedisNumbers.TryParseInt64(Args[index], out value)) return true;
        Reply.WriteError(error);
        return false;
    }

    /// <summary>
    /// Parses a blocking command's timeout in seconds (fractions allowed; 0 waits forever) into milliseconds,
    /// rounded up, with Redis 7.0's errors. Like Redis, a value too large for a 64-bit millisecond count
    /// wraps to "negative".
    /// </summary>
    public bool TryGetTimeout(int index, out long timeoutMs)
    {
        timeoutMs = 0;
        // Parsed as a long double, as Redis does, so "1e400" is a (huge) number rather than an error.
        if (!LongDouble.TryParse(Args[index], out var seconds) || seconds.IsNaN)
        {
            Reply.WriteError(Errors.TimeoutNotFloat);
            return false;
        }
        double ms = Math.Ceiling(seconds.ToDouble() * 1000);
        if (ms < 0 || ms >= 9.2233720368547758e18)
        {
            Reply.WriteError(Errors.TimeoutNegative);
            return false;
        }
        timeoutMs = (long)ms;
        return true;
    }

    /// <summary>
    /// Parks the client until a write to one of the keys in arguments [<paramref name="firstKey"/>,
    /// +<paramref name="keyCount"/>) leaves a <paramref name="waitsFor"/> value there, the timeout passes
    /// (0: never), or CLIENT UNBLOCK. The handler returns without a reply; when a key is ready it runs again,
    /// and calls this again if it still cannot serve. Where blocking is not allowed it replies a null array at
    /// once, or a null bulk string with <paramref name="nullBulkIfNoWait"/> (BLMOVE and BRPOPLPUSH, as in Redis).
    /// </summary>
    public void Block(int firstKey, int keyCount, RedisType waitsFor, long timeoutMs, bool nullBulkIfNoWait = false)
    {
        if (IsWaking)
        {
            StillBlocked = true;
            return;
        }
        if (!CanBlock)
        {
            if (nullBulkIfNoWait) Reply.WriteNull();
            else Reply.WriteNullArray();
            return;
        }
        var keys = new byte[keyCount][];
        for (int i = 0; i < keyCount; i++) keys[i] = Args.ToArray(firstKey + i);
        // Waits beyond a century are as good as forever, and keep the deadline from overflowing.
        long deadline = timeoutMs == 0 || timeoutMs > 3_153_600_000_000 ? 0 : Environment.TickCount64 + timeoutMs;
        var blocked = new BlockedClient(this, keys, waitsFor, deadline);
        Client.Blocked = blocked;
        Client.PendingWait = blocked;
        Server.Blocking.Add(blocked);
    }

    public bool TryGetDouble(int index, out double value)
    {
        if (RedisNumbers.TryParseDouble(Args[index], out value)) return true;
        Reply.WriteError(Errors.NotFloat);
        return false;
    }

    /// <summary>Records that a key changed: counts toward the save trigger; later, WATCH and keyspace events hook in here.</summary>
    public void KeyChanged(ReadOnlySpan<byte> key, int dbId, string eventName)
    {
        Server.Keyspace.Dirty++;
        Server.NotifyKeyChanged(key, dbId, eventName);
    }

    public void KeyChanged(ReadOnlySpan<byte> key, string eventName) => KeyChanged(key, Client.Db, eventName);

    /// <summary>A second event of a command that already counted its change (SET's "expire", RENAME's "rename_to").</summary>
    public void Notify(ReadOnlySpan<byte> key, int dbId, string eventName) => Server.NotifyKeyChanged(key, dbId, eventName);

    public void Notify(ReadOnlySpan<byte> key, string eventName) => Notify(key, Client.Db, eventName);

    /// <summary>
    /// Replies a count can make arbitrarily long (SRANDMEMBER, HRANDFIELD with a negative count) stop here:
    /// Redis 7.0 would grow its output until it ran out of memory.
    /// </summary>
    public const int MaxReplyBytes = 512 * 1024 * 1024;

    /// <summary>
    /// True (after replying an error) when <paramref name="elements"/> bulk strings could not fit in
    /// <see cref="MaxReplyBytes"/> even if all were empty: refused before any work is done.
    /// </summary>
    public bool ReplyCannotFit(long elements)
    {
        const int SmallestBulk = 6; // "$0\r\n\r\n"
        if (elements <= MaxReplyBytes / SmallestBulk) return false;
        Reply.WriteError(Errors.ReplyTooLarge);
        return true;
    }

    /// <summary>
    /// True (after replacing what the command wrote since <paramref name="replyStart"/> with an error) once
    /// the reply has outgrown <see cref="MaxReplyBytes"/>.
    /// </summary>
    public bool ReplyTooLarge(int replyStart)
    {
        if (Reply.Length - replyStart <= MaxReplyBytes) return false;
        Reply.Truncate(replyStart);
        Reply.WriteError(Errors.ReplyTooLarge);
        return true;
    }
}
