namespace Spinel.Commands.Families;

/// <summary>Key deadlines: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST.</summary>
public static class ExpireCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("expire", -3, "write fast", "@keyspace", ctx => ExpireGeneric(ctx, relative: true, seconds: true), "RW UPDATE: index 1 range 0 1 0") { Group = "generic", Since = "1.0.0" },
        new("pexpire", -3, "write fast", "@keyspace", ctx => ExpireGeneric(ctx, relative: true, seconds: false), "RW UPDATE: index 1 range 0 1 0") { Group = "generic", Since = "2.6.0" },
        new("expireat", -3, "write fast", "@keyspace", ctx => ExpireGeneric(ctx, relative: false, seconds: true), "RW UPDATE: index 1 range 0 1 0") { Group = "generic", Since = "1.2.0" },
        new("pexpireat", -3, "write fast", "@keyspace", ctx => ExpireGeneric(ctx, relative: false, seconds: false), "RW UPDATE: index 1 range 0 1 0") { Group = "generic", Since = "2.6.0" },
        new("ttl", 2, "readonly fast", "@keyspace", ctx => TtlGeneric(ctx, milliseconds: false, absolute: false), "RO ACCESS: index 1 range 0 1 0") { Tips = ["nondeterministic_output"], Group = "generic", Since = "1.0.0" },
        new("pttl", 2, "readonly fast", "@keyspace", ctx => TtlGeneric(ctx, milliseconds: true, absolute: false), "RO ACCESS: index 1 range 0 1 0") { Tips = ["nondeterministic_output"], Group = "generic", Since = "2.6.0" },
        new("expiretime", 2, "readonly fast", "@keyspace", ctx => TtlGeneric(ctx, milliseconds: false, absolute: true), "RO ACCESS: index 1 range 0 1 0") { Group = "generic", Since = "7.0.0" },
        new("pexpiretime", 2, "readonly fast", "@keyspace", ctx => TtlGeneric(ctx, milliseconds: true, absolute: true), "RO ACCESS: index 1 range 0 1 0") { Group = "generic", Since = "7.0.0" },
        new("persist", 2, "write fast", "@keyspace", Persist, "RW UPDATE: index 1 range 0 1 0") { Group = "generic", Since = "2.2.0" },
    ];

    [Flags]
    private enum Condition
    {
        None = 0,
        Nx = 1,
        Xx = 2,
        Gt = 4,
        Lt = 8,
    }

    /// <summary>
    /// Sets a deadline, in the order Redis checks things: options, then the number and its overflow,
    /// then the key, then NX/XX/GT/LT against the current deadline. A deadline already past deletes the key.
    /// </summary>
    private static void ExpireGeneric(CommandContext ctx, bool relative, bool seconds)
    {
        var condition = Condition.None;
        for (int i = 3; i < ctx.ArgCount; i++)
        {
            if (ctx.ArgIs(i, "NX")) condition |= Condition.Nx;
            else if (ctx.ArgIs(i, "XX")) condition |= Condition.Xx;
            else if (ctx.ArgIs(i, "GT")) condition |= Condition.Gt;
            else if (ctx.ArgIs(i, "LT")) condition |= Condition.Lt;
            else
            {
                ctx.Reply.WriteError("ERR Unsupported option " + ctx.ArgString(i));
                return;
            }
        }
        if ((condition & Condition.Nx) != 0 && (condition & (Condition.Xx | Condition.Gt | Condition.Lt)) != 0)
        {
            ctx.Reply.WriteError("ERR NX and XX, GT or LT options at the same time are not compatible");
            return;
        }
        if ((condition & (Condition.Gt | Condition.Lt)) == (Condition.Gt | Condition.Lt))
        {
            ctx.Reply.WriteError("ERR GT and LT options at the same time are not compatible");
            return;
        }
        if (!ctx.TryGetLong(2, out long when)) return;
        if (seconds)
        {
            if (when > long.MaxValue / 1000 || when < long.MinValue / 1000)
            {
                WriteInvalidExpire(ctx);
                return;
            }
            when *= 1000;
        }
        long baseTime = relative ? ctx.NowMs : 0;
        if (when > long.MaxValue - baseTime)
        {
            WriteInvalidExpire(ctx);
            return;
        }
        when += baseTime;

        var db = ctx.Db;
        var key = ctx.Arg(1);
        if (db.GetForWrite(key) is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        if (condition != Condition.None)
        {
            long current = db.GetExpire(key);
            bool refused =
                ((condition & Condition.Nx) != 0 && current != -1)
                || ((condition & Condition.Xx) != 0 && current == -1)
                // No deadline counts as infinite: GT never beats it, LT always does.
                || ((condition & Condition.Gt) != 0 && (current == -1 || when <= current))
                || ((condition & Condition.Lt) != 0 && current != -1 && when >= current);
            if (refused)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
        }
        if (when <= ctx.NowMs)
        {
            db.Delete(key);
            ctx.KeyChanged(key, "del");
        }
        else
        {
            db.SetExpire(key, when);
            ctx.KeyChanged(key, "expire");
        }
        ctx.Reply.WriteInteger(1);
    }

    private static void WriteInvalidExpire(CommandContext ctx) =>
        ctx.Reply.WriteError(string.Format(Errors.InvalidExpire, ctx.Command.FullName));

    /// <summary>TTL/PTTL (time left, rounded to the nearest second for TTL) and EXPIRETIME/PEXPIRETIME (the deadline): -2 missing, -1 none.</summary>
    private static void TtlGeneric(CommandContext ctx, bool milliseconds, bool absolute)
    {
        var db = ctx.Db;
        var key = ctx.Arg(1);
        if (db.GetNoTouch(key) is null)
        {
            ctx.Reply.WriteInteger(-2);
            return;
        }
        long expire = db.GetExpire(key);
        if (expire == -1)
        {
            ctx.Reply.WriteInteger(-1);
            return;
        }
        if (absolute)
        {
            ctx.Reply.WriteInteger(milliseconds ? expire : expire / 1000);
            return;
        }
        long left = Math.Max(expire - ctx.NowMs, 0);
        ctx.Reply.WriteInteger(milliseconds ? left : (left + 500) / 1000);
    }

    private static void Persist(CommandContext ctx)
    {
        var db = ctx.Db;
        var key = ctx.Arg(1);
        if (db.GetForWrite(key) is null || !db.Persist(key))
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        ctx.KeyChanged(key, "persist");
        ctx.Reply.WriteInteger(1);
    }
}
