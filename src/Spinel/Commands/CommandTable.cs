namespace Spinel.Commands;

/// <summary>
/// Every command the server knows, gathered from the family files. Each family declares its
/// commands once in a static <c>Commands</c> array next to their handlers; to add a family,
/// append its array here.
/// </summary>
public sealed class CommandTable
{
    private readonly Dictionary<string, CommandSpec> _byName = new(StringComparer.Ordinal);

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
        Register(Families.HashCommands.Commands);
        Register(Families.SetCommands.Commands);
        Register(Families.ListCommands.Commands);
        Register(Families.ListBlockingCommands.Commands);
        Register(Families.SortedSetCommands.Commands);
        Register(Families.SortedSetRangeCommands.Commands);
        Register(Families.SortedSetBlockingCommands.Commands);
        Register(Families.SortedSetAlgebraCommands.Commands);
        Register(Families.GeoCommands.Commands);
        Register(Families.BitmapCommands.Commands);
        Register(Families.BitfieldCommands.Commands);
        Register(Families.HyperLogLogCommands.Commands);
        Register(Families.TransactionCommands.Commands);
        Register(Families.PubSubCommands.Commands);
        Register(Families.ScriptingCommands.Commands);
        Register(Families.FunctionCommands.Commands);
        _slots = BuildSlots(_byName.Values);
        int maxOrdinal = 0;
        foreach (var spec in AllWithSubcommands()) maxOrdinal = Math.Max(maxOrdinal, spec.Ordinal);
        _stats = new CommandStats[maxOrdinal + 1];
        foreach (var spec in AllWithSubcommands()) _stats[spec.Ordinal] = new CommandStats();
    }

    private readonly CommandStats[] _stats;

    public int Count => _byName.Count;

    /// <summary>This server's counters for a command (declarations are shared, counters are not).</summary>
    public CommandStats StatsOf(CommandSpec spec) => _stats[spec.Ordinal];

    /// <summary>Every command and subcommand, containers included.</summary>
    public IEnumerable<CommandSpec> AllWithSubcommands()
    {
        foreach (var spec in _byName.Values)
        {
            yield return spec;
            if (spec.Subcommands is null) continue;
            foreach (var sub in spec.Subcommands.Values) yield return sub;
        }
    }

    public void ResetStats()
    {
        foreach (var stats in _stats) stats?.Reset();
    }

    public IEnumerable<CommandSpec> All => _byName.Values;

    private void Register(IEnumerable<CommandSpec> specs)
    {
        foreach (var spec in specs) _byName.Add(spec.Name, spec);
    }

    /// <summary>Finds a command by its name in any letter case: one hash over the bytes, no allocation.</summary>
    public CommandSpec? Find(ReadOnlySpan<byte> name)
    {
        if (name.Length > 64) return null;
        var slots = _slots;
        int mask = slots.Length - 1;
        for (int i = (int)HashLower(name) & mask; ; i = (i + 1) & mask)
        {
            var slot = slots[i];
            if (slot.Spec is null) return null;
            if (EqualsLower(slot.Name, name)) return slot.Spec;
        }
    }

    // Open addressing over lower-case name bytes, kept at most a quarter full.
    private readonly (byte[] Name, CommandSpec? Spec)[] _slots;

    private static (byte[] Name, CommandSpec? Spec)[] BuildSlots(IReadOnlyCollection<CommandSpec> specs)
    {
        int size = 64;
        while (size < specs.Count * 4) size *= 2;
        var slots = new (byte[] Name, CommandSpec? Spec)[size];
        foreach (var spec in specs)
        {
            var name = System.Text.Encoding.ASCII.GetBytes(spec.Name);
            int i = (int)HashLower(name) & (size - 1);
            while (slots[i].Spec is not null) i = (i + 1) & (size - 1);
            slots[i] = (name, spec);
        }
        return slots;
    }

    private static byte Lower(byte b) => (uint)(b - 'A') <= 'Z' - 'A' ? (byte)(b | 0x20) : b;

    private static uint HashLower(ReadOnlySpan<byte> name)
    {
        uint hash = 2166136261;
        foreach (byte b in name) hash = (hash ^ Lower(b)) * 16777619;
        return hash;
    }

    private static bool EqualsLower(byte[] lowerName, ReadOnlySpan<byte> name)
    {
        if (lowerName.Length != name.Length) return false;
        for (int i = 0; i < name.Length; i++)
        {
            if (lowerName[i] != Lower(name[i])) return false;
        }
        return true;
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
