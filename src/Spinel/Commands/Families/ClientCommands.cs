namespace Spinel.Commands.Families;

/// <summary>CLIENT and its subcommands.</summary>
public static class ClientCommands
{
    public const string InvalidNameError = "ERR Client names cannot contain spaces, newlines or special characters.";

    public static readonly CommandSpec[] Commands =
    [
        new CommandSpec("client", -2, "sentinel", "@slow", null).WithSubcommands(
            new CommandSpec("id", 2, "noscript loading stale", "@connection", ctx => ctx.Reply.WriteInteger(ctx.Client.Id)),
            new CommandSpec("setname", 3, "noscript loading stale", "@connection", SetName),
            new CommandSpec("getname", 2, "noscript loading stale", "@connection", GetName)),
    ];

    /// <summary>Client names are printable ASCII without spaces, as in Redis.</summary>
    public static bool IsValidName(string name)
    {
        foreach (char c in name)
        {
            if (c < '!' || c > '~') return false;
        }
        return true;
    }

    private static void SetName(CommandContext ctx)
    {
        var name = ctx.ArgString(2);
        if (!IsValidName(name))
        {
            ctx.Reply.WriteError(InvalidNameError);
            return;
        }
        ctx.Client.Name = name;
        ctx.Reply.WriteOk();
    }

    private static void GetName(CommandContext ctx)
    {
        if (ctx.Client.Name.Length == 0) ctx.Reply.WriteNull();
        else ctx.Reply.WriteBulk(ctx.Client.Name);
    }
}
