using System.Runtime.CompilerServices;

namespace Spinel.Scripting.Lua.Libraries;

/// <summary>Storage for the 32 captures a Lua 5.1 pattern may hold, kept inline so matching allocates nothing.</summary>
[InlineArray(LuaPattern.MaxCaptures)]
internal struct LuaCaptureSlots
{
    private int _element;
}

/// <summary>
/// Lua 5.1 pattern matching over bytes (C locale). One matcher serves one subject and one pattern; call
/// <see cref="Match"/> from each candidate start, after <see cref="Reset"/>, then read the captures.
/// </summary>
public ref struct LuaPattern
{
    public const int MaxCaptures = 32;

    /// <summary>Capture length marking a capture whose ')' has not been reached yet.</summary>
    private const int Unfinished = -1;

    /// <summary>Capture length marking a position capture "()".</summary>
    private const int Position = -2;

    /// <summary>Recursion only grows with quantifiers and captures of the pattern, so this bounds pathological patterns, not subjects.</summary>
    private const int MaxDepth = 4000;

    /// <summary>The characters that make find use the matcher rather than a plain search.</summary>
    public static ReadOnlySpan<byte> Specials => "^$*+?.([%-"u8;

    private readonly ReadOnlySpan<byte> _source;
    private readonly ReadOnlySpan<byte> _pattern;
    private readonly Action? _hook;
    private readonly int _hookInterval;
    private LuaCaptureSlots _starts;
    private LuaCaptureSlots _lengths;
    private int _depth;
    private int _steps;

    /// <param name="source">The subject.</param>
    /// <param name="pattern">The pattern; as in 5.1 it ends at its first zero byte.</param>
    /// <param name="hook">Called every <paramref name="hookInterval"/> steps so a busy script can be stopped mid-match.</param>
    public LuaPattern(ReadOnlySpan<byte> source, ReadOnlySpan<byte> pattern, Action? hook = null, int hookInterval = 0)
    {
        _source = source;
        int nul = pattern.IndexOf((byte)0);
        _pattern = nul < 0 ? pattern : pattern[..nul];
        _hook = hook;
        _hookInterval = hook is null || hookInterval <= 0 ? int.MaxValue : hookInterval;
    }

    /// <summary>How many captures the last successful match recorded.</summary>
    public int Level { get; private set; }

    /// <summary>The pattern as the matcher sees it (cut at its first zero byte).</summary>
    public readonly ReadOnlySpan<byte> Pattern => _pattern;

    /// <summary>True when the pattern starts with '^' (find, match and gsub then try only the first position).</summary>
    public readonly bool IsAnchored => _pattern.Length > 0 && _pattern[0] == (byte)'^';

    /// <summary>Clears the captures before a new attempt.</summary>
    public void Reset()
    {
        Level = 0;
        _depth = 0;
    }

    /// <summary>Tries the pattern from pattern offset <paramref name="patternStart"/> at subject offset <paramref name="start"/>; returns the end offset or -1.</summary>
    public int Match(int start, int patternStart = 0)
    {
        Reset();
        return Run(start, patternStart);
    }

    /// <summary>True when capture <paramref name="index"/> is a position capture; its value is then <paramref name="start"/> + 1.</summary>
    public readonly bool IsPositionCapture(int index) => _lengths[index] == Position;

    /// <summary>
    /// Capture <paramref name="index"/> as (start, length), or the whole match when the pattern has no captures and index is 0.
    /// Raises "invalid capture index" or "unfinished capture" as 5.1 does.
    /// </summary>
    public readonly (int Start, int Length) GetCapture(int index, int matchStart, int matchEnd)
    {
        if (index >= Level)
        {
            if (index == 0) return (matchStart, matchEnd - matchStart);
            throw new LuaStringException("invalid capture index");
        }
        int length = _lengths[index];
        if (length == Unfinished) throw new LuaStringException("unfinished capture");
        return (_starts[index], length == Position ? 0 : length);
    }

    /// <summary>Number of values a match pushes: its captures, or the whole match when it has none (and the whole match is wanted).</summary>
    public readonly int CaptureCount(bool wholeMatchWhenNone) => Level == 0 && wholeMatchWhenNone ? 1 : Level;

    private void Step()
    {
        if (++_steps >= _hookInterval)
        {
            _steps = 0;
            _hook!();
        }
    }

    private int Run(int s, int p)
    {
        if (++_depth > MaxDepth || (_depth & 63) == 0 && !RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new LuaStringException("pattern too complex");
        int result = RunBody(s, p);
        _depth--;
        return result;
    }

    private int RunBody(int s, int p)
    {
        var pattern = _pattern;
        var source = _source;
        while (true)
        {
            Step();
            if (p == pattern.Length) return s;
            byte c = pattern[p];
            if (c == (byte)'(')
            {
                if (p + 1 < pattern.Length && pattern[p + 1] == (byte)')') return StartCapture(s, p + 2, Position);
                return StartCapture(s, p + 1, Unfinished);
            }
            if (c == (byte)')') return EndCapture(s, p + 1);
            if (c == (byte)'$' && p + 1 == pattern.Length) return s == source.Length ? s : -1;
            if (c == (byte)'%' && p + 1 < pattern.Length)
            {
                byte next = pattern[p + 1];
                if (next == (byte)'b')
                {
                    s = MatchBalance(s, p + 2);
                    if (s < 0) return -1;
                    p += 4;
                    continue;
                }
                if (next == (byte)'f')
                {
                    p += 2;
                    if (p >= pattern.Length || pattern[p] != (byte)'[')
                        throw new LuaStringException("missing '[' after '%f' in pattern");
                    int setEnd = ClassEnd(p);
                    int previous = s == 0 ? 0 : source[s - 1];
                    int current = s < source.Length ? source[s] : 0;
                    if (MatchSet(previous, p, setEnd - 1) || !MatchSet(current, p, setEnd - 1)) return -1;
                    p = setEnd;
                    continue;
                }
                if (IsDigit(next))
                {
                    s = MatchBackReference(s, next);
                    if (s < 0) return -1;
                    p += 2;
                    continue;
                }
            }

            int end = ClassEnd(p);
            bool matched = s < source.Length && SingleMatch(source[s], p, end);
            if (end < pattern.Length)
            {
                switch (pattern[end])
                {
                    case (byte)'?':
                        if (matched)
                        {
                            int r = Run(s + 1, end + 1);
                            if (r >= 0) return r;
                        }
                        p = end + 1;
                        continue;
                    case (byte)'*':
                        return MaxExpand(s, p, end);
                    case (byte)'+':
                        return matched ? MaxExpand(s + 1, p, end) : -1;
                    case (byte)'-':
                        return MinExpand(s, p, end);
                }
            }
            if (!matched) return -1;
            s++;
            p = end;
        }
    }

    private int MaxExpand(int s, int p, int end)
    {
        int count = 0;
        while (s + count < _source.Length && SingleMatch(_source[s + count], p, end)) count++;
        // Back off one item at a time until the rest of the pattern matches.
        while (count >= 0)
        {
            int r = Run(s + count, end + 1);
            if (r >= 0) return r;
            count--;
            Step();
        }
        return -1;
    }

    private int MinExpand(int s, int p, int end)
    {
        while (true)
        {
            int r = Run(s, end + 1);
            if (r >= 0) return r;
            if (s < _source.Length && SingleMatch(_source[s], p, end)) s++;
            else return -1;
            Step();
        }
    }

    private int StartCapture(int s, int p, int what)
    {
        if (Level >= MaxCaptures) throw new LuaStringException("too many captures");
        int level = Level;
        _starts[level] = s;
        _lengths[level] = what;
        Level = level + 1;
        int r = Run(s, p);
        if (r < 0) Level--;
        return r;
    }

    private int EndCapture(int s, int p)
    {
        int open = OpenCapture();
        _lengths[open] = s - _starts[open];
        int r = Run(s, p);
        if (r < 0) _lengths[open] = Unfinished;
        return r;
    }

    private readonly int OpenCapture()
    {
        for (int level = Level - 1; level >= 0; level--)
            if (_lengths[level] == Unfinished) return level;
        throw new LuaStringException("invalid pattern capture");
    }

    private readonly int MatchBackReference(int s, byte digit)
    {
        int index = digit - '1';
        if (index < 0 || index >= Level || _lengths[index] == Unfinished) throw new LuaStringException("invalid capture index");
        int length = _lengths[index];
        // 5.1 compares a position capture's length as a huge unsigned size, so it never matches.
        if (length == Position) return -1;
        if (_source.Length - s >= length && _source.Slice(_starts[index], length).SequenceEqual(_source.Slice(s, length))) return s + length;
        return -1;
    }

    private readonly int MatchBalance(int s, int p)
    {
        if (p + 1 >= _pattern.Length) throw new LuaStringException("unbalanced pattern");
        if (s >= _source.Length || _source[s] != _pattern[p]) return -1;
        byte open = _pattern[p], close = _pattern[p + 1];
        int depth = 1;
        for (int i = s + 1; i < _source.Length; i++)
        {
            byte c = _source[i];
            if (c == close)
            {
                if (--depth == 0) return i + 1;
            }
            else if (c == open) depth++;
        }
        return -1;
    }

    /// <summary>Offset just past the single-character class starting at <paramref name="p"/>.</summary>
    private readonly int ClassEnd(int p)
    {
        var pattern = _pattern;
        byte c = pattern[p++];
        if (c == (byte)'%')
        {
            if (p >= pattern.Length) throw new LuaStringException("malformed pattern (ends with '%')");
            return p + 1;
        }
        if (c == (byte)'[')
        {
            if (p < pattern.Length && pattern[p] == (byte)'^') p++;
            // The first character of a set is literal, even ']'.
            do
            {
                if (p >= pattern.Length) throw new LuaStringException("malformed pattern (missing ']')");
                c = pattern[p++];
                if (c == (byte)'%' && p < pattern.Length) p++;
            } while (p >= pattern.Length || pattern[p] != (byte)']');
            return p + 1;
        }
        return p;
    }

    private readonly bool SingleMatch(int c, int p, int end)
    {
        byte pc = _pattern[p];
        return pc switch
        {
            (byte)'.' => true,
            (byte)'%' => MatchClass(c, _pattern[p + 1]),
            (byte)'[' => MatchSet(c, p, end - 1),
            _ => pc == c,
        };
    }

    /// <summary>Matches <paramref name="c"/> against the set from '[' at <paramref name="p"/> to its ']' at <paramref name="close"/>.</summary>
    private readonly bool MatchSet(int c, int p, int close)
    {
        var pattern = _pattern;
        bool negate = false;
        p++;
        if (pattern[p] == (byte)'^')
        {
            negate = true;
            p++;
        }
        for (; p < close; p++)
        {
            byte pc = pattern[p];
            if (pc == (byte)'%')
            {
                p++;
                if (MatchClass(c, pattern[p])) return !negate;
            }
            else if (p + 2 < close && pattern[p + 1] == (byte)'-')
            {
                if (pc <= c && c <= pattern[p + 2]) return !negate;
                p += 2;
            }
            else if (pc == c) return !negate;
        }
        return negate;
    }

    /// <summary>The %x classes in the C locale; an uppercase letter is the complement, any other character matches itself.</summary>
    public static bool MatchClass(int c, byte cls)
    {
        bool result;
        switch (cls | 0x20)
        {
            case 'a': result = IsAlpha(c); break;
            case 'c': result = c < 32 || c == 127; break;
            case 'd': result = IsDigit(c); break;
            case 'l': result = c >= 'a' && c <= 'z'; break;
            case 'p': result = IsPunct(c); break;
            case 's': result = c == ' ' || (c >= '\t' && c <= '\r'); break;
            case 'u': result = c >= 'A' && c <= 'Z'; break;
            case 'w': result = IsAlpha(c) || IsDigit(c); break;
            case 'x': result = IsDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); break;
            case 'z': result = c == 0; break;
            default: return cls == c;
        }
        return cls >= 'A' && cls <= 'Z' ? !result : result;
    }

    private static bool IsDigit(int c) => c >= '0' && c <= '9';

    private static bool IsAlpha(int c) => (c | 0x20) >= 'a' && (c | 0x20) <= 'z';

    private static bool IsPunct(int c) => c > 32 && c < 127 && !IsAlpha(c) && !IsDigit(c);
}
