namespace Spinel.Commands;

public delegate void CommandHandler(CommandContext ctx);

/// <summary>
/// One command's declaration: everything the dispatcher, COMMAND, ACLs and cluster routing need.
/// Declared once, in the family file that implements it (see <see cref="CommandTable"/>).
/// </summary>
public sealed class CommandSpec
{
    /// <param name="name">Lower-case name ("get", or the subcommand word "get" under "config").</param>
    /// <param name="arity">Redis convention: N exactly N arguments with the name, -N at least N.</param>
    /// <param name="flags">Command flags as words: "write denyoom fast".</param>
    /// <param name="acl">Explicit ACL categories as words: "@string"; implied ones are added from the flags.</param>
    /// <param name="handler">The implementation; null for containers that only route to subcommands.</param>
    /// <param name="keys">Key specs, see <see cref="KeySpec"/>.</param>
    public CommandSpec(string name, int arity, string flags, string acl, CommandHandler? handler, params string[] keys)
    {
        Name = name;
        Arity = arity;
        Flags = FlagWords.ParseCommandFlags(flags);
        ExplicitAcl = FlagWords.ParseCategories(acl);
        Handler = handler;
        KeySpecs = Array.ConvertAll(keys, KeySpec.Parse);
        ComputeLegacyKeyRange();
        Acl = ImpliedCategories(Flags, ExplicitAcl);
    }

    public string Name { get; }

    /// <summary>"config|get" for subcommands, as Redis names them in errors and stats.</summary>
    public string FullName => _fullName ??= Parent is null ? Name : Parent.Name + "|" + Name;

    private string? _fullName;

    public int Arity { get; }
    public CommandFlags Flags { get; private set; }
    public AclCategories ExplicitAcl { get; }
    public AclCategories Acl { get; }
    public CommandHandler? Handler { get; }
    public KeySpec[] KeySpecs { get; }

    /// <summary>Command tips shown by COMMAND INFO ("nondeterministic_output", "request_policy:all_shards", ...).</summary>
    public string[] Tips { get; init; } = [];

    /// <summary>Runs Lua, so may take seconds (see <see cref="Scripting.ScriptPlacement"/>).</summary>
    public bool RunsScript { get; init; }

    public string Group { get; init; } = "generic";
    public string Since { get; init; } = "1.0.0";
    public string Summary { get; init; } = "";
    public string Complexity { get; init; } = "";

    /// <summary>COMMAND DOCS doc_flags: "deprecated", "syscmd".</summary>
    public string[] DocFlags { get; init; } = [];
    public string? DeprecatedSince { get; init; }
    public string? ReplacedBy { get; init; }

    public CommandSpec? Parent { get; private set; }
    public IReadOnlyDictionary<string, CommandSpec>? Subcommands => _subcommands;

    private Dictionary<string, CommandSpec>? _subcommands;
    private Dictionary<string, CommandSpec>.AlternateLookup<ReadOnlySpan<char>> _subcommandLookup;

    /// <summary>The pre-7.0 (first, last, step) key triple that COMMAND INFO still reports.</summary>
    public int FirstKey { get; private set; }
    public int LastKey { get; private set; }
    public int KeyStep { get; private set; }

    private static int s_nextOrdinal;

    /// <summary>A process-wide number for this declaration; each server's table keeps its counters by it.</summary>
    public int Ordinal { get; } = Interlocked.Increment(ref s_nextOrdinal) - 1;

    public bool Is(CommandFlags flag) => (Flags & flag) != 0;

    public CommandSpec WithSubcommands(params CommandSpec[] subcommands)
    {
        var map = new Dictionary<string, CommandSpec>(StringComparer.OrdinalIgnoreCase);
        foreach (var sub in subcommands)
        {
            sub.Parent = this;
            map.Add(sub.Name, sub);
        }
        _subcommands = map;
        _subcommandLookup = map.GetAlternateLookup<ReadOnlySpan<char>>();
        return this;
    }

    /// <summary>Finds a subcommand by name in any letter case, without allocating.</summary>
    public CommandSpec? FindSubcommand(ReadOnlySpan<byte> name)
    {
        if (_subcommands is null || name.Length > 64) return null;
        // Widening each byte keeps non-ASCII input from ever folding onto an ASCII name.
        Span<char> chars = stackalloc char[name.Length];
        for (int i = 0; i < name.Length; i++) chars[i] = (char)name[i];
        return _subcommandLookup.TryGetValue(chars, out var sub) ? sub : null;
    }

    /// <summary>Whether COMMAND GETKEYS can say anything: a key finder, or a spec for real keys (not NOT_KEY).</summary>
    public bool HasKeys => KeyFinder is not null || HasRealKeySpec;

    private bool HasRealKeySpec => Array.Exists(KeySpecs, k => (k.Flags & KeySpecFlags.NotKey) == 0);

    /// <summary>The argument walk for commands whose specs are not enough (see <see cref="KeyFinders"/>).</summary>
    public KeyFinder? KeyFinder => KeyFinders.Find(FullName);

    /// <summary>
    /// The keys of a full command line (argv[0] is this command), as Redis finds them: from the key specs
    /// when they are complete and their flags fixed, otherwise with the command's key finder.
    /// </summary>
    public void GetKeys(IReadOnlyList<byte[]> args, List<KeyReference> keys)
    {
        bool variableFlags = Array.Exists(KeySpecs, k => (k.Flags & KeySpecFlags.VariableFlags) != 0);
        if (HasRealKeySpec && !variableFlags)
        {
            int before = keys.Count;
            bool valid = true;
            foreach (var spec in KeySpecs)
            {
                if ((spec.Flags & KeySpecFlags.NotKey) != 0) continue;
                if (spec.CollectKeys(args, keys) == KeySpec.Result.Invalid)
                {
                    valid = false;
                    break;
                }
            }
            if (valid) return;
            keys.RemoveRange(before, keys.Count - before);
        }
        KeyFinder?.Invoke(args, keys);
    }

    private static AclCategories ImpliedCategories(CommandFlags flags, AclCategories explicitAcl)
    {
        var acl = explicitAcl;
        if ((flags & CommandFlags.Write) != 0) acl |= AclCategories.Write;
        if ((flags & CommandFlags.ReadOnly) != 0 && (explicitAcl & AclCategories.Scripting) == 0) acl |= AclCategories.Read;
        if ((flags & CommandFlags.Admin) != 0) acl |= AclCategories.Admin | AclCategories.Dangerous;
        if ((flags & CommandFlags.PubSub) != 0) acl |= AclCategories.PubSub;
        if ((flags & CommandFlags.Fast) != 0) acl |= AclCategories.Fast;
        if ((flags & CommandFlags.Blocking) != 0) acl |= AclCategories.Blocking;
        if ((acl & AclCategories.Fast) == 0) acl |= AclCategories.Slow;
        return acl;
    }

    /// <summary>
    /// Derives (first, last, step) from the key specs as Redis does: consecutive plain range specs merge
    /// into one range; anything else (keywords, key counts, gaps, incomplete specs) makes the keys movable.
    /// </summary>
    private void ComputeLegacyKeyRange()
    {
        if (KeySpecs.Length == 0) return;
        if (KeySpecs.Length == 1 && KeySpecs[0].Begin == KeySpec.BeginKind.Index && KeySpecs[0].Find == KeySpec.FindKind.Range)
        {
            var only = KeySpecs[0];
            SetLegacy(only.Index, only.LastKey, only.KeyStep);
            if ((only.Flags & KeySpecFlags.Incomplete) != 0) Flags |= CommandFlags.MovableKeys;
            return;
        }
        int first = int.MaxValue;
        uint last = 0;
        uint previousLast = 0;
        foreach (var spec in KeySpecs)
        {
            if (spec.Begin != KeySpec.BeginKind.Index || spec.Find != KeySpec.FindKind.Range
                || spec.KeyStep != 1 || (previousLast != 0 && previousLast != (uint)(spec.Index - 1)))
            {
                Flags |= CommandFlags.MovableKeys;
                continue;
            }
            if ((spec.Flags & KeySpecFlags.Incomplete) != 0) Flags |= CommandFlags.MovableKeys;
            first = Math.Min(first, spec.Index);
            int absoluteLast = spec.LastKey >= 0 ? spec.LastKey + spec.Index : spec.LastKey;
            last = Math.Max(last, (uint)absoluteLast);
            previousLast = last;
        }
        if (first == int.MaxValue)
        {
            Flags |= CommandFlags.MovableKeys;
            return;
        }
        int lastSigned = (int)last;
        SetLegacy(first, lastSigned < 0 ? lastSigned : lastSigned - first, 1);
    }

    private void SetLegacy(int first, int relativeLast, int step)
    {
        FirstKey = first;
        LastKey = relativeLast >= 0 ? first + relativeLast : relativeLast;
        KeyStep = step;
    }
}

/// <summary>Per-command counters for INFO commandstats; one set per server (declarations are shared by all servers in a process).</summary>
public sealed class CommandStats
{
    public long Calls;
    public long Ticks;  // Stopwatch ticks spent in the handler
    public long RejectedCalls;
    public long FailedCalls;

    public long Microseconds => Ticks * 1_000_000 / System.Diagnostics.Stopwatch.Frequency;

    public void Reset() => Calls = Ticks = RejectedCalls = FailedCalls = 0;
}
