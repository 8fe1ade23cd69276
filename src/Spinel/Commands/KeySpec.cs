using System.Text;

namespace Spinel.Commands;

/// <summary>A key found in a command's arguments: its position (argv[0] is the command) and how it is used.</summary>
public readonly record struct KeyReference(int Position, KeySpecFlags Flags);

/// <summary>
/// Where a command's keys are, in Redis 7's key-spec form: a begin search (an argument index, or a
/// keyword to look for) and a find-keys rule (a range, or a count argument). COMMAND GETKEYS,
/// COMMAND INFO, ACL key checks and cluster routing all read these.
/// Declared as text: "RW ACCESS: index 1 range 0 1 0", "RO: keyword STORE 1 range 0 1 0",
/// "RO: index 2 keynum 0 1 1", "RW INCOMPLETE: unknown unknown"; notes (shown by COMMAND INFO)
/// follow a bar: "RW ACCESS UPDATE VARIABLE_FLAGS: index 1 range 0 1 0 | RW and ACCESS due to ...".
/// </summary>
public sealed class KeySpec
{
    public KeySpecFlags Flags { get; init; }
    public string? Notes { get; init; }

    public BeginKind Begin { get; init; }
    public int Index { get; init; }           // index: the argument position
    public string Keyword { get; init; } = ""; // keyword: the token to find
    public int StartFrom { get; init; }       // keyword: where to start looking (negative: from the end)

    public FindKind Find { get; init; }
    public int LastKey { get; init; }         // range: last key relative to the first (-1: the last argument)
    public int KeyStep { get; init; }         // range and keynum
    public int Limit { get; init; }           // range: with LastKey -1, take 1/limit of the remaining args
    public int KeyNumIndex { get; init; }     // keynum: the argument holding the count, relative to begin
    public int FirstKey { get; init; }        // keynum: the first key, relative to begin

    public enum BeginKind { Index, Keyword, Unknown }

    public enum FindKind { Range, KeyNum, Unknown }

    public static KeySpec Parse(string text)
    {
        string? notes = null;
        int bar = text.IndexOf(" | ", StringComparison.Ordinal);
        if (bar >= 0)
        {
            notes = text[(bar + 3)..];
            text = text[..bar];
        }
        int colon = text.IndexOf(':');
        var flags = FlagWords.ParseKeySpecFlags(text[..colon]);
        var w = text[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int p = 0;
        BeginKind begin;
        int index = 0, startFrom = 0;
        string keyword = "";
        switch (w[p++])
        {
            case "index": begin = BeginKind.Index; index = int.Parse(w[p++]); break;
            case "keyword": begin = BeginKind.Keyword; keyword = w[p++]; startFrom = int.Parse(w[p++]); break;
            case "unknown": begin = BeginKind.Unknown; break;
            default: throw new ArgumentException("bad key spec " + text);
        }
        FindKind find;
        int lastKey = 0, step = 0, limit = 0, keyNumIndex = 0, firstKey = 0;
        switch (w[p++])
        {
            case "range": find = FindKind.Range; lastKey = int.Parse(w[p++]); step = int.Parse(w[p++]); limit = int.Parse(w[p++]); break;
            case "keynum": find = FindKind.KeyNum; keyNumIndex = int.Parse(w[p++]); firstKey = int.Parse(w[p++]); step = int.Parse(w[p++]); break;
            case "unknown": find = FindKind.Unknown; break;
            default: throw new ArgumentException("bad key spec " + text);
        }
        if (p != w.Length) throw new ArgumentException("bad key spec " + text);
        return new KeySpec
        {
            Flags = flags,
            Notes = notes,
            Begin = begin,
            Index = index,
            Keyword = keyword,
            StartFrom = startFrom,
            Find = find,
            LastKey = lastKey,
            KeyStep = step,
            Limit = limit,
            KeyNumIndex = keyNumIndex,
            FirstKey = firstKey,
        };
    }

    public enum Result
    {
        /// <summary>Keys (possibly none) were added.</summary>
        Found,
        /// <summary>The begin keyword is absent: this spec has no keys here.</summary>
        NotFound,
        /// <summary>The spec cannot locate its keys in these arguments (unknown spec, bad count, out of bounds,
        /// or an incomplete spec); the caller falls back to the command's own key finder.</summary>
        Invalid,
    }

    /// <summary>Adds the keys of this spec in <paramref name="args"/> (argv[0] is the command), as Redis's key-spec walk does.</summary>
    public Result CollectKeys(IReadOnlyList<byte[]> args, List<KeyReference> keys)
    {
        int argc = args.Count;
        int first;
        switch (Begin)
        {
            case BeginKind.Index:
                first = Index;
                break;
            case BeginKind.Keyword:
                first = FindKeyword(args);
                if (first == 0) return Result.NotFound;
                break;
            default:
                return Result.Invalid;
        }

        long last;
        int step;
        switch (Find)
        {
            case FindKind.Range:
                step = KeyStep;
                if (LastKey >= 0) last = first + LastKey;
                else if (Limit == 0) last = argc + LastKey;
                else last = first + ((argc - first) / Limit) + LastKey;
                break;
            case FindKind.KeyNum:
                step = KeyStep;
                int countAt = first + KeyNumIndex;
                if (countAt >= argc || !Util.RedisNumbers.TryParseInt64(args[countAt], out long count) || count < 0) return Result.Invalid;
                first += FirstKey;
                last = first + (long)unchecked((int)count) - 1; // Redis narrows the count to an int
                break;
            default:
                return Result.Invalid;
        }

        // Out of bounds means a syntax error in the command; the spec cannot be trusted.
        if (last >= argc || last < first || first >= argc) return Result.Invalid;
        for (long i = first; i <= last; i += Math.Max(step, 1)) keys.Add(new KeyReference((int)i, Flags));
        return (Flags & KeySpecFlags.Incomplete) != 0 ? Result.Invalid : Result.Found;
    }

    /// <summary>The position after the keyword, or 0 when absent. Like Redis, the search stops before the
    /// end position (the last argument forward, argv[1] backward is still checked).</summary>
    private int FindKeyword(IReadOnlyList<byte[]> args)
    {
        int argc = args.Count;
        int start = StartFrom > 0 ? StartFrom : argc + StartFrom;
        int end = StartFrom > 0 ? argc - 1 : 0;
        for (int i = start; i != end; i = start <= end ? i + 1 : i - 1)
        {
            if (i >= argc || i < 1) break;
            if (Ascii.EqualsIgnoreCase(args[i], Keyword)) return i + 1;
        }
        return 0;
    }
}

/// <summary>Finds a command's keys when its key specs cannot (unknown, incomplete or variable-flag specs).</summary>
public delegate void KeyFinder(IReadOnlyList<byte[]> args, List<KeyReference> keys);

/// <summary>
/// The commands whose key specs are not enough to find their keys or their exact flags, with the
/// argument walk Redis uses for them. Looked up by full name, so the families need not declare them.
/// </summary>
public static class KeyFinders
{
    private static readonly Dictionary<string, KeyFinder> ByName = new(StringComparer.Ordinal)
    {
        ["set"] = Set,
        ["bitfield"] = Bitfield,
        ["sort"] = Sort,
        ["sort_ro"] = SortReadOnly,
        ["migrate"] = Migrate,
    };

    public static KeyFinder? Find(string fullName) => ByName.GetValueOrDefault(fullName);

    /// <summary>SET: the key is read too when GET is given.</summary>
    private static void Set(IReadOnlyList<byte[]> args, List<KeyReference> keys)
    {
        for (int i = 3; i < args.Count; i++)
        {
            if (Is(args[i], "get"))
            {
                keys.Add(new KeyReference(1, KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update));
                return;
            }
        }
        keys.Add(new KeyReference(1, KeySpecFlags.OW | KeySpecFlags.Update));
    }

    /// <summary>BITFIELD: read-only unless a SET/INCRBY (or anything unparsable) appears.</summary>
    private static void Bitfield(IReadOnlyList<byte[]> args, List<KeyReference> keys)
    {
        bool readOnly = true;
        for (int i = 2; i < args.Count; i++)
        {
            int remaining = args.Count - i - 1;
            if (Is(args[i], "get") && remaining >= 2) i += 2;
            else if ((Is(args[i], "set") || Is(args[i], "incrby")) && remaining >= 3) { readOnly = false; break; }
            else if (Is(args[i], "overflow") && remaining >= 1) i += 1;
            else { readOnly = false; break; }
        }
        keys.Add(new KeyReference(1, readOnly ? KeySpecFlags.RO | KeySpecFlags.Access : KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update));
    }

    /// <summary>SORT: the sorted key, and the last STORE destination; LIMIT, GET and BY operands are skipped.</summary>
    private static void Sort(IReadOnlyList<byte[]> args, List<KeyReference> keys)
    {
        keys.Add(new KeyReference(1, KeySpecFlags.RO | KeySpecFlags.Access));
        int store = 0;
        for (int i = 2; i < args.Count; i++)
        {
            if (Is(args[i], "limit")) i += 2;
            else if (Is(args[i], "store") && i + 1 < args.Count) store = i + 1;
            else if (Is(args[i], "get") || Is(args[i], "by")) i += 1;
        }
        if (store > 0) keys.Add(new KeyReference(store, KeySpecFlags.OW | KeySpecFlags.Update));
    }

    private static void SortReadOnly(IReadOnlyList<byte[]> args, List<KeyReference> keys) =>
        keys.Add(new KeyReference(1, KeySpecFlags.RO | KeySpecFlags.Access));

    /// <summary>MIGRATE: argv[3], or everything after KEYS (which requires an empty argv[3]).</summary>
    private static void Migrate(IReadOnlyList<byte[]> args, List<KeyReference> keys)
    {
        int first = 3, count = 1;
        for (int i = 6; i < args.Count; i++)
        {
            if (Is(args[i], "keys"))
            {
                if (args[3].Length > 0) return;
                first = i + 1;
                count = args.Count - first;
                break;
            }
            if (Is(args[i], "auth")) i += 1;
            else if (Is(args[i], "auth2")) i += 2;
        }
        for (int k = 0; k < count; k++) keys.Add(new KeyReference(first + k, KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete));
    }

    private static bool Is(byte[] arg, string word) => Ascii.EqualsIgnoreCase(arg, word);
}
