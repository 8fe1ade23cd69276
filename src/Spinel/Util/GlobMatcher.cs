namespace Spinel.Util;

// Stand-in written by the keyspace engineer so KEYS/SCAN build and test; the util engineer's
// GlobMatcher (same API) replaces this file on merge.

/// <summary>Redis-style glob matching (KEYS, SCAN MATCH): * ? [set] [^set] [a-z] and \ escapes.</summary>
public static class GlobMatcher
{
    public static bool IsMatch(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, bool ignoreCase = false)
    {
        // Redis never enters its matching loop for an empty string: only an empty pattern matches it.
        if (text.IsEmpty) return pattern.IsEmpty;
        int p = 0, t = 0;
        int starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == (byte)'*')
            {
                while (p < pattern.Length && pattern[p] == (byte)'*') p++;
                if (p == pattern.Length) return true;
                starP = p;
                starT = t;
                continue;
            }
            if (p < pattern.Length && MatchOne(pattern, ref p, text[t], ignoreCase))
            {
                t++;
                continue;
            }
            // Every token but * consumes exactly one byte, so retrying from the last star is enough.
            if (starP < 0) return false;
            p = starP;
            t = ++starT;
        }
        while (p < pattern.Length && pattern[p] == (byte)'*') p++;
        return p == pattern.Length;
    }

    /// <summary>Matches one non-star token at <paramref name="p"/> against one byte; on success moves past the token.</summary>
    private static bool MatchOne(ReadOnlySpan<byte> pattern, ref int p, byte c, bool ignoreCase)
    {
        byte b = pattern[p];
        if (b == (byte)'?')
        {
            p++;
            return true;
        }
        if (b == (byte)'[') return MatchSet(pattern, ref p, c, ignoreCase);
        if (b == (byte)'\\' && p + 1 < pattern.Length) b = pattern[++p];
        p++;
        return Same(b, c, ignoreCase);
    }

    private static bool MatchSet(ReadOnlySpan<byte> pattern, ref int p, byte c, bool ignoreCase)
    {
        int i = p + 1;
        bool negate = i < pattern.Length && pattern[i] == (byte)'^';
        if (negate) i++;
        bool match = false;
        while (i < pattern.Length)
        {
            byte b = pattern[i];
            if (b == (byte)'\\' && i + 1 < pattern.Length)
            {
                i++;
                if (pattern[i] == c) match = true;
            }
            else if (b == (byte)']')
            {
                break;
            }
            else if (i + 2 < pattern.Length && pattern[i + 1] == (byte)'-')
            {
                int start = b, end = pattern[i + 2], x = c;
                if (start > end) (start, end) = (end, start);
                if (ignoreCase)
                {
                    start = Lower((byte)start);
                    end = Lower((byte)end);
                    x = Lower(c);
                }
                if (x >= start && x <= end) match = true;
                i += 2;
            }
            else if (Same(b, c, ignoreCase))
            {
                match = true;
            }
            i++;
        }
        // An unterminated set ends the pattern.
        p = Math.Min(i + 1, pattern.Length);
        return match != negate;
    }

    private static bool Same(byte a, byte b, bool ignoreCase) => a == b || (ignoreCase && Lower(a) == Lower(b));

    private static byte Lower(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
}
