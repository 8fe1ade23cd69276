namespace Spinel.Commands.Families;

/// <summary>Server-wide commands: INFO, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, DEBUG, SHUTDOWN.</summary>
public static class ServerCommands
{
    /// <summary>The Redis version Spinel is compatible with, reported where clients look for it.</summary>
    public const string RedisVersion = "7.0.15";

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
