namespace Spinel.Commands.Families;

/// <summary>Whole-database commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, MOVE.</summary>
public static class DatabaseCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("dbsize", 1, "readonly fast", "@keyspace", ctx => ctx.Reply.WriteInteger(ctx.Db.Count)) { Tips = ["request_policy:all_shards", "response_policy:agg_sum"] },
        new("flushall", -1, "write", "@keyspace @dangerous", FlushAll) { Tips = ["request_policy:all_shards", "response_policy:all_succeeded"] },
    ];

    private static void FlushAll(CommandContext ctx)
    {
        ctx.Keyspace.FlushAll();
        ctx.Reply.WriteOk();
    }
}
