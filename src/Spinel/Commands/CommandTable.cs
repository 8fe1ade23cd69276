namespace Spinel.Commands;

/// <summary>
/// Every command the server knows, gathered from the family files. Each family declares its
/// commands once in a static <c>Commands</c> array next to their handlers; to add a family,
/// append its array here.
/// </summary>
public sealed class CommandTable
{
    private readonly Dictionary<string, CommandSpec> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CommandSpec>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public CommandTable()
    {
        Register(Families.ConnectionCommands.Commands);
        Register(Families.StringCommands.Commands);
        Register(Families.KeyCommands.Commands);
        Register(Families.DatabaseCommands.Commands);
        Register(Families.ExpireCommands.Commands);
        Register(Families.ServerCommands.Commands);
        Register(Families.ClientCommands.Commands);
        Register(Families.CommandCommand.Commands);
        Register(Families.ConfigCommands.Commands);
        _lookup = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _byName.Count;

    public IEnumerable<CommandSpec> All => _byName.Values;

    private void Register(IEnumerable<CommandSpec> specs)
    {
        foreach (var spec in specs) _byName.Add(spec.Name, spec);
    }

    /// <summary>Finds a command by its name in any letter case, without allocating.</summary>
    public CommandSpec? Find(ReadOnlySpan<byte> name)
    {
        if (name.Length > 64) return null;
        Span<char> lower = stackalloc char[name.Length];
        for (int i = 0; i < name.Length; i++)
        {
            byte b = name[i];
            lower[i] = (char)(b is >= (byte)'A' and <= (byte)'Z' ? b | 0x20 : b);
        }
        return _lookup.TryGetValue(lower, out var spec) ? spec : null;
    }

    public CommandSpec? Find(string name) => _byName.GetValueOrDefault(name.ToLowerInvariant());

    /// <summary>Finds "config" or "config|get" style full names.</summary>
    public CommandSpec? FindFullName(string fullName)
    {
        int bar = fullName.IndexOf('|');
        if (bar < 0) return Find(fullName);
        var parent = Find(fullName[..bar]);
        return parent?.Subcommands?.GetValueOrDefault(fullName[(bar + 1)..]);
    }
}
