namespace Spinel.Commands.Families;

/// <summary>Server-wide commands: INFO, TIME, DEBUG, SHUTDOWN.</summary>
public static class ServerCommands
{
    /// <summary>The Redis version Spinel is compatible with, reported where clients look for it.</summary>
    public const string RedisVersion = "7.0.15";

    public static readonly CommandSpec[] Commands = [];
}
