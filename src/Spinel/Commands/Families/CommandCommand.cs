namespace Spinel.Commands.Families;

/// <summary>COMMAND and its subcommands: introspection of the command table.</summary>
public static class CommandCommand
{
    public static readonly CommandSpec[] Commands =
    [
        new CommandSpec("command", -1, "loading stale", "@connection", ctx => ctx.Reply.WriteArrayHeader(0)).WithSubcommands(
            new CommandSpec("count", 2, "loading stale", "@connection", ctx => ctx.Reply.WriteInteger(ctx.Server.Commands.Count))),
    ];
}
