using Spinel.Storage;

namespace Spinel.Commands.Families;

/// <summary>
/// The blocking list commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP): each tries its non-blocking
/// counterpart's work and, finding nothing, parks the client with <see cref="CommandContext.Block"/>.
/// When a key is ready the same handler runs again, so serving a waiter is exactly the immediate path.
/// </summary>
public static class ListBlockingCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("blpop", -3, "write noscript blocking", "@list", Blpop, "RW ACCESS DELETE: index 1 range -2 1 0") { Group = "list", Since = "2.0.0" },
        new("brpop", -3, "write noscript blocking", "@list", Brpop, "RW ACCESS DELETE: index 1 range -2 1 0") { Group = "list", Since = "2.0.0" },
        new("blmove", 6, "write denyoom noscript blocking", "@list", Blmove, "RW ACCESS DELETE: index 1 range 0 1 0", "RW INSERT: index 2 range 0 1 0") { Group = "list", Since = "6.2.0" },
        new("brpoplpush", 4, "write denyoom noscript blocking", "@list", Brpoplpush, "RW ACCESS DELETE: index 1 range 0 1 0", "RW INSERT: index 2 range 0 1 0") { Group = "list", Since = "2.2.0", DocFlags = ["deprecated"], DeprecatedSince = "6.2.0", ReplacedBy = "`BLMOVE` with the `RIGHT` and `LEFT` arguments" },
        new("blmpop", -5, "write blocking", "@list", Blmpop, "RW ACCESS DELETE: index 2 keynum 0 1 1") { Group = "list", Since = "7.0.0" },
    ];

    private static void Blpop(CommandContext ctx) => BlockingPop(ctx, left: true);

    private static void Brpop(CommandContext ctx) => BlockingPop(ctx, left: false);

    /// <summary>BLPOP/BRPOP key [key ...] timeout: [key, element] from the first non-empty list, in key order.</summary>
    private static void BlockingPop(CommandContext ctx, bool left)
    {
        int timeoutArg = ctx.ArgCount - 1;
        if (!ctx.TryGetTimeout(timeoutArg, out long timeoutMs)) return;
        for (int i = 1; i < timeoutArg; i++)
        {
            if (ctx.MayServeFrom(ctx.Arg(i)) && ListCommands.TryServePop(ctx, ctx.Arg(i), left, count: -1, withKey: true)) return;
        }
        ctx.Block(1, timeoutArg - 1, RedisType.List, timeoutMs);
    }

    private static void Blmove(CommandContext ctx)
    {
        if (!ListCommands.TryReadEnd(ctx, 3, out bool fromLeft) || !ListCommands.TryReadEnd(ctx, 4, out bool toLeft)) return;
        BlockingMove(ctx, fromLeft, toLeft, timeoutArg: 5);
    }

    private static void Brpoplpush(CommandContext ctx) => BlockingMove(ctx, fromLeft: false, toLeft: true, timeoutArg: 3);

    private static void BlockingMove(CommandContext ctx, bool fromLeft, bool toLeft, int timeoutArg)
    {
        if (!ctx.TryGetTimeout(timeoutArg, out long timeoutMs)) return;
        if (!ListCommands.TryServeMove(ctx, ctx.Arg(1), ctx.Arg(2), fromLeft, toLeft)) ctx.Block(1, 1, RedisType.List, timeoutMs, nullBulkIfNoWait: true);
    }

    /// <summary>BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT n]; Redis checks the timeout after the rest.</summary>
    private static void Blmpop(CommandContext ctx)
    {
        if (!MultiPopArguments.TryParse(ctx, 2, "LEFT", "RIGHT", out int numKeys, out bool left, out long count)) return;
        if (!ctx.TryGetTimeout(1, out long timeoutMs)) return;
        if (!ListCommands.TryServeMultiPop(ctx, 3, numKeys, left, count)) ctx.Block(3, numKeys, RedisType.List, timeoutMs);
    }
}
