namespace Spinel.Commands.Families;

/// <summary>Key deadlines: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST.</summary>
public static class ExpireCommands
{
    public static readonly CommandSpec[] Commands = [];
}
