using System.Text;
using Spinel.Protocol;
using Spinel.Util;

namespace Spinel.Commands.Families;

/// <summary>COMMAND and its subcommands: introspection of the command table, in Redis 7.0's reply shapes.</summary>
public static class CommandCommand
{
    private const string Flags = "loading stale sentinel";
    private const string Acl = "@connection";

    public static readonly CommandSpec[] Commands =
    [
        new CommandSpec("command", -1, Flags, Acl, All)
        {
            Tips = ["nondeterministic_output_order"], Group = "server", Since = "2.8.13",
            Summary = "Describes every command the server knows.", Complexity = "O(N) in the number of commands",
        }.WithSubcommands(
            new("count", 2, Flags, Acl, Count)
            {
                Group = "server", Since = "2.8.13", Summary = "Counts the top-level commands.", Complexity = "O(1)",
            },
            new("docs", -2, Flags, Acl, Docs)
            {
                Tips = ["nondeterministic_output_order"], Group = "server", Since = "7.0.0",
                Summary = "Documentation of the given commands, or of all.", Complexity = "O(N) in the number of commands asked for",
            },
            new("getkeys", -4, Flags, Acl, ctx => GetKeys(ctx, withFlags: false))
            {
                Group = "server", Since = "2.8.13", Summary = "Extracts the key names from a full command line.",
                Complexity = "O(N) in the number of arguments",
            },
            new("getkeysandflags", -4, Flags, Acl, ctx => GetKeys(ctx, withFlags: true))
            {
                Group = "server", Since = "7.0.0", Summary = "Extracts the key names and their access flags from a full command line.",
                Complexity = "O(N) in the number of arguments",
            },
            new("help", 2, Flags, Acl, Help)
            {
                Group = "server", Since = "5.0.0", Summary = "Lists the COMMAND subcommands.", Complexity = "O(1)",
            },
            new("info", -2, Flags, Acl, Info)
            {
                Tips = ["nondeterministic_output_order"], Group = "server", Since = "2.8.13",
                Summary = "Describes the given commands, or all.", Complexity = "O(N) in the number of commands asked for",
            },
            new("list", -2, Flags, Acl, List)
            {
                Tips = ["nondeterministic_output_order"], Group = "server", Since = "7.0.0",
                Summary = "Names every command, optionally filtered.", Complexity = "O(N) in the number of commands",
            }),
    ];

    private static readonly string[] HelpLines =
    [
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command.",
        "HELP",
        "    Prints this help.",
    ];

    private static void All(CommandContext ctx)
    {
        var table = ctx.Server.Commands;
        ctx.Reply.WriteArrayHeader(table.Count);
        foreach (var spec in table.All) WriteInfo(ctx.Reply, spec);
    }

    private static void Count(CommandContext ctx) => ctx.Reply.WriteInteger(ctx.Server.Commands.Count);

    private static void Help(CommandContext ctx) => ctx.Reply.WriteHelp(HelpLines);

    private static void Info(CommandContext ctx)
    {
        if (ctx.ArgCount == 2)
        {
            All(ctx);
            return;
        }
        ctx.Reply.WriteArrayHeader(ctx.ArgCount - 2);
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            var spec = ctx.Server.Commands.FindFullName(ctx.ArgString(i));
            if (spec is null) ctx.Reply.WriteNull();
            else WriteInfo(ctx.Reply, spec);
        }
    }

    private static void Docs(CommandContext ctx)
    {
        var reply = ctx.Reply;
        if (ctx.ArgCount == 2)
        {
            reply.WriteMapHeader(ctx.Server.Commands.Count);
            foreach (var spec in ctx.Server.Commands.All)
            {
                reply.WriteBulk(spec.FullName);
                WriteDocs(reply, spec);
            }
            return;
        }
        // Unknown names are left out rather than answered with a null.
        var found = new List<CommandSpec>();
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            var spec = ctx.Server.Commands.FindFullName(ctx.ArgString(i));
            if (spec is not null) found.Add(spec);
        }
        reply.WriteMapHeader(found.Count);
        foreach (var spec in found)
        {
            reply.WriteBulk(spec.FullName);
            WriteDocs(reply, spec);
        }
    }

    private static void List(CommandContext ctx)
    {
        Func<CommandSpec, bool>? filter = null;
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            // FILTERBY must be the last three arguments; anything else is a syntax error.
            if (!ctx.ArgIs(i, "filterby") || ctx.ArgCount - 1 - i != 2)
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
            byte[] value = ctx.Args.ToArray(i + 2);
            if (ctx.ArgIs(i + 1, "module")) filter = _ => false; // no modules
            else if (ctx.ArgIs(i + 1, "aclcat"))
            {
                var category = CategoryByName(Encoding.Latin1.GetString(value));
                filter = spec => category != AclCategories.None && (spec.Acl & category) != 0;
            }
            else if (ctx.ArgIs(i + 1, "pattern")) filter = spec => GlobMatcher.IsMatch(value, Encoding.ASCII.GetBytes(spec.FullName), ignoreCase: true);
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
            i += 2;
        }

        var names = new List<string>();
        foreach (var spec in ctx.Server.Commands.All)
        {
            if (filter is null || filter(spec)) names.Add(spec.FullName);
            if (spec.Subcommands is null) continue;
            foreach (var sub in spec.Subcommands.Values)
            {
                if (filter is null || filter(sub)) names.Add(sub.FullName);
            }
        }
        ctx.Reply.WriteBulkArray(names);
    }

    private static AclCategories CategoryByName(string name)
    {
        foreach (var category in Enum.GetValues<AclCategories>())
        {
            if (category != AclCategories.None && FlagWords.Name(category).AsSpan(1).Equals(name, StringComparison.OrdinalIgnoreCase))
                return category;
        }
        return AclCategories.None;
    }

    private static void GetKeys(CommandContext ctx, bool withFlags)
    {
        var reply = ctx.Reply;
        var spec = ctx.Server.Commands.Find(ctx.Arg(2));
        if (spec?.Subcommands is not null && ctx.ArgCount > 3) spec = spec.FindSubcommand(ctx.Arg(3));
        if (spec is null)
        {
            reply.WriteError("ERR Invalid command specified");
            return;
        }
        if (!spec.HasKeys)
        {
            reply.WriteError("ERR The command has no key arguments");
            return;
        }
        int argc = ctx.ArgCount - 2;
        if ((spec.Arity > 0 && spec.Arity != argc) || argc < -spec.Arity)
        {
            reply.WriteError("ERR Invalid number of arguments specified for command");
            return;
        }

        var args = new byte[argc][];
        for (int i = 0; i < argc; i++) args[i] = ctx.Args.ToArray(i + 2);
        var keys = new List<KeyReference>();
        spec.GetKeys(args, keys);
        if (keys.Count == 0)
        {
            if (spec.Is(CommandFlags.NoMandatoryKeys)) reply.WriteArrayHeader(0);
            else reply.WriteError("ERR Invalid arguments specified for command");
            return;
        }
        reply.WriteArrayHeader(keys.Count);
        foreach (var key in keys)
        {
            if (withFlags) reply.WriteArrayHeader(2);
            reply.WriteBulk(args[key.Position]);
            if (withFlags) WriteKeySpecFlags(reply, key.Flags);
        }
    }

    /// <summary>One command's COMMAND INFO entry: the ten fields Redis 7.0 prints, subcommands nested.</summary>
    public static void WriteInfo(RespWriter reply, CommandSpec spec)
    {
        reply.WriteArrayHeader(10);
        reply.WriteBulk(spec.FullName);
        reply.WriteInteger(spec.Arity);

        int flagCount = 0;
        foreach (var flag in VisibleFlags)
        {
            if (spec.Is(flag)) flagCount++;
        }
        reply.WriteSetHeader(flagCount);
        foreach (var flag in VisibleFlags)
        {
            if (spec.Is(flag)) reply.WriteSimpleString(FlagWords.Name(flag));
        }

        reply.WriteInteger(spec.FirstKey);
        reply.WriteInteger(spec.LastKey);
        reply.WriteInteger(spec.KeyStep);

        var categories = AllCategories;
        int categoryCount = 0;
        foreach (var category in categories)
        {
            if ((spec.Acl & category) != 0) categoryCount++;
        }
        reply.WriteSetHeader(categoryCount);
        foreach (var category in categories)
        {
            if ((spec.Acl & category) != 0) reply.WriteSimpleString(FlagWords.Name(category));
        }

        reply.WriteSetHeader(spec.Tips.Length);
        foreach (var tip in spec.Tips) reply.WriteBulk(tip);

        reply.WriteSetHeader(spec.KeySpecs.Length);
        foreach (var keySpec in spec.KeySpecs) WriteKeySpec(reply, keySpec);

        if (spec.Subcommands is null) reply.WriteSetHeader(0);
        else
        {
            reply.WriteArrayHeader(spec.Subcommands.Count);
            foreach (var sub in spec.Subcommands.Values) WriteInfo(reply, sub);
        }
    }

    private static void WriteKeySpec(RespWriter reply, KeySpec spec)
    {
        reply.WriteMapHeader(spec.Notes is null ? 3 : 4);
        if (spec.Notes is not null)
        {
            reply.WriteBulk("notes");
            reply.WriteBulk(spec.Notes);
        }
        reply.WriteBulk("flags");
        WriteKeySpecFlags(reply, spec.Flags);

        reply.WriteBulk("begin_search");
        reply.WriteMapHeader(2);
        reply.WriteBulk("type");
        switch (spec.Begin)
        {
            case KeySpec.BeginKind.Index:
                reply.WriteBulk("index");
                reply.WriteBulk("spec");
                reply.WriteMapHeader(1);
                reply.WriteBulk("index");
                reply.WriteInteger(spec.Index);
                break;
            case KeySpec.BeginKind.Keyword:
                reply.WriteBulk("keyword");
                reply.WriteBulk("spec");
                reply.WriteMapHeader(2);
                reply.WriteBulk("keyword");
                reply.WriteBulk(spec.Keyword);
                reply.WriteBulk("startfrom");
                reply.WriteInteger(spec.StartFrom);
                break;
            default:
                reply.WriteBulk("unknown");
                reply.WriteBulk("spec");
                reply.WriteMapHeader(0);
                break;
        }

        reply.WriteBulk("find_keys");
        reply.WriteMapHeader(2);
        reply.WriteBulk("type");
        switch (spec.Find)
        {
            case KeySpec.FindKind.Range:
                reply.WriteBulk("range");
                reply.WriteBulk("spec");
                reply.WriteMapHeader(3);
                reply.WriteBulk("lastkey");
                reply.WriteInteger(spec.LastKey);
                reply.WriteBulk("keystep");
                reply.WriteInteger(spec.KeyStep);
                reply.WriteBulk("limit");
                reply.WriteInteger(spec.Limit);
                break;
            case KeySpec.FindKind.KeyNum:
                reply.WriteBulk("keynum");
                reply.WriteBulk("spec");
                reply.WriteMapHeader(3);
                reply.WriteBulk("keynumidx");
                reply.WriteInteger(spec.KeyNumIndex);
                reply.WriteBulk("firstkey");
                reply.WriteInteger(spec.FirstKey);
                reply.WriteBulk("keystep");
                reply.WriteInteger(spec.KeyStep);
                break;
            default:
                reply.WriteBulk("unknown");
                reply.WriteBulk("spec");
                reply.WriteMapHeader(0);
                break;
        }
    }

    private static void WriteKeySpecFlags(RespWriter reply, KeySpecFlags flags)
    {
        reply.WriteSetHeader(System.Numerics.BitOperations.PopCount((uint)flags));
        foreach (var flag in AllKeySpecFlags)
        {
            if ((flags & flag) != 0) reply.WriteSimpleString(FlagWords.Name(flag));
        }
    }

    /// <summary>One command's COMMAND DOCS entry, with the fields our table knows (no argument tree or history).</summary>
    private static void WriteDocs(RespWriter reply, CommandSpec spec)
    {
        int fields = 2; // since, group
        if (spec.Summary.Length > 0) fields++;
        if (spec.Complexity.Length > 0) fields++;
        if (spec.DocFlags.Length > 0) fields++;
        if (spec.DeprecatedSince is not null) fields++;
        if (spec.ReplacedBy is not null) fields++;
        if (spec.Subcommands is not null) fields++;
        reply.WriteMapHeader(fields);
        if (spec.Summary.Length > 0)
        {
            reply.WriteBulk("summary");
            reply.WriteBulk(spec.Summary);
        }
        reply.WriteBulk("since");
        reply.WriteBulk(spec.Since);
        reply.WriteBulk("group");
        reply.WriteBulk(spec.Group);
        if (spec.Complexity.Length > 0)
        {
            reply.WriteBulk("complexity");
            reply.WriteBulk(spec.Complexity);
        }
        if (spec.DocFlags.Length > 0)
        {
            reply.WriteBulk("doc_flags");
            reply.WriteSetHeader(spec.DocFlags.Length);
            foreach (var flag in spec.DocFlags) reply.WriteSimpleString(flag);
        }
        if (spec.DeprecatedSince is not null)
        {
            reply.WriteBulk("deprecated_since");
            reply.WriteBulk(spec.DeprecatedSince);
        }
        if (spec.ReplacedBy is not null)
        {
            reply.WriteBulk("replaced_by");
            reply.WriteBulk(spec.ReplacedBy);
        }
        if (spec.Subcommands is not null)
        {
            reply.WriteBulk("subcommands");
            reply.WriteMapHeader(spec.Subcommands.Count);
            foreach (var sub in spec.Subcommands.Values)
            {
                reply.WriteBulk(sub.FullName);
                WriteDocs(reply, sub);
            }
        }
    }

    private static readonly CommandFlags[] VisibleFlags = Array.FindAll(Enum.GetValues<CommandFlags>(),
        f => f != CommandFlags.None && f < CommandFlags.Protected);

    private static readonly AclCategories[] AllCategories = Array.FindAll(Enum.GetValues<AclCategories>(), c => c != AclCategories.None);

    private static readonly KeySpecFlags[] AllKeySpecFlags = Array.FindAll(Enum.GetValues<KeySpecFlags>(), f => f != KeySpecFlags.None);
}
