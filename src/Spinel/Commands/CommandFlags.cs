namespace Spinel.Commands;

/// <summary>Command flags, in the order COMMAND INFO lists them.</summary>
[Flags]
public enum CommandFlags : long
{
    None = 0,
    Write = 1L << 0,
    ReadOnly = 1L << 1,
    DenyOom = 1L << 2,
    Module = 1L << 3,
    Admin = 1L << 4,
    PubSub = 1L << 5,
    NoScript = 1L << 6,
    Blocking = 1L << 7,
    Loading = 1L << 8,
    Stale = 1L << 9,
    SkipMonitor = 1L << 10,
    SkipSlowlog = 1L << 11,
    Asking = 1L << 12,
    Fast = 1L << 13,
    NoAuth = 1L << 14,
    MayReplicate = 1L << 15,
    NoMandatoryKeys = 1L << 16,
    NoAsyncLoading = 1L << 17,
    NoMulti = 1L << 18,
    MovableKeys = 1L << 19,
    AllowBusy = 1L << 20,
    // Flags below are not shown by COMMAND INFO.
    Protected = 1L << 40,
    Sentinel = 1L << 41,
    OnlySentinel = 1L << 42,
}

/// <summary>ACL categories, in the order Redis lists them.</summary>
[Flags]
public enum AclCategories
{
    None = 0,
    Keyspace = 1 << 0,
    Read = 1 << 1,
    Write = 1 << 2,
    Set = 1 << 3,
    SortedSet = 1 << 4,
    List = 1 << 5,
    Hash = 1 << 6,
    String = 1 << 7,
    Bitmap = 1 << 8,
    HyperLogLog = 1 << 9,
    Geo = 1 << 10,
    Stream = 1 << 11,
    PubSub = 1 << 12,
    Admin = 1 << 13,
    Fast = 1 << 14,
    Slow = 1 << 15,
    Blocking = 1 << 16,
    Dangerous = 1 << 17,
    Connection = 1 << 18,
    Transaction = 1 << 19,
    Scripting = 1 << 20,
}

/// <summary>Key-spec flags, in the order COMMAND INFO lists them.</summary>
[Flags]
public enum KeySpecFlags
{
    None = 0,
    RO = 1 << 0,
    RW = 1 << 1,
    OW = 1 << 2,
    RM = 1 << 3,
    Access = 1 << 4,
    Update = 1 << 5,
    Insert = 1 << 6,
    Delete = 1 << 7,
    NotKey = 1 << 8,
    Incomplete = 1 << 9,
    VariableFlags = 1 << 10,
}

/// <summary>Turns the words used in command declarations into flags, so declarations read like Redis's metadata.</summary>
public static class FlagWords
{
    public static string Name(CommandFlags flag) => flag switch
    {
        CommandFlags.SkipMonitor => "skip_monitor",
        CommandFlags.SkipSlowlog => "skip_slowlog",
        CommandFlags.NoAuth => "no_auth",
        CommandFlags.MayReplicate => "may_replicate",
        CommandFlags.NoMandatoryKeys => "no_mandatory_keys",
        CommandFlags.NoAsyncLoading => "no_async_loading",
        CommandFlags.NoMulti => "no_multi",
        CommandFlags.MovableKeys => "movablekeys",
        CommandFlags.AllowBusy => "allow_busy",
        CommandFlags.OnlySentinel => "only_sentinel",
        _ => flag.ToString().ToLowerInvariant(),
    };

    public static string Name(AclCategories category) => "@" + category.ToString().ToLowerInvariant();

    public static string Name(KeySpecFlags flag) => flag switch
    {
        KeySpecFlags.Access => "access",
        KeySpecFlags.Update => "update",
        KeySpecFlags.Insert => "insert",
        KeySpecFlags.Delete => "delete",
        KeySpecFlags.NotKey => "not_key",
        KeySpecFlags.Incomplete => "incomplete",
        KeySpecFlags.VariableFlags => "variable_flags",
        _ => flag.ToString(),
    };

    public static CommandFlags ParseCommandFlags(string words) => Parse<CommandFlags>(words, Name);

    public static AclCategories ParseCategories(string words) => Parse<AclCategories>(words, Name);

    public static KeySpecFlags ParseKeySpecFlags(string words) => Parse<KeySpecFlags>(words, Name);

    private static T Parse<T>(string words, Func<T, string> name) where T : struct, Enum
    {
        long result = 0;
        foreach (var word in words.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            bool found = false;
            foreach (T value in Enum.GetValues<T>())
            {
                long bits = Convert.ToInt64(value);
                if (bits != 0 && string.Equals(name(value), word, StringComparison.OrdinalIgnoreCase))
                {
                    result |= bits;
                    found = true;
                    break;
                }
            }
            if (!found) throw new ArgumentException($"unknown {typeof(T).Name} word '{word}'");
        }
        return (T)Enum.ToObject(typeof(T), result);
    }
}
