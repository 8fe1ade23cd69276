namespace Spinel.Commands;

/// <summary>Error replies shared by many commands, worded exactly as Redis words them.</summary>
public static class Errors
{
    public const string WrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public const string Syntax = "ERR syntax error";
    public const string NumkeysNotPositive = "ERR numkeys should be greater than 0";
    public const string NotInteger = "ERR value is not an integer or out of range";
    public const string NotFloat = "ERR value is not a valid float";
    public const string NoSuchKey = "ERR no such key";
    public const string DbIndexOutOfRange = "ERR DB index is out of range";
    public const string Overflow = "ERR increment or decrement would overflow";
    public const string NoAuth = "NOAUTH Authentication required.";
    public const string TimeoutNotFloat = "ERR timeout is not a float or out of range";
    public const string TimeoutNegative = "ERR timeout is negative";
    public const string ReplyTooLarge = "ERR reply would exceed 512 MB; ask for fewer elements";
    public const string InvalidExpire = "ERR invalid expire time in '{0}' command";

    public static string WrongArity(string fullName) => $"ERR wrong number of arguments for '{fullName}' command";

    public static string UnknownSubcommand(string subcommand, string container) =>
        $"ERR unknown subcommand '{Truncate(subcommand)}'. Try {container.ToUpperInvariant()} HELP.";

    /// <summary>
    /// Redis's reply when a subcommand exists but its arguments do not fit: the subcommand as the client typed it
    /// (case kept, up to 128 characters), the container upper-cased.
    /// </summary>
    public static string SubcommandSyntax(string subcommand, string container) =>
        $"ERR unknown subcommand or wrong number of arguments for '{Truncate(subcommand)}'. Try {container.ToUpperInvariant()} HELP.";

    public static string Truncate(string s) => s.Length > 128 ? s[..128] : s;
}
