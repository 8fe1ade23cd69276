using Spinel.Protocol;

namespace Spinel.Scripting;

/// <summary>Flags a script declares in its shebang line (<c>#!lua flags=no-writes,allow-oom</c>) or a function in register_function.</summary>
[Flags]
public enum ScriptFlags
{
    None = 0,
    NoWrites = 1 << 0,
    AllowOom = 1 << 1,
    AllowStale = 1 << 2,
    NoCluster = 1 << 3,
    AllowCrossSlotKeys = 1 << 4,

    /// <summary>Not a flag Redis users write: an EVAL script without a shebang line, which keeps Redis's pre-7.0 rules.</summary>
    NoShebang = 1 << 16,
}

/// <summary>Reads script shebang lines and flag names as Redis 7.0 does, with its error texts.</summary>
public static class ScriptFlagNames
{
    private static readonly (string Name, ScriptFlags Flag)[] Names =
    [
        ("no-writes", ScriptFlags.NoWrites),
        ("allow-oom", ScriptFlags.AllowOom),
        ("allow-stale", ScriptFlags.AllowStale),
        ("no-cluster", ScriptFlags.NoCluster),
        ("allow-cross-slot-keys", ScriptFlags.AllowCrossSlotKeys),
    ];

    /// <summary>A flag's name; <paramref name="ignoreCase"/> for register_function's flags, which Redis compares without case (an EVAL shebang's with case).</summary>
    public static bool TryParse(ReadOnlySpan<byte> name, out ScriptFlags flag, bool ignoreCase = false)
    {
        foreach (var (text, value) in Names)
        {
            if (ignoreCase ? System.Text.Ascii.EqualsIgnoreCase(name, text) : System.Text.Ascii.Equals(name, text))
            {
                flag = value;
                return true;
            }
        }
        flag = ScriptFlags.None;
        return false;
    }

    /// <summary>
    /// Parses an EVAL script's first line. Without "#!" the script has <see cref="ScriptFlags.NoShebang"/>.
    /// On failure <paramref name="error"/> holds Redis's message and the result is false.
    /// </summary>
    public static bool TryParseEvalShebang(ReadOnlySpan<byte> body, out ScriptFlags flags, out string? error)
    {
        flags = ScriptFlags.None;
        error = null;
        if (!body.StartsWith("#!"u8))
        {
            flags = ScriptFlags.NoShebang;
            return true;
        }
        int newline = body.IndexOf((byte)'\n');
        if (newline < 0)
        {
            error = "ERR Invalid script shebang";
            return false;
        }
        if (!TrySplitShebang(body[..newline], out var words))
        {
            error = "ERR Invalid engine in script shebang";
            return false;
        }
        if (!words[0].SequenceEqual("#!lua"u8))
        {
            error = "ERR Unexpected engine in script shebang: " + Latin1(words[0]);
            return false;
        }
        for (int i = 1; i < words.Count; i++)
        {
            ReadOnlySpan<byte> option = words[i];
            if (!option.StartsWith("flags="u8))
            {
                error = "ERR Unknown lua shebang option: " + Latin1(option);
                return false;
            }
            if (!TryParseList(option["flags="u8.Length..], ref flags, out error)) return false;
        }
        return true;
    }

    /// <summary>
    /// Splits a shebang line into words as Redis does (with its inline-command rules, so quotes group and are
    /// removed: <c>name="foo"</c> is <c>name=foo</c>). False for unbalanced quotes or no word at all.
    /// </summary>
    internal static bool TrySplitShebang(ReadOnlySpan<byte> line, out ArgumentList words)
    {
        words = new ArgumentList();
        var scratch = new byte[line.Length];
        words.Reset(scratch);
        return InlineSplitter.Split(line, scratch, words) && words.Count > 0;
    }

    /// <summary>A comma-separated flag list; an empty list is no flags, an empty item an error.</summary>
    private static bool TryParseList(ReadOnlySpan<byte> list, ref ScriptFlags flags, out string? error)
    {
        error = null;
        if (list.IsEmpty) return true;
        while (true)
        {
            int comma = list.IndexOf((byte)',');
            var item = comma < 0 ? list : list[..comma];
            if (!TryParse(item, out var flag))
            {
                error = "ERR Unexpected flag in script shebang: " + Latin1(item);
                return false;
            }
            flags |= flag;
            if (comma < 0) return true;
            list = list[(comma + 1)..];
        }
    }

    internal static string Latin1(ReadOnlySpan<byte> bytes) => System.Text.Encoding.Latin1.GetString(bytes);
}
