using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Scripting.Lua;

/// <summary>
/// The string and bit libraries, run through Spinel's Lua engine, give the same results and errors as Redis 7.0's
/// Lua 5.1 for the same snippets.
/// </summary>
public sealed class StringLibraryDifferentialTests(RedisOracle oracle) : IClassFixture<RedisOracle>
{
    private static readonly string[] Positions = ["nil", "0", "1", "2", "3", "-1", "-2", "-3", "10", "-10", "2.7"];

    [SkippableFact]
    public Task Sub_byte_and_their_positions_match()
    {
        var cases = new List<string>();
        foreach (var i in Positions)
            foreach (var j in Positions)
            {
                cases.Add($"string.sub('hello', {i}, {j})");
                cases.Add($"string.byte('abc', {i}, {j})");
            }
        cases.AddRange([
            "string.sub('')", "string.sub('x', 1, 2^53)", "string.sub('hello', -2^63)", "('hello'):sub(2)", "string.sub(12345, 2, 3)",
            "string.sub()", "string.sub('x', 'a')", "string.sub('x', '2')", "string.byte('')", "string.byte('\\255\\0')", "string.byte('ab', 1, 2)",
            "#{string.byte(string.rep('a', 7997), 1, -1)}", "#{string.byte(string.rep('a', 7998), 1, -1)}", "#{string.byte(string.rep('a', 8000), 2, -1)}",
            "string.byte(nil)", "string.byte({})",
        ]);
        return LuaSnippetBatch.AssertSameAsync(oracle, cases);
    }

    [SkippableFact]
    public Task Char_rep_len_reverse_upper_lower_match()
    {
        return LuaSnippetBatch.AssertSameAsync(oracle, [
            "string.char()", "string.char(72, 105)", "string.char(0, 255)", "string.char(256)", "string.char(-1)", "string.char(65.9)",
            "string.char('65')", "string.char('x')", "string.char(65, nil)", "string.char(2^32 + 65)", "#string.char(0, 0)",
            "string.rep('ab', 3)", "string.rep('ab', 0)", "string.rep('ab', -1)", "string.rep('', 5)", "string.rep('x', 2.9)", "string.rep('x')",
            "string.rep('x', 'y')", "string.rep(5, 2)", "string.rep('ab', '2')", "#string.rep('abc', 1000)", "string.rep('x', 2^32 + 2)",
            "string.len('')", "string.len('a\\0b')", "string.len(123)", "string.len()", "string.len(true)", "#string.rep('a', 10)",
            "string.reverse('abc')", "string.reverse('')", "string.reverse('a\\0b')", "string.reverse(123)",
            "string.upper('Hello, World! \\233\\200')", "string.lower('HeLLo \\201Z[@')", "string.upper(1.5)", "string.lower()",
            "('abc'):upper()", "('ABC'):lower():upper():len()", "(''):len()", "('x'):rep(3)", "getmetatable('').__index == string",
            "string.gfind ~= nil", "type(string.dump)", "string.dump()", "string.dump('x')",
        ]);
    }

    [SkippableFact]
    public Task Find_and_match_with_init_plain_and_captures_match()
    {
        var cases = new List<string>();
        foreach (var (s, p) in LuaPatternDifferentialTests.Cases)
        {
            string ls = Lit(s), lp = Lit(p);
            cases.Add($"string.find({ls}, {lp})");
            cases.Add($"string.match({ls}, {lp})");
            cases.Add($"string.find({ls}, {lp}, 2, true)");
            cases.Add($"string.match({ls}, {lp}, -3)");
        }
        cases.AddRange([
            "string.find('a.b', '.', 1, true)", "string.find('a.b', '.', 2, 1)", "string.find('a.b', '.', 1, false)", "string.find('abc', '', 10)",
            "string.find('abc', '', 4)", "string.find('abc', 'c', -1)", "string.find('abc', 'b', -100)", "string.find(12345, 34)", "string.find('x')",
            "string.find('x', nil)", "string.find('x', 'x', 'a')", "string.match('x')", "string.match('hello', '()ll()')", "string.match('', '.*')",
            "string.match('key=val', '(%w+)=(%w+)')", "string.match('  x  ', '^%s*(.-)%s*$')", "string.find('a\\0b', '\\0', 1, true)", "string.find('a\\0b', '%z')",
        ]);
        return LuaSnippetBatch.AssertSameAsync(oracle, cases);
    }

    private static string Lit(string s)
    {
        var sb = new System.Text.StringBuilder("'");
        foreach (char c in s)
        {
            if (c == '\'' || c == '\\') sb.Append('\\').Append(c);
            else if (c < 32 || c > 126) sb.Append('\\').Append(((int)c).ToString());
            else sb.Append(c);
        }
        return sb.Append('\'').ToString();
    }

    [SkippableFact]
    public Task Gmatch_iterates_like_5_1()
    {
        const string Collect = "(function(s, p) local out = {} for a, b in string.gmatch(s, p) do out[#out + 1] = tostring(a) .. '/' .. tostring(b) if #out > 40 then break end end return table.concat(out, ',') end)";
        var cases = new List<string>();
        foreach (var (s, p) in new[] {
            ("one two  three", "%a+"), ("k1=v1, k2=v2", "(%w+)=(%w+)"), ("baaac", "a*"), ("abc", ""), ("abc", "()"), ("hello", "l"), ("^a^a", "^a"),
            ("abc", "."), ("", "x*"), ("a,b,,c", "([^,]*)"), ("THE (quick) (fox)", "%b()"), ("x1 y22 z333", "%f[%d]%d+"), ("abc", "(a"), ("abc", "[a"),
            ("aaa", "a-"), ("aaa", "()a()"), ("a1b2c3", "%a(%d)") })
            cases.Add($"{Collect}({Lit(s)}, {Lit(p)})");
        cases.Add("string.gfind('a b', '%a')()");
        cases.Add("string.gmatch('x')");
        cases.Add("(function() local it = string.gmatch('ab', '.') it() it() return it(), it() end)()");
        return LuaSnippetBatch.AssertSameAsync(oracle, cases);
    }

    [SkippableFact]
    public Task Gsub_with_string_table_and_function_replacements_matches()
    {
        var cases = new List<string>();
        string[] templates = ["'[%0]'", "'%1-%2'", "'%1'", "'%%'", "'%a'", "'x%'", "'%2'", "'%9'", "''", "5", "1.5", "'%0%0'"];
        foreach (var (s, p) in new[] { ("hello world", "o"), ("hello world", "(o)(.)"), ("hello world", "%w+"), ("abc", ""), ("abc", "()"), ("abc", "^a"), ("aaa", "^a"), ("abc", "^"), ("abc", "$"), ("a,b,,c", "[^,]*"), ("hello", "(l)(l)"), ("x = 1", "(%w+)%s*=%s*(%w+)") })
            foreach (var t in templates)
                cases.Add($"string.gsub({Lit(s)}, {Lit(p)}, {t})");
        foreach (var n in new[] { "0", "1", "2", "-1", "2.7", "'1'", "100" })
            cases.Add($"string.gsub('aaaa', 'a', 'b', {n})");
        cases.AddRange([
            "string.gsub('hello world', '%w+', {hello = 'HI', world = false})", "string.gsub('hello world', '%w+', {hello = 1.5})",
            "string.gsub('hello world', '(%w+) (%w+)', {hello = 'x'})", "string.gsub('hello', '()', {})", "string.gsub('hello world', '%w+', {hello = {}})",
            "string.gsub('hello world', '%w+', {hello = true})", "string.gsub('hello', 'l', setmetatable({}, {__index = function(t, k) return k:upper() end}))",
            "string.gsub('hello world', '%w+', string.upper)", "string.gsub('hello world', '(%w)(%w*)', function(a, b) return b .. a end)",
            "string.gsub('hello', '.', function(c) if c == 'l' then return nil end return c:byte() end)", "string.gsub('abc', '()', function(p) return p end)",
            "string.gsub('abc', '%w', function() return {} end)", "string.gsub('abc', '%w', function() return false end)", "string.gsub('abc', '%w', function() end)",
            "string.gsub('abc', 'b', true)", "string.gsub('abc', 'b')", "string.gsub('abc')", "string.gsub('abc', 'b', 'x', 'y')", "string.gsub('abc', '(', 'x')",
            "string.gsub('abc', 'b', '%1')", "string.gsub('abc', '(b)', '%2')", "string.gsub(12345, 3, 9)", "string.gsub('a.b.c', '%.', '%%')",
            "string.gsub('hello', '', '-')", "string.gsub('', '', 'x')", "string.gsub('', 'x*', 'y')", "string.gsub('abc', '.-', '-')",
            "string.gsub('abc', 'b*', '-')", "string.gsub('a b c', ' ', '', 1)", "string.gsub('abc', '%w', '%0%0', 2)",
            "string.gsub('abc', 'b', function(...) return select('#', ...) end)", "string.gsub('abc', '(a)(b)(c)', function(...) return select('#', ...) end)",
        ]);
        return LuaSnippetBatch.AssertSameAsync(oracle, cases);
    }

    [SkippableFact]
    public Task Format_with_strings_and_mixed_items_matches()
    {
        var cases = new List<string>();
        foreach (var spec in new[] { "%s", "%10s", "%-10s|", "%.3s", "%5.1s", "%.0s", "%.s", "%q", "%010s", "%5c", "%05c", "%d" })
            foreach (var arg in new[] { "'hello'", "''", "'a\\0b'", "42", "1.5", "-0.0", "1e100", "string.rep('x', 120)", "string.rep('x', 99) .. '\\0' .. 'y'", "'\\r\\n\\\\\"\\0'" })
                cases.Add($"string.format('{spec}', {arg})");
        cases.AddRange([
            "string.format('%s %s', 1, 2)", "string.format('%s')", "string.format('%s', nil)", "string.format('%s', true)", "string.format('%s', {})",
            "string.format('%d', '10')", "string.format('%d', ' 0x10 ')", "string.format('%d', 'x')", "string.format('%d')", "string.format('%5.2f', 3.14159)",
            "string.format('%5.2f', '3.14159')", "string.format()", "string.format(12)", "string.format('%%')", "string.format('%% %d', 1)", "string.format('%y')",
            "string.format('%y', 1)", "string.format('%', 1)", "string.format('abc')", "string.format('a\\0b%d', 1)", "string.format('%q', 1/3)",
            "string.format('%10.10q', 'x')", "string.format('%s|%d|%x|%g', 'a', 2, 255, 0.1)", "string.format('%c%c%c', 76, 117, 97)",
            "string.format('%-5d|%5s|%05.1f', 3, 'ab', 2.25)", "string.format('%.14g', 2^53)", "string.format('%.3f', 2/3)", "string.format('%5.3s|', 'abcdef')",
            "string.format('%d %d', 1)", "string.format('%i', 2^31)", "string.format('%x', -2^63)", "string.format('%s', 1e15)", "string.format('%s', 2^63)",
            "string.format('%s', -0.0)", "string.format('%s', 0/0)", "string.format('%s', 1/0)", "('%d items'):format(3)", "string.format('%.99f', 1/3)",
        ]);
        return LuaSnippetBatch.AssertSameAsync(oracle, cases);
    }

    [SkippableFact]
    public Task Bit_library_matches_including_argument_errors()
    {
        var cases = new List<string>();
        foreach (var f in new[] { "tobit", "bnot", "bswap", "tohex" })
            foreach (var v in new[] { "0", "-1", "2^31", "2^32", "2^53", "-2^53", "1e300", "0.5", "1.5", "-1.5", "'0x10'", "'12'", "nil", "'x'", "{}" })
                cases.Add($"bit.{f}({v})");
        foreach (var f in new[] { "band", "bor", "bxor", "lshift", "rshift", "arshift", "rol", "ror" })
            foreach (var args in new[] { "1, 2", "-1, 31", "-1, 32", "0x80000000, 1", "2^32 + 5, 1", "5", "5, nil", "nil, 5", "'a', 5", "5, 'a'", "'7', '1'", "0xff, 0xf0, 0x3c", "1, 2, nil", "1, 2, 'x'" })
                cases.Add($"bit.{f}({args})");
        cases.AddRange(["bit.tohex(255, 2)", "bit.tohex(255, -2)", "bit.tohex(255, 0)", "bit.tohex(255, 20)", "bit.tohex(255, -20)", "bit.tohex(-1, 4)", "bit.tohex(1, nil)", "bit.band()", "bit.bor()"]);
        return LuaSnippetBatch.AssertSameAsync(oracle, cases);
    }

    [SkippableFact]
    public Task Random_patterns_find_match_and_substitute_alike()
    {
        var random = new Random(51);
        string[] tokens = ["a", "b", ".", "%a", "%d", "%s", "%w", "[ab]", "[^a]", "[a-c]", "(", ")", "*", "+", "-", "?", "^", "$", "%b()", "%f[%a]", "%1", "()", "%", "[", "]", "1"];
        const string Alphabet = "aab1 (.)b-";
        var cases = new List<string>();
        for (int i = 0; i < 400; i++)
        {
            var subject = new string(Enumerable.Range(0, random.Next(0, 12)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
            var pattern = (random.Next(5) == 0 ? "^" : "") + string.Concat(Enumerable.Range(0, random.Next(1, 7)).Select(_ => tokens[random.Next(tokens.Length)]));
            string ls = Lit(subject), lp = Lit(pattern);
            cases.Add((i % 4) switch
            {
                0 => $"string.find({ls}, {lp})",
                1 => $"string.match({ls}, {lp}, {random.Next(-3, 4)})",
                2 => $"string.gsub({ls}, {lp}, '<%0>')",
                _ => $"(function() local n = 0 for a in string.gmatch({ls}, {lp}) do n = n + 1 if n > 30 then break end end return n end)()",
            });
        }
        return LuaSnippetBatch.AssertSameAsync(oracle, cases);
    }
}
