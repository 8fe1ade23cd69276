namespace Spinel.Commands.Families;

/// <summary>The generic keyspace group: DEL, EXISTS, TYPE, KEYS, SCAN, RENAME, COPY, OBJECT, ...</summary>
public static class KeyCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("del", -2, "write", "@keyspace", Del, "RM DELETE: index 1 range -1 1 0") { Tips = ["request_policy:multi_shard", "response_policy:agg_sum"] },
        new("exists", -2, "readonly fast", "@keyspace", Exists, "RO: index 1 range -1 1 0") { Tips = ["request_policy:multi_shard", "response_policy:agg_sum"] },
    ];

    private static void Del(CommandContext ctx)
    {
        long deleted = 0;
        var db = ctx.Db;
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            if (db.Delete(ctx.Arg(i)))
            {
                deleted++;
                ctx.KeyChanged(ctx.Arg(i), "del");
            }
        }
        ctx.Reply.WriteInteger(deleted);
    }

    private static void Exists(CommandContext ctx)
    {
        long count = 0;
        var db = ctx.Db;
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            if (db.Exists(ctx.Arg(i))) count++;
        }
        ctx.Reply.WriteInteger(count);
    }
}
