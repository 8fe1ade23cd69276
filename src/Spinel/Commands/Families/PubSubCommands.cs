using Spinel.PubSub;
using Spinel.Util;

namespace Spinel.Commands.Families;

/// <summary>SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and their UNSUBSCRIBEs, PUBLISH, SPUBLISH, PUBSUB.</summary>
public static class PubSubCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("subscribe", -2, "pubsub noscript loading stale sentinel", "", Subscribe) { Group = "pubsub", Since = "2.0.0" },
        new("unsubscribe", -1, "pubsub noscript loading stale sentinel", "", Unsubscribe) { Group = "pubsub", Since = "2.0.0" },
        new("psubscribe", -2, "pubsub noscript loading stale sentinel", "", Psubscribe) { Group = "pubsub", Since = "2.0.0" },
        new("punsubscribe", -1, "pubsub noscript loading stale sentinel", "", Punsubscribe) { Group = "pubsub", Since = "2.0.0" },
        new("publish", 3, "pubsub loading stale fast sentinel", "", Publish) { Group = "pubsub", Since = "2.0.0" },
        new("ssubscribe", -2, "pubsub noscript loading stale", "", Ssubscribe, "NOT_KEY: index 1 range -1 1 0") { Group = "pubsub", Since = "7.0.0" },
        new("sunsubscribe", -1, "pubsub noscript loading stale", "", Sunsubscribe, "NOT_KEY: index 1 range -1 1 0") { Group = "pubsub", Since = "7.0.0" },
        new("spublish", 3, "pubsub loading stale fast", "", Spublish, "NOT_KEY: index 1 range 0 1 0") { Group = "pubsub", Since = "7.0.0" },
        new CommandSpec("pubsub", -2, "", "", null) { Group = "pubsub", Since = "2.8.0" }.WithSubcommands(
            new("channels", -2, "pubsub loading stale", "", Channels) { Group = "pubsub", Since = "2.8.0" },
            new("numsub", -2, "pubsub loading stale", "", Numsub) { Group = "pubsub", Since = "2.8.0" },
            new("numpat", 2, "pubsub loading stale", "", Numpat) { Group = "pubsub", Since = "2.8.0" },
            new("shardchannels", -2, "pubsub loading stale", "", Shardchannels) { Group = "pubsub", Since = "7.0.0" },
            new("shardnumsub", -2, "pubsub loading stale", "", Shardnumsub) { Group = "pubsub", Since = "7.0.0" },
            new("help", 2, "loading stale", "", Help) { Group = "pubsub", Since = "6.2.0" }),
    ];

    private static readonly string[] HelpLines =
    [
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    ];

    private static void Subscribe(CommandContext ctx) => DoSubscribe(ctx, SubscriptionKind.Channel, "subscribe"u8);
    private static void Psubscribe(CommandContext ctx) => DoSubscribe(ctx, SubscriptionKind.Pattern, "psubscribe"u8);
    private static void Ssubscribe(CommandContext ctx) => DoSubscribe(ctx, SubscriptionKind.Shard, "ssubscribe"u8);
    private static void Unsubscribe(CommandContext ctx) => DoUnsubscribe(ctx, SubscriptionKind.Channel, "unsubscribe"u8);
    private static void Punsubscribe(CommandContext ctx) => DoUnsubscribe(ctx, SubscriptionKind.Pattern, "punsubscribe"u8);
    private static void Sunsubscribe(CommandContext ctx) => DoUnsubscribe(ctx, SubscriptionKind.Shard, "sunsubscribe"u8);

    /// <summary>One confirmation per name, each with the client's subscription count after it.</summary>
    private static void DoSubscribe(CommandContext ctx, SubscriptionKind kind, ReadOnlySpan<byte> word)
    {
        if (ctx.Client.PubSub is not { } subs)
        {
            ctx.Reply.WriteError($"ERR {ctx.Command.Name.ToUpperInvariant()} isn't allowed for a DENY BLOCKING client");
            return;
        }
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            ctx.Server.PubSub.Subscribe(ctx.Client, subs, kind, ctx.Arg(i));
            Confirm(ctx, word, ctx.Arg(i), subs.CountFor(kind));
        }
    }

    /// <summary>Without names, leaves every subscription of the kind; with none to leave, one confirmation with a null name.</summary>
    private static void DoUnsubscribe(CommandContext ctx, SubscriptionKind kind, ReadOnlySpan<byte> word)
    {
        var subs = ctx.Client.PubSub;
        if (ctx.ArgCount > 1)
        {
            for (int i = 1; i < ctx.ArgCount; i++)
            {
                if (subs is not null) ctx.Server.PubSub.Unsubscribe(ctx.Client, subs, kind, ctx.Arg(i));
                Confirm(ctx, word, ctx.Arg(i), subs?.CountFor(kind) ?? 0);
            }
            return;
        }
        var names = subs?.Of(kind).ToArray() ?? [];
        foreach (var name in names)
        {
            ctx.Server.PubSub.Unsubscribe(ctx.Client, subs!, kind, name);
            Confirm(ctx, word, name, subs!.CountFor(kind));
        }
        if (names.Length == 0)
        {
            ctx.Reply.WritePushHeader(3);
            ctx.Reply.WriteBulk(word);
            ctx.Reply.WriteNull();
            ctx.Reply.WriteInteger(subs?.CountFor(kind) ?? 0);
        }
    }

    private static void Confirm(CommandContext ctx, ReadOnlySpan<byte> word, ReadOnlySpan<byte> name, int count)
    {
        ctx.Reply.WritePushHeader(3);
        ctx.Reply.WriteBulk(word);
        ctx.Reply.WriteBulk(name);
        ctx.Reply.WriteInteger(count);
    }

    private static void Publish(CommandContext ctx) => ctx.Reply.WriteInteger(ctx.Server.PubSub.Publish(ctx.Arg(1), ctx.Arg(2)));

    private static void Spublish(CommandContext ctx) => ctx.Reply.WriteInteger(ctx.Server.PubSub.PublishShard(ctx.Arg(1), ctx.Arg(2)));

    private static void Channels(CommandContext ctx) => ListNames(ctx, SubscriptionKind.Channel);

    private static void Shardchannels(CommandContext ctx) => ListNames(ctx, SubscriptionKind.Shard);

    /// <summary>Active channels, all or those matching the pattern in argument 2.</summary>
    private static void ListNames(CommandContext ctx, SubscriptionKind kind)
    {
        if (ctx.ArgCount > 3)
        {
            ctx.Reply.WriteError(Errors.SubcommandSyntax(ctx.ArgString(1), ctx.ArgString(0)));
            return;
        }
        var matches = new List<byte[]>();
        foreach (var name in ctx.Server.PubSub.Names(kind))
        {
            if (ctx.ArgCount == 2 || GlobMatcher.IsMatch(ctx.Arg(2), name)) matches.Add(name);
        }
        ctx.Reply.WriteArrayHeader(matches.Count);
        foreach (var name in matches) ctx.Reply.WriteBulk(name);
    }

    private static void Numsub(CommandContext ctx) => CountSubscribers(ctx, SubscriptionKind.Channel);

    private static void Shardnumsub(CommandContext ctx) => CountSubscribers(ctx, SubscriptionKind.Shard);

    /// <summary>Name, count pairs as a flat array (an array in RESP3 too, as Redis 7.0 replies).</summary>
    private static void CountSubscribers(CommandContext ctx, SubscriptionKind kind)
    {
        ctx.Reply.WriteArrayHeader((ctx.ArgCount - 2) * 2L);
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            ctx.Reply.WriteBulk(ctx.Arg(i));
            ctx.Reply.WriteInteger(ctx.Server.PubSub.SubscriberCount(kind, ctx.Arg(i)));
        }
    }

    private static void Numpat(CommandContext ctx) => ctx.Reply.WriteInteger(ctx.Server.PubSub.PatternCount);

    private static void Help(CommandContext ctx) => ctx.Reply.WriteHelp(HelpLines);
}
