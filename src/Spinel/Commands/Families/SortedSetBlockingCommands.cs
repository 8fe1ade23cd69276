using Spinel.Storage;

namespace Spinel.Commands.Families;

/// <summary>
/// BZPOPMIN, BZPOPMAX and BZMPOP: each tries its non-blocking counterpart's pop and, finding nothing, parks the
/// client with <see cref="CommandContext.Block"/>. When a key is ready the same handler runs again, so serving
/// a waiter is exactly the immediate path (same reply, events and change count).
/// </summary>
public static class SortedSetBlockingCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("bzpopmin", -3, "write noscript blocking fast", "@sortedset", Bzpopmin, "RW ACCESS DELETE: index 1 range -2 1 0") { Group = "sorted-set", Since = "5.0.0" },
        new("bzpopmax", -3, "write noscript blocking fast", "@sortedset", Bzpopmax, "RW ACCESS DELETE: index 1 range -2 1 0") { Group = "sorted-set", Since = "5.0.0" },
        new("bzmpop", -5, "write blocking", "@sortedset", Bzmpop, "RW ACCESS DELETE: index 2 keynum 0 1 1") { Group = "sorted-set", Since = "7.0.0" },
    ];

    private static void Bzpopmin(CommandContext ctx) => BlockingPop(ctx, max: false);

    private static void Bzpopmax(CommandContext ctx) => BlockingPop(ctx, max: true);

    /// <summary>BZPOPMIN/BZPOPMAX key [key ...] timeout: [key, member, score] from the first non-empty set, in key order.</summary>
    private static void BlockingPop(CommandContext ctx, bool max)
    {
        int timeoutArg = ctx.ArgCount - 1;
        if (!ctx.TryGetTimeout(timeoutArg, out long timeoutMs)) return;
        if (SortedSetCommands.TryServePop(ctx, 1, timeoutArg - 1, max, count: -1, nested: false)) return;
        ctx.Block(1, timeoutArg - 1, RedisType.ZSet, timeoutMs);
    }

    /// <summary>BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT n]; Redis checks the timeout after the rest.</summary>
    private static void Bzmpop(CommandContext ctx)
    {
        if (!MultiPopArguments.TryParse(ctx, 2, "MAX", "MIN", out int numKeys, out bool max, out long count)) return;
        if (!ctx.TryGetTimeout(1, out long timeoutMs)) return;
        if (!SortedSetCommands.TryServePop(ctx, 3, numKeys, max, count, nested: true)) ctx.Block(3, numKeys, RedisType.ZSet, timeoutMs);
    }
}
