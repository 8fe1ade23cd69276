namespace Spinel.Commands.Families;

/// <summary>Whole-database commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, MOVE.</summary>
public static class DatabaseCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("dbsize", 1, "readonly fast", "@keyspace", DbSize) { Tips = ["request_policy:all_shards", "response_policy:agg_sum"], Group = "server", Since = "1.0.0" },
        new("flushdb", -1, "write", "@keyspace @dangerous", FlushDb) { Tips = ["request_policy:all_shards", "response_policy:all_succeeded"], Group = "server", Since = "1.0.0" },
        new("flushall", -1, "write", "@keyspace @dangerous", FlushAll) { Tips = ["request_policy:all_shards", "response_policy:all_succeeded"], Group = "server", Since = "1.0.0" },
        new("swapdb", 3, "write fast", "@keyspace @dangerous", SwapDb) { Group = "server", Since = "4.0.0" },
        new("move", 3, "write fast", "@keyspace", Move, "RW ACCESS UPDATE: index 1 range 0 1 0") { Group = "generic", Since = "1.0.0" },
    ];

    private static void DbSize(CommandContext ctx) => ctx.Reply.WriteInteger(ctx.Db.Count);

    /// <summary>FLUSHDB/FLUSHALL take an optional SYNC or ASYNC; both free memory right away here.</summary>
    private static bool TryParseFlushMode(CommandContext ctx)
    {
        if (ctx.ArgCount == 1 || (ctx.ArgCount == 2 && (ctx.ArgIs(1, "SYNC") || ctx.ArgIs(1, "ASYNC")))) return true;
        ctx.Reply.WriteError(Errors.Syntax);
        return false;
    }

    private static void FlushDb(CommandContext ctx)
    {
        if (!TryParseFlushMode(ctx)) return;
        var db = ctx.Db;
        ctx.Keyspace.Dirty += db.Count;
        db.Clear();
        ctx.Server.Tracking.Flushed();
        ctx.Reply.WriteOk();
    }

    private static void FlushAll(CommandContext ctx)
    {
        if (!TryParseFlushMode(ctx)) return;
        // Redis counts the removed keys plus one for the save FLUSHALL implies.
        ctx.Keyspace.Dirty += ctx.Keyspace.TotalKeys() + 1;
        ctx.Keyspace.FlushAll();
        ctx.Server.Tracking.Flushed();
        ctx.Reply.WriteOk();
    }

    private static void SwapDb(CommandContext ctx)
    {
        if (!TryGetDbIndex(ctx, 1, "ERR invalid first DB index", out int first)) return;
        if (!TryGetDbIndex(ctx, 2, "ERR invalid second DB index", out int second)) return;
        int count = ctx.Keyspace.DatabaseCount;
        if (first < 0 || first >= count || second < 0 || second >= count)
        {
            ctx.Reply.WriteError(Errors.DbIndexOutOfRange);
            return;
        }
        if (first != second)
        {
            ctx.Keyspace.SwapDatabases(first, second);
            ctx.Keyspace.Dirty++;
            // Clients blocked in either database now see the other's keys.
            ctx.Server.Blocking.SignalAll(first);
            ctx.Server.Blocking.SignalAll(second);
        }
        ctx.Reply.WriteOk();
    }

    private static bool TryGetDbIndex(CommandContext ctx, int arg, string error, out int index)
    {
        index = 0;
        if (!Util.RedisNumbers.TryParseInt64(ctx.Arg(arg), out long value) || value is < int.MinValue or > int.MaxValue)
        {
            ctx.Reply.WriteError(error);
            return false;
        }
        index = (int)value;
        return true;
    }

    /// <summary>Moves a key, with its deadline and access clock, to another database unless the name is taken there.</summary>
    private static void Move(CommandContext ctx)
    {
        if (!KeyCommands.TryGetInt(ctx, 2, out long target)) return;
        if (target < 0 || target >= ctx.Keyspace.DatabaseCount)
        {
            ctx.Reply.WriteError(Errors.DbIndexOutOfRange);
            return;
        }
        var from = ctx.Db;
        var to = ctx.Keyspace[(int)target];
        if (from == to)
        {
            ctx.Reply.WriteError("ERR source and destination objects are the same");
            return;
        }
        var key = ctx.Arg(1);
        if (from.GetForWrite(key) is null || to.GetForWrite(key) is not null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        from.TryGetEntry(key, out var value, out long expireMs, out int clock);
        to.AddEntry(key, value, expireMs, clock);
        from.Delete(key);
        ctx.KeyChanged(key, from.Id, "move_from");
        ctx.Notify(key, to.Id, "move_to");
        ctx.Reply.WriteInteger(1);
    }
}
