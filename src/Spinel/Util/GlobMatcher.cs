namespace Spinel.Util;

/// <summary>
/// Redis 7.0 stringmatchlen semantics (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET...), evaluated
/// iteratively in O(pattern * text) instead of Redis's recursion.
/// </summary>
/// <remarks>
/// Quirks reproduced on purpose (all confirmed against redis-server 7.0.15):
/// an empty text matches only an empty pattern ("*" does not match "", callers such as KEYS/SCAN
/// special-case the lone "*" pattern themselves); "[" classes may be unterminated and then run to the
/// end of the pattern; "[]" matches nothing and "[^]" any byte; "[a-]" is the range 'a'..']' (the ']'
/// is eaten as the range end); range ends are compared as signed chars, so bytes >= 0x80 sort below
/// ASCII; "\x" escapes inside classes are case-sensitive even when ignoring case; ranges are swapped
/// before being lower-cased; a trailing '\' matches a literal '\'; more than 1000 stars (not counting
/// a final one) can never match, mirroring Redis's recursion limit.
/// </remarks>
public static class GlobMatcher
{
    /// <summary>Redis refuses to recurse deeper than this many star groups.</summary>
    private const int MaxStarNesting = 1000;

    public static bool IsMatch(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, bool ignoreCase = false)
    {
        if (text.IsEmpty)
        {
            return pattern.IsEmpty; // Redis never enters its loop for an empty string
        }

        int p = 0;
        int s = 0;
        int starPattern = -1; // pattern index just after the last star group
        int starText = 0;     // text index that star group currently starts matching at
        int furthestStar = -1;
        int starGroups = 0;

        while (s < text.Length)
        {
            if (p < pattern.Length && pattern[p] == (byte)'*')
            {
                while (p < pattern.Length && pattern[p] == (byte)'*')
                {
                    p++;
                }

                if (p == pattern.Length)
                {
                    return true; // trailing star swallows the rest
                }

                if (p > furthestStar)
                {
                    furthestStar = p;
                    if (++starGroups > MaxStarNesting)
                    {
                        return false;
                    }
                }

                starPattern = p;
                starText = s;
                continue;
            }

            // Every non-star element consumes exactly one byte, so backtracking only to the most
            // recent star is complete (same answers as Redis's recursive search).
            if (p < pattern.Length && MatchElement(pattern, p, text[s], ignoreCase, out int length))
            {
                p += length;
                s++;
                continue;
            }

            if (starPattern < 0)
            {
                return false;
            }

            starText++;
            s = starText;
            p = starPattern;
        }

        while (p < pattern.Length && pattern[p] == (byte)'*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Matches one non-star element at pattern[p] against c; length is the element size.</summary>
    private static bool MatchElement(ReadOnlySpan<byte> pattern, int p, byte c, bool ignoreCase, out int length)
    {
        byte b = pattern[p];
        switch (b)
        {
            case (byte)'?':
                length = 1;
                return true;
            case (byte)'\\':
                if (pattern.Length - p >= 2)
                {
                    length = 2;
                    return CharEquals(pattern[p + 1], c, ignoreCase);
                }

                length = 1;
                return CharEquals(b, c, ignoreCase);
            case (byte)'[':
                return MatchClass(pattern, p, c, ignoreCase, out length);
            default:
                length = 1;
                return CharEquals(b, c, ignoreCase);
        }
    }

    private static bool MatchClass(ReadOnlySpan<byte> pattern, int p, byte c, bool ignoreCase, out int length)
    {
        int i = p + 1;
        bool negate = i < pattern.Length && pattern[i] == (byte)'^';
        if (negate)
        {
            i++;
        }

        bool match = false;
        while (true)
        {
            int remaining = pattern.Length - i;
            if (remaining >= 2 && pattern[i] == (byte)'\\')
            {
                i++;
                if (pattern[i] == c)
                {
                    match = true; // escaped class members ignore ignoreCase in Redis
                }
            }
            else if (remaining > 0 && pattern[i] == (byte)']')
            {
                break;
            }
            else if (remaining <= 0)
            {
                i--; // unterminated: the class ends with the pattern
                break;
            }
            else if (remaining >= 3 && pattern[i + 1] == (byte)'-')
            {
                // C compares plain (signed) chars; swap happens before lower-casing.
                int start = (sbyte)pattern[i];
                int end = (sbyte)pattern[i + 2];
                int ch = (sbyte)c;
                if (start > end)
                {
                    (start, end) = (end, start);
                }

                if (ignoreCase)
                {
                    start = ToLower(start);
                    end = ToLower(end);
                    ch = ToLower(ch);
                }

                i += 2;
                if (ch >= start && ch <= end)
                {
                    match = true;
                }
            }
            else if (CharEquals(pattern[i], c, ignoreCase))
            {
                match = true;
            }

            i++;
        }

        length = i + 1 - p;
        return match != negate;
    }

    private static bool CharEquals(byte a, byte b, bool ignoreCase) =>
        a == b || (ignoreCase && ToLower(a) == ToLower(b));

    // C-locale tolower: ASCII letters only.
    private static int ToLower(int c) => c is >= 'A' and <= 'Z' ? c + 32 : c;
}
