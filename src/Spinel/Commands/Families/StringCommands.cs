using Spinel.Storage;

namespace Spinel.Commands.Families;

/// <summary>The string group: GET, SET and friends.</summary>
public static class StringCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("get", 2, "readonly fast", "@string", Get, "RO ACCESS: index 1 range 0 1 0"),
        new("set", -3, "write denyoom", "@string", Set, "RW ACCESS UPDATE VARIABLE_FLAGS: index 1 range 0 1 0"),
    ];

    private static void Get(CommandContext ctx)
    {
        var value = ctx.Db.Get(ctx.Arg(1));
        if (value is null) ctx.Reply.WriteNull();
        else if (Values.TryGetString(value, out var bytes)) ctx.Reply.WriteBulk(bytes);
        else ctx.Reply.WriteError(Errors.WrongType);
    }

    [Flags]
    private enum SetFlags
    {
        None = 0,
        Nx = 1,
        Xx = 2,
        Get = 4,
        KeepTtl = 8,
        Ex = 16,
        Px = 32,
        ExAt = 64,
        PxAt = 128,
        AnyExpire = Ex | Px | ExAt | PxAt,
    }

    private static void Set(CommandContext ctx)
    {
        var flags = SetFlags.None;
        int expireArg = -1;
        for (int i = 3; i < ctx.ArgCount; i++)
        {
            bool hasNext = i + 1 < ctx.ArgCount;
            if (ctx.ArgIs(i, "NX") && (flags & SetFlags.Xx) == 0) flags |= SetFlags.Nx;
            else if (ctx.ArgIs(i, "XX") && (flags & SetFlags.Nx) == 0) flags |= SetFlags.Xx;
            else if (ctx.ArgIs(i, "GET")) flags |= SetFlags.Get;
            else if (ctx.ArgIs(i, "KEEPTTL") && (flags & SetFlags.AnyExpire) == 0) flags |= SetFlags.KeepTtl;
            else if (hasNext && (flags & (SetFlags.AnyExpire | SetFlags.KeepTtl)) == 0 && TryExpireWord(ctx, i, out var unit))
            {
                flags |= unit;
                expireArg = ++i;
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }

        long deadline = -1;
        if (expireArg > 0 && !TryGetDeadline(ctx, expireArg, flags, out deadline)) return;

        var db = ctx.Db;
        var key = ctx.Arg(1);
        object? old = (flags & (SetFlags.Get | SetFlags.Nx | SetFlags.Xx)) != 0 ? db.GetForWrite(key) : null;
        if ((flags & SetFlags.Get) != 0)
        {
            if (old is null) ctx.Reply.WriteNull();
            else if (Values.TryGetString(old, out var oldBytes)) ctx.Reply.WriteBulk(oldBytes);
            else
            {
                ctx.Reply.WriteError(Errors.WrongType);
                return;
            }
        }
        if (((flags & SetFlags.Nx) != 0 && old is not null) || ((flags & SetFlags.Xx) != 0 && old is null))
        {
            if ((flags & SetFlags.Get) == 0) ctx.Reply.WriteNull();
            return;
        }

        db.Set(key, ctx.Args.ToArray(2), keepTtl: (flags & SetFlags.KeepTtl) != 0);
        ctx.KeyChanged(key, "set");
        if (deadline >= 0)
        {
            db.SetExpire(key, deadline);
            ctx.KeyChanged(key, "expire");
        }
        if ((flags & SetFlags.Get) == 0) ctx.Reply.WriteOk();
    }

    private static bool TryExpireWord(CommandContext ctx, int i, out SetFlags unit)
    {
        unit = ctx.ArgIs(i, "EX") ? SetFlags.Ex
            : ctx.ArgIs(i, "PX") ? SetFlags.Px
            : ctx.ArgIs(i, "EXAT") ? SetFlags.ExAt
            : ctx.ArgIs(i, "PXAT") ? SetFlags.PxAt
            : SetFlags.None;
        return unit != SetFlags.None;
    }

    /// <summary>Turns an EX/PX/EXAT/PXAT argument into an absolute deadline, with Redis's errors.</summary>
    private static bool TryGetDeadline(CommandContext ctx, int arg, SetFlags flags, out long deadline)
    {
        deadline = -1;
        if (!ctx.TryGetLong(arg, out long n)) return false;
        bool seconds = (flags & (SetFlags.Ex | SetFlags.ExAt)) != 0;
        bool relative = (flags & (SetFlags.Ex | SetFlags.Px)) != 0;
        if (n <= 0 || (seconds && n > long.MaxValue / 1000))
        {
            ctx.Reply.WriteError(string.Format(Errors.InvalidExpire, ctx.Command.FullName));
            return false;
        }
        long ms = seconds ? n * 1000 : n;
        if (relative)
        {
            if (ms > long.MaxValue - ctx.NowMs)
            {
                ctx.Reply.WriteError(string.Format(Errors.InvalidExpire, ctx.Command.FullName));
                return false;
            }
            ms += ctx.NowMs;
        }
        deadline = ms;
        return true;
    }
}
