using System.Diagnostics;
using System.Text;
using Spinel.Util;

namespace Spinel.Tests.Util;

// Expected values were taken from redis-server 7.0.15: KEYS <pattern> over a keyspace containing the
// listed keys, and CONFIG GET <pattern> for the case-insensitive variant.
public class GlobMatcherTests
{
    private static readonly string[] s_keys =
    [
        "a]", "[", "\\", "ab", "a-b", "a", "b", string.Empty, "aa", "abc", "a*", "a?", "]", "^", "-", "A", "Ab",
        "m", "x", "_", "`", "a[", "[a", "ba", "hello", "hallo", "hxllo", "heeeello", "a\\b", "\\a", "a\\",
    ];

    private static bool M(string pattern, string text, bool ignoreCase = false) =>
        GlobMatcher.IsMatch(Encoding.Latin1.GetBytes(pattern), Encoding.Latin1.GetBytes(text), ignoreCase);

    private static string Keys(string pattern) =>
        string.Join(" ", s_keys.Where(k => M(pattern, k)).OrderBy(k => k, StringComparer.Ordinal));

    [Theory]
    [InlineData("?", "- A [ \\ ] ^ _ ` a b m x")]
    [InlineData("[", "")] // unterminated empty class matches nothing
    [InlineData("[]", "")]
    [InlineData("[]]", "")]
    [InlineData("[^]", "- A [ \\ ] ^ _ ` a b m x")]
    [InlineData("[^]]", "a]")] // "[^]" is any byte, then a literal ']'
    [InlineData("[]a]", "")]
    [InlineData("[^]a]", "")]
    [InlineData("a]", "a]")]
    [InlineData("a[", "")]
    [InlineData("a\\]", "a]")]
    [InlineData("\\", "\\")] // trailing backslash is literal
    [InlineData("\\\\", "\\")]
    [InlineData("\\\\*", "\\ \\a")]
    [InlineData("[\\]", "]")]
    [InlineData("[\\\\]", "\\")]
    [InlineData("[a-]", "] ^ _ ` a")] // range 'a'..']' swapped
    [InlineData("[z-a]", "a b m x")] // reversed range
    [InlineData("[a-z]", "a b m x")]
    [InlineData("[^a-z]", "- A [ \\ ] ^ _ `")]
    [InlineData("[a-a]", "a")]
    [InlineData("a[-]b", "a-b")]
    [InlineData("a[^-]b", "a\\b")]
    [InlineData("[a", "a")] // unterminated class runs to the end
    [InlineData("[ab", "a b")]
    [InlineData("[^a", "- A [ \\ ] ^ _ ` b m x")]
    [InlineData("[^", "- A [ \\ ] ^ _ ` a b m x")]
    [InlineData("a\\", "a\\")]
    [InlineData("a\\\\", "a\\")]
    [InlineData("\\a", "a")]
    [InlineData("a\\*", "a*")]
    [InlineData("a\\?", "a?")]
    [InlineData("a[*]", "a*")]
    [InlineData("[[]", "[")]
    [InlineData("[\\[]", "[")]
    [InlineData("h?llo", "hallo hello hxllo")]
    [InlineData("h*llo", "hallo heeeello hello hxllo")]
    [InlineData("h[ae]llo", "hallo hello")]
    [InlineData("h[^e]llo", "hallo hxllo")]
    [InlineData("h[a-b]llo", "hallo")]
    [InlineData("*b", "Ab a-b a\\b ab b")]
    [InlineData("*a*", "[a \\a a a* a-b a? a[ a\\ a\\b a] aa ab abc ba hallo")]
    [InlineData("[-]", "-")]
    [InlineData("[a-b-c]", "- a b")]
    [InlineData("[]-a]", "")]
    [InlineData("[]-]", "")]
    [InlineData("[!a]", "a")] // '!' is not a negation
    [InlineData("[\\-]", "-")]
    [InlineData("a[\\-]b", "a-b")]
    [InlineData("[---]", "-")]
    [InlineData("[A-a]", "A [ \\ ] ^ _ ` a")]
    [InlineData("[a-A]", "A [ \\ ] ^ _ ` a")]
    public void IsMatch_SelectsSameKeysAsRedisKeys(string pattern, string expectedKeys)
    {
        Assert.Equal(expectedKeys, Keys(pattern));
    }

    [Fact]
    public void IsMatch_EmptyTextOnlyMatchesEmptyPattern()
    {
        // KEYS ** skips the "" key; only KEYS's own lone-"*" shortcut returns it.
        Assert.False(M("**", string.Empty));
        Assert.False(M("*", string.Empty));
        Assert.True(M(string.Empty, string.Empty));
        Assert.False(M(string.Empty, "a"));
        Assert.True(M("*", "anything"));
        Assert.True(M("**", "a"));
    }

    [Fact]
    public void IsMatch_StarsMatchEveryNonEmptyKey()
    {
        Assert.All(s_keys.Where(k => k.Length > 0), k => Assert.True(M("**", k)));
        Assert.All(s_keys.Where(k => k.Length > 0), k => Assert.True(M("?*", k)));
        Assert.All(s_keys.Where(k => k.Length > 0), k => Assert.True(M("*?", k)));
    }

    [Theory]
    [InlineData("[a-\u00ff]", "\u0000 \u0001 0 a \u00ff")] // ends compare as signed chars: -1..97
    [InlineData("[\u00ff-a]", "\u0000 \u0001 0 a \u00ff")]
    [InlineData("[\u0080-\u00fe]", "\u0080 \u00fe")]
    [InlineData("[\u0001-\u0080]", "\u0000 \u0001 \u0080 \u00fe \u00ff")]
    [InlineData("[\u0000-\u0001]", "\u0000 \u0001")]
    public void IsMatch_HighByteRangesUseSignedCharOrder(string pattern, string expected)
    {
        string[] keys = ["\u0080", "\u00fe", "\u00ff", "0", "a", "b", "\u0001", "\u0000", "\u007f"];
        string got = string.Join(" ", keys.Where(k => M(pattern, k)).OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(expected, got);
    }

    // CONFIG GET <pattern> is the nocase user; expected results against the "maxmemory" parameter.
    [Theory]
    [InlineData("[Z-a]axmemory", false)] // swapped first, then lower-cased: z..a is empty
    [InlineData("[L-n]axmemory", true)]
    [InlineData("[M]axmemory", true)]
    [InlineData("[\\M]axmemory", false)] // escapes inside a class stay case-sensitive
    [InlineData("[\\m]axmemory", true)]
    [InlineData("[^M]axmemory", false)]
    [InlineData("[^m]axmemory", false)]
    [InlineData("[m-m]AXMEMORY", true)]
    [InlineData("[M-M]axmemory", true)]
    [InlineData("MAXMEMOR?", true)]
    [InlineData("\\MAXMEMOR?", true)]
    public void IsMatch_IgnoreCaseFollowsConfigGet(string pattern, bool expected)
    {
        Assert.Equal(expected, M(pattern, "maxmemory", ignoreCase: true));
    }

    [Fact]
    public void IsMatch_IsCaseSensitiveByDefault()
    {
        Assert.False(M("MAXMEMORY*", "maxmemory"));
        Assert.False(M("[M]axmemory", "maxmemory"));
        Assert.True(M("[M]axmemory", "Maxmemory"));
    }

    [Fact]
    public void IsMatch_MoreThanThousandStarGroupsNeverMatch()
    {
        // KEYS (a*)x1001 matches a 1500-char key of 'a's, (a*)x1002 does not (recursion limit).
        string key = new('a', 1500);
        Assert.True(M(string.Concat(Enumerable.Repeat("a*", 1001)), key));
        Assert.False(M(string.Concat(Enumerable.Repeat("a*", 1002)), key));
    }

    [Fact]
    public void IsMatch_PathologicalPatternIsFast()
    {
        byte[] text = Encoding.ASCII.GetBytes(new string('a', 100_000));
        byte[] pattern = "*a*a*a*a*a*a*a*a*a*a*b"u8.ToArray();
        var sw = Stopwatch.StartNew();
        Assert.False(GlobMatcher.IsMatch(pattern, text));
        Assert.True(GlobMatcher.IsMatch("*a*a*a*a*a*a*a*a*a*a*"u8, text));
        Assert.True(sw.ElapsedMilliseconds < 2000, $"took {sw.ElapsedMilliseconds} ms");
    }

    [Theory]
    [InlineData("news.*", "news.tech", true)]
    [InlineData("news.*", "news.", true)]
    [InlineData("news.*", "news", false)]
    [InlineData("*.tech", "news.tech", true)]
    [InlineData("user:[0-9]*", "user:42", true)]
    [InlineData("user:[0-9]*", "user:x", false)]
    [InlineData("a*b*c", "aXbYc", true)]
    [InlineData("a*b*c", "aXbY", false)]
    [InlineData("*abc", "abababc", true)]
    [InlineData("a?c", "ac", false)]
    public void IsMatch_CommonPatterns(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, M(pattern, text));
    }
}
