using System.Text;
using Spinel.Scripting.Lua.Libraries;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Scripting.Lua;

/// <summary>The pattern matcher finds, captures and fails exactly where Redis 7.0's Lua 5.1 string.find does.</summary>
public sealed class LuaPatternDifferentialTests(RedisOracle oracle) : IClassFixture<RedisOracle>
{
    internal static readonly (string Subject, string Pattern)[] Cases =
    [
        ("hello world", "o"), ("hello world", "l+"), ("hello world", "l*"), ("hello world", "l-o"), ("hello world", "x?h"),
        ("hello world", "^hello"), ("hello world", "^world"), ("hello world", "world$"), ("hello world", "hello$"), ("hello world", "$"),
        ("hello world", "^"), ("hello world", ""), ("", ""), ("", "^$"), ("", "a*"), ("", "."),
        ("hello world", "(h)(e)(l)"), ("hello world", "()ll()"), ("hello world", "(l)%1"), ("hello world", "(o).-%1"), ("key:123:name", "(%a+):(%d+):(%a+)"),
        ("key:123:name", "%d+"), ("key:123:name", "[%d:]+"), ("key:123:name", "[^:]+$"), ("a.b.c", "%."), ("a.b.c", "."), ("a+b", "a+b"), ("a+b", "a%+b"),
        ("THE (quick) fox", "%((%a+)%)"), ("THE (quick) fox", "%b()"), ("f(a(b)c)d", "%b()"), ("f(a(b c)d", "%b()"), ("[[x]]", "%b[]"), ("aXbXc", "%bXX"),
        ("THE (quick) fox", "%f[%a]%a+"), ("THE (quick) fox", "%f[%l]%a+"), ("hello", "%f[%z]"), ("hello", "%f[%a]"), ("x1 y22 z333", "%f[%d]%d+"),
        ("abc123", "%w+"), ("abc 123", "%s"), ("abc\t\n\r\v\f 123", "%s+"), ("Hello", "%u%l+"), ("Hello", "%U"), ("a,b;c", "%p"), ("a,b;c", "%P+"),
        ("0x1F", "%x+"), ("0x1F", "0[xX](%x+)"), ("a\0b", "%z"), ("a\0b", "[%z]"), ("a\0b", "%Z+"), ("\u0001\u0002x", "%c+"), ("\u0001\u0002x", "%C"),
        ("abc", "[a-c]+"), ("abc-", "[a%-]+"), ("abc-", "[c-]+"), ("a]b", "[]]"), ("a]b", "[^]]+"), ("a^b", "[%^b]+"), ("a^b", "[b^]+"), ("abc", "[^a-b]"),
        ("x=1, y=2", "(%w+)=(%w+)"), ("  trim  ", "^%s*(.-)%s*$"), ("2024-01-15", "(%d+)-(%d+)-(%d+)"), ("aaa", "a-"), ("aaa", "a-$"), ("aaab", "a-b"),
        ("aaa", "^a?a?a?a?$"), ("abab", "(ab)*"), ("abc", "((a)(b))"), ("abc", "(a(b(c)))"), ("abc", "()"), ("abc", "()()()"), ("abc", "(a)()"),
        ("abc", "%"), ("abc", "[a"), ("abc", "[a%"), ("abc", "[^"), ("abc", "(a"), ("abc", "a)"), ("abc", "%1"), ("abc", "(a)%2"), ("abc", "(a%1)"),
        ("abc", "%f"), ("abc", "%fa"), ("abc", "%b"), ("abc", "%ba"), ("abc", "[%"), ("abc", "(()"), ("abc", "%g"), ("abc", "a%"),
        ("abc", string.Concat(Enumerable.Repeat("(a?)", 32))), ("abc", string.Concat(Enumerable.Repeat("(a?)", 33))), ("a.b", "a\0."), ("a.\0c", ".\0c"),
        ("caf\u00e9", "[\u00e0-\u00ff]"), ("\u00ff\u0080", "%a"), ("\u00ff\u0080", "[\u0080-\u00ff]+"), ("abc", "()b()%1"), ("aXa", "(a)X%1"),
        ("one two  three", "%S+"), ("one two  three", "(%S+)%s+(%S+)"), ("hello", "(h)(.)"), ("hello", "[helo]+$"), ("hello", "l?l?l?o"),
    ];

    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static string Show(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>string.find(s, p, init) computed by driving the matcher the way 5.1's find does.</summary>
    internal static string FindLocally(string subjectText, string patternText, int init)
    {
        var s = B(subjectText);
        var p = B(patternText);
        try
        {
            int start = init < 0 ? Math.Max(0, s.Length + init + 1) : init;
            start = Math.Clamp(start - 1, 0, s.Length);
            var m = new LuaPattern(s, p);
            int pstart = m.IsAnchored ? 1 : 0;
            bool noSpecials = m.Pattern.IndexOfAny(LuaPattern.Specials) < 0;
            if (noSpecials)
            {
                int at = s.AsSpan(start).IndexOf(p);
                return at < 0 ? "ok\u0002nil:nil" : $"ok\u0002number:{start + at + 1}\u0002number:{start + at + p.Length}";
            }
            for (int i = start; ; i++)
            {
                int end = m.Match(i, pstart);
                if (end >= 0)
                {
                    var sb = new StringBuilder($"ok\u0002number:{i + 1}\u0002number:{end}");
                    for (int c = 0; c < m.Level; c++)
                    {
                        var (cs, cl) = m.GetCapture(c, i, end);
                        sb.Append(m.IsPositionCapture(c) ? $"\u0002number:{cs + 1}" : "\u0002string:" + Show(s.AsSpan(cs, cl)));
                    }
                    return sb.ToString();
                }
                if (i >= s.Length || m.IsAnchored) return "ok\u0002nil:nil";
            }
        }
        catch (LuaStringException e)
        {
            return "err\u0002string:" + e.Message;
        }
    }

    [SkippableFact]
    public async Task Find_with_patterns_matches_redis_at_every_start()
    {
        oracle.RequireAvailable();
        var cases = new List<(string S, string P, int Init)>();
        foreach (var (s, p) in Cases)
            foreach (int init in new[] { 1, 2, -1, -3, 0, 100 })
                cases.Add((s, p, init));
        var expected = await LuaOracleBatch.RunAsync(oracle, "function(s, p, i) return string.find(s, p, tonumber(i)) end",
            cases.Select(c => new[] { c.S, c.P, c.Init.ToString() }).ToList());
        var failures = new List<string>();
        for (int i = 0; i < cases.Count; i++)
        {
            string actual = FindLocally(cases[i].S, cases[i].P, cases[i].Init);
            if (actual != expected[i]) failures.Add($"find('{cases[i].S}', '{cases[i].P}', {cases[i].Init}): redis [{expected[i]}] spinel [{actual}]");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} differ:\n" + string.Join("\n", failures.Take(40)));
    }
}
