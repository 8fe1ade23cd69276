using Spinel.Protocol;
using System.Buffers;
using Spinel.Commands;
using Spinel.Networking;
using Spinel.PubSub;
using Spinel.Server;
using Spinel.Storage;

namespace Spinel.Tracking;

/// <summary>
/// Client-side caching (CLIENT TRACKING): remembers what tracking clients read and sends each an invalidation when
/// a key changes. Default mode: one invalidation per read, then the key is forgotten for that client. BCAST mode:
/// every changed key under a registered prefix, batched per prefix at the end of each batch. Everything runs under
/// the keyspace lock. Writes reach <see cref="KeyChanged"/> only while <see cref="Armed"/>.
/// </summary>
public sealed class TrackingRegistry
{
    private readonly SpinelServer _server;
    private readonly TrackingTable _table = new();
    private readonly PrefixTable _prefixes = new();

    // Invalidations for the client running the command, sent after its reply (as Redis 7.0 does); null is a flush.
    private readonly List<byte[]?> _pendingForRunning = [];

    // Scratch, used under the lock: message body, NOLOOP-filtered body, whole frame.
    private readonly ArrayBufferWriter<byte> _body = new();
    private readonly ArrayBufferWriter<byte> _filtered = new();
    private readonly ArrayBufferWriter<byte> _frame = new();
    private readonly List<KeyReference> _keyRefs = [];
    private bool _expiryHooked;

    internal TrackingRegistry(SpinelServer server)
    {
        _server = server;
        ReadLimit();
        server.Config.Changed += _ => ReadLimit();
    }

    /// <summary>tracking-table-max-keys: past it, keys are forgotten with an invalidation (0: no limit).</summary>
    private long _maxKeys;

    private void ReadLimit()
    {
        _maxKeys = long.Parse(_server.Config.Find("tracking-table-max-keys")!.Get(), System.Globalization.CultureInfo.InvariantCulture);
        UpdateOverLimit();
    }

    /// <summary>The table holds more keys than tracking-table-max-keys: the next command first evicts some.</summary>
    internal bool OverLimit { get; private set; }

    private void UpdateOverLimit()
    {
        OverLimit = _maxKeys > 0 && _table.KeyCount > _maxKeys;
        if (!OverLimit) _limitRounds = 0;
    }

    /// <summary>
    /// Before a command, as Redis does while any client tracks: forgets random keys, each with an invalidation sent
    /// at once (before that command's reply), until the table is within tracking-table-max-keys or this command's
    /// effort is spent. The effort grows by 100 keys for each command in a row that found the table still over.
    /// </summary>
    internal void EnforceLimit()
    {
        if (ClientCount != 0)
        {
            int effort = 100 * (_limitRounds + 1);
            while (_table.KeyCount > _maxKeys && effort-- > 0) Invalidate(_table.RandomKey(), null, fromLimit: true);
            if (_table.KeyCount > _maxKeys) _limitRounds++; // UpdateOverLimit resets it once within the limit
            UpdateArmed();
        }
        UpdateOverLimit();
    }

    // Commands in a row that left the table over tracking-table-max-keys.
    private int _limitRounds;

    /// <summary>Clients with tracking on (INFO tracking_clients).</summary>
    public int ClientCount { get; private set; }

    public int KeyCount => _table.KeyCount;
    public long ItemCount => _table.ItemCount;
    public int PrefixCount => _prefixes.Count;

    /// <summary>Some key or prefix is tracked: the one test a write pays while nobody tracks.</summary>
    internal bool Armed { get; private set; }

    /// <summary>Changed keys wait for <see cref="Broadcast"/>.</summary>
    internal bool HasBroadcast => _prefixes.HasChanges;

    private void UpdateArmed() => Armed = _table.KeyCount != 0 || _prefixes.Count != 0;

    internal void Enable(ClientSession client, long redirectId, bool broadcast, bool optIn, bool optOut, bool noLoop, List<byte[]> prefixes)
    {
        var state = client.Tracking ??= new TrackingState();
        if (!state.Enabled) ClientCount++;
        state.Enabled = true;
        state.BrokenRedirect = false;
        state.RedirectId = redirectId;
        state.Broadcast = broadcast;
        state.OptIn = optIn;
        state.OptOut = optOut;
        state.NoLoop = noLoop;
        if (broadcast)
        {
            if (prefixes.Count == 0) AddPrefix(client, state, []);
            foreach (var prefix in prefixes) AddPrefix(client, state, prefix);
        }
        // Invalidations may come at any time from now on: all the client's output goes through its outbox. Only the
        // client itself may switch this, while its own batch runs (see ClientOutbox).
        if (client.PubSub is { } subs) subs.Outbox.Active = true;
        if (!_expiryHooked)
        {
            _server.Keyspace.KeyExpiredForTracking = OnExpired;
            _expiryHooked = true;
        }
        UpdateArmed();
    }

    private void AddPrefix(ClientSession client, TrackingState state, byte[] prefix)
    {
        if (state.Prefixes.Add(prefix)) _prefixes.Add(prefix, client);
    }

    /// <summary>CLIENT TRACKING OFF, RESET, disconnect. The client's default-mode reads stay in the table until their keys change, as in Redis.</summary>
    internal void Disable(ClientSession client)
    {
        if (client.Tracking is not { } state) return;
        foreach (var prefix in state.Prefixes) _prefixes.Remove(prefix, client);
        if (state.Enabled) ClientCount--;
        state.Clear();
        UpdateArmed();
    }

    /// <summary>After a read-only command of a tracking client: remembers its keys (found from the command's key specs).</summary>
    internal void RememberReads(CommandSpec spec, ArgumentList args, long clientId, TrackingState state)
    {
        if (!state.RemembersReads || spec.Is(CommandFlags.PubSub)) return;
        _keyRefs.Clear();
        spec.GetKeys(args.ToArrays(), _keyRefs);
        foreach (var key in _keyRefs) _table.Remember(args[key.Position], clientId);
        if (_keyRefs.Count != 0) Armed = true;
        UpdateOverLimit();
    }

    /// <summary>A command changed a key (called while <see cref="Armed"/>).</summary>
    internal void KeyChanged(ReadOnlySpan<byte> key) => Invalidate(key, _server.PubSub.Executing?.Client);

    private void OnExpired(Database db, ReadOnlySpan<byte> key)
    {
        // Redis records no writer for an expired key, so NOLOOP does not hide it from a BCAST client.
        if (Armed) Invalidate(key, null);
    }

    /// <param name="fromLimit">An eviction by tracking-table-max-keys, before a command runs: sent at once, and not broadcast.</param>
    private void Invalidate(ReadOnlySpan<byte> key, ClientSession? writer, bool fromLimit = false)
    {
        var running = _server.PubSub.Executing?.Client;
        if (_table.KeyCount != 0 && _table.Take(key) is { } ids)
        {
            foreach (long id in ids)
            {
                var target = _server.Clients.Find(id);
                if (target?.Tracking is not { Enabled: true, Broadcast: false } state) continue;
                if (state.NoLoop && target == running) continue;
                if (target == running && !fromLimit)
                {
                    _pendingForRunning.Add(key.ToArray());
                    continue;
                }
                _body.ResetWrittenCount();
                InvalidationFrames.WriteArrayHeader(_body, 1);
                InvalidationFrames.WriteBulk(_body, key);
                Send(target, state, _body.WrittenSpan);
            }
            UpdateArmed();
        }
        if (_prefixes.Count != 0 && !fromLimit) _prefixes.KeyChanged(key, writer);
    }

    /// <summary>FLUSHDB/FLUSHALL: every tracking client gets a null invalidation, and the table is emptied.</summary>
    internal void Flushed()
    {
        if (ClientCount == 0 && !Armed) return;
        var running = _server.PubSub.Executing?.Client;
        foreach (var session in _server.Clients.Sessions())
        {
            if (session.Tracking is not { Enabled: true } state) continue;
            if (session == running) _pendingForRunning.Add(null);
            else Send(session, state, InvalidationFrames.NullBody(session.Protocol));
        }
        _table.Clear();
        UpdateArmed();
        UpdateOverLimit();
    }

    /// <summary>
    /// After each command of a client that has tracked: its own invalidations follow its reply (after EXEC for a
    /// transaction's), and CLIENT CACHING lasts for one command, a whole transaction, or CLIENT subcommands.
    /// </summary>
    internal void AfterCommand(CommandContext ctx, TrackingState state, CommandSpec? command)
    {
        if (_pendingForRunning.Count != 0)
        {
            foreach (var key in _pendingForRunning)
            {
                _body.ResetWrittenCount();
                if (key is null) _body.Write(InvalidationFrames.NullBody(ctx.Client.Protocol));
                else
                {
                    InvalidationFrames.WriteArrayHeader(_body, 1);
                    InvalidationFrames.WriteBulk(_body, key);
                }
                if (state.Enabled) Send(ctx.Client, state, _body.WrittenSpan);
            }
            _pendingForRunning.Clear();
        }
        if (state.Caching && ctx.Client.Multi is null && !IsClientSubcommand(ctx, command)) state.Caching = false;
    }

    /// <summary>A known CLIENT subcommand, even one refused (arity): Redis keeps CLIENT CACHING across those, not across a bare or unknown one.</summary>
    private static bool IsClientSubcommand(CommandContext ctx, CommandSpec? command) =>
        command is { Name: "client" } && ctx.Args.Count >= 2 && command.FindSubcommand(ctx.Args[1]) is not null;

    /// <summary>Sends the changes BCAST clients are waiting for: one message per prefix, keys in byte order.</summary>
    internal void Broadcast()
    {
        foreach (var (_, entry) in _prefixes.Entries)
        {
            if (entry.Changed.Count == 0) continue;
            _body.ResetWrittenCount();
            InvalidationFrames.WriteArrayHeader(_body, entry.Changed.Count);
            foreach (var key in entry.Changed.Keys) InvalidationFrames.WriteBulk(_body, key);
            foreach (var client in entry.Clients)
            {
                var state = client.Tracking!;
                if (!state.NoLoop)
                {
                    Send(client, state, _body.WrittenSpan);
                    continue;
                }
                // NOLOOP: leave out the keys this client changed itself.
                int count = 0;
                foreach (var writer in entry.Changed.Values) if (writer != client) count++;
                if (count == 0) continue;
                _filtered.ResetWrittenCount();
                InvalidationFrames.WriteArrayHeader(_filtered, count);
                foreach (var (key, writer) in entry.Changed) if (writer != client) InvalidationFrames.WriteBulk(_filtered, key);
                Send(client, state, _filtered.WrittenSpan);
            }
        }
        _prefixes.ClearChanges();
    }

    /// <summary>
    /// Sends one invalidation for a tracking client: to itself, or to its redirect client. A RESP2 client gets
    /// nothing on its own connection; a RESP2 redirect client only while in pub/sub mode, as a message on
    /// __redis__:invalidate. A vanished redirect client marks the redirect broken (and tells a RESP3 client so).
    /// </summary>
    private void Send(ClientSession client, TrackingState state, ReadOnlySpan<byte> body)
    {
        var target = client;
        bool redirected = false;
        if (state.RedirectId != 0)
        {
            var redirect = _server.Clients.Find(state.RedirectId);
            if (redirect is null)
            {
                state.BrokenRedirect = true;
                if (client.Protocol == 3)
                {
                    _frame.ResetWrittenCount();
                    InvalidationFrames.WriteRedirectBroken(_frame, state.RedirectId);
                    Deliver(client, _frame.WrittenSpan);
                }
                return;
            }
            target = redirect;
            redirected = true;
        }
        _frame.ResetWrittenCount();
        if (target.Protocol == 3) _frame.Write(InvalidationFrames.PushHead);
        else if (redirected && target.PubSub is { Any: true }) _frame.Write(InvalidationFrames.MessageHead);
        else return;
        _frame.Write(body);
        Deliver(target, _frame.WrittenSpan);
    }

    private void Deliver(ClientSession target, ReadOnlySpan<byte> frame)
    {
        if (_server.PubSub.Executing is { } running && running.Client == target)
        {
            running.Reply.WriteRaw(frame);
            return;
        }
        if (target.PubSub is not { } subs) return;
        var outbox = subs.Outbox;
        if (!outbox.Active)
        {
            // A RESP3 redirect client that never subscribed nor tracked: its output goes through its outbox from now
            // on (a send of its own in flight holds the outbox, see ClientOutbox.TryBeginOwnerSend).
            if (target.Protocol < 3) return;
            outbox.Active = true;
        }
        var limit = subs.Any ? _server.PubSubOutputLimit : _server.NormalOutputLimit;
        switch (outbox.AppendRaw(frame, limit))
        {
            case ClientOutbox.Outcome.StartDrain:
                outbox.ScheduleDrain(batchRunning: _server.PubSub.Executing is not null);
                break;
            case ClientOutbox.Outcome.OverLimit:
                PubSubRegistry.DisconnectOverLimit(_server, target);
                break;
        }
    }
}
