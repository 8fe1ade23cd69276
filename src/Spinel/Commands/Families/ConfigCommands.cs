namespace Spinel.Commands.Families;

/// <summary>CONFIG GET / SET / RESETSTAT / HELP.</summary>
public static class ConfigCommands
{
    public static readonly CommandSpec[] Commands = [];
}
