using System.Text;
using Spinel.Scripting.Lua;
using Spinel.Scripting.Lua.Libraries;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Scripting.Lua;

/// <summary>
/// Lua snippets using cjson, cmsgpack and struct run on redis-server 7.0 (EVAL) and on Spinel's engine; the
/// results must match byte for byte (strings), as integers (numbers, truncated as Redis replies them) or by
/// error text. Snippets return bytes or a canonical dump (sorted keys), never a multi-key cjson.encode text,
/// whose key order follows each engine's table iteration. Snippets that change cjson settings use
/// <c>cjson.new()</c>: the oracle's Lua state outlives a single EVAL.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class CodecDifferentialTests(DifferentialFixture fixture)
{
    /// <summary>A sorted, typed dump of any value, so tables compare without depending on key order.</summary>
    private const string Dump = """
        local function dump(v)
          if type(v) == 'table' then
            local keys = {}
            for k in pairs(v) do keys[#keys + 1] = k end
            table.sort(keys, function(a, b) return type(a) .. tostring(a) < type(b) .. tostring(b) end)
            local out = {}
            for _, k in ipairs(keys) do out[#out + 1] = type(k) .. ':' .. tostring(k) .. '=' .. dump(v[k]) end
            return '{' .. table.concat(out, ',') .. '}'
          elseif v == cjson.null then return 'null'
          else return type(v) .. ':' .. tostring(v) end
        end
        local function dumpall(...)
          local out = {}
          for i = 1, select('#', ...) do out[i] = dump((select(i, ...))) end
          return select('#', ...) .. '[' .. table.concat(out, ' ') .. ']'
        end

        """;

    private static readonly string[] EncodeValues =
    [
        "1", "-1", "0", "-0", "0.1", "1/3", "-2/3", "1e15", "1e16", "123456789012345", "2^53", "2^53+1", "2^63", "-2^63", "5e-324", "1e-300",
        "1.5", "100", "1e-5", "0.0001", "123456.789", "1e308", "3.14159265358979", "'abc'", "''", "'a/b'", "'\\1\\2\\31'", "'\\127\\128\\255'",
        "'\"'", "'\\\\'", "'\\n\\r\\t\\b\\f'", "'\\0'", "'\\11\\12\\14'", "true", "false", "nil", "cjson.null", "{}", "{1,2,3}", "{{}}",
        "{{1},{2,{3}}}", "{[1]=1,[3]=3}", "{[1]=1,[2]=2,[4]=4}", "{[1]=1,[11]=2}", "{[1]=1,[2]=1,[3]=1,[4]=1,[5]=1,[11]=2}", "{[0]=1}", "{[-1]=1}",
        "{[1.5]=1}", "{[2^31]=1}", "{[2^53]=1}", "{[0.1]=1}", "{a=1}", "{a={b={c={}}}}", "{['a/b']='c\\0'}", "{[1]=true}", "{1,nil,3}",
        "{n=cjson.null}", "{cjson.null,false}", "{[true]=1}", "{[{}]=1}", "function() end", "1/0", "-1/0", "0/0", "{1/0}", "{[1/0]=1}",
        "{a={b=function() end}}", "coroutine.create(function() end)", "{[10]=1}", "{[11]=1}", "{[1]=1,[2]=2,[3]=3,[4]=4,[5]=5,[6]=6,[13]=1}",
    ];

    private static readonly string[] DecodeDocuments =
    [
        "[1,2,3]", "{}", "[]", "[[],{}]", "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}", "\"abc\"", "\"\"", "123", "-0", "1.5e3", "1E-2",
        "0.1", "1e400", "-1e400", "1e-400", "123456789012345678901234567890", "0x10", "0X1p4", "+5", "01", "1.", "-", "--1", ".5", "1e", "1e+", "1.5e",
        "nan", "-nan", "NaN", "inf", "-inf", "Infinity", "-Infinity", "infinity", "InFiNiTy", "i", "n", "N", "true", "false", "null", "True",
        "nul", "tru", "fals", "truex", " [ 1 , 2 ] ", "\t\r\n1\n", "[1,]", "[,1]", "[1 2]", "{\"a\" 1}", "{\"a\":1,}", "{1:2}", "{\"a\":}", "[1]]",
        "[1] x", "[1]\0 junk", "\0", "a", "\"abc", "\"a\\qc\"", "\"\\u00e9\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\ud800x\"",
        "\"\\ud800\\u0041\"", "\"\\udc00\\ud800\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\u0000\"", "\"\\/\\\\\\\"\\b\\f\\n\\r\\t\"", "\"tab\there\"",
        "\"\\x41\"", "{\"a\":{\"a\":{\"a\":[1,{\"b\":null}]}}}", "[\"\\u0041\\u00DF\\u6771\\uFFFF\"]", "{\"1\":1,\"2\":2}", "[[[[[[[[[[1]]]]]]]]]]",
        "{\"\":\"\"}", "[1e5,2E+5,3e-5,-0.0,-0e0]", "[9007199254740993]", "[\"dup\",\"dup\"]", "{\"k\":1,\"k\":2}", "'single'", "[true,false,null]x",
    ];

    private static readonly string[] PackArguments =
    [
        "1", "-1", "0", "127", "128", "255", "256", "65535", "65536", "4294967295", "4294967296", "-32", "-33", "-128", "-129", "-32768", "-32769",
        "-2147483648", "-2147483649", "2^53", "-2^53", "2^63", "-2^63", "2^64", "1e19", "-0", "0.5", "0.1", "1.5", "-1.5", "1/3", "1e300", "1e-300",
        "5e-324", "3.4028234663852886e38", "1/0", "-1/0", "0/0", "'abc'", "''", "rep('x', 31)", "rep('x', 32)", "rep('x', 255)",
        "rep('x', 256)", "rep('x', 65535)", "rep('x', 65536)", "'\\0\\1\\255'", "true", "false", "nil", "cjson.null",
        "function() end", "{}", "{1,2,3}", "{a=1}", "{[2]=1}", "{[1]=1,[3]=3}", "{[1.5]=1}", "{[0]=1}", "{[-1]=1}", "{[2^31]=1}", "{1,nil,3}",
        "{{{{}}}}", "{true,false,'x',{1}}", "1, 2, 3", "'a', {b='c'}, nil, 5", "{[true]=false}", "{[{}]={}}",
    ];

    private static readonly string[] UnpackInputs =
    [
        "''", "'\\204'", "'\\193'", "'\\196\\1a'", "'\\129\\192\\1'", "'\\146\\1'", "'\\163ab'", "'\\217\\3ab'", "'\\218\\0\\1'", "'\\219\\0\\0\\0\\1'",
        "'\\220\\0\\2\\1\\2'", "'\\221\\0\\0\\0\\1\\1'", "'\\222\\0\\1\\1\\2'", "'\\223\\0\\0\\0\\1\\161a\\1'", "'\\202\\63\\192\\0\\0'",
        "'\\203\\63\\240\\0\\0\\0\\0\\0\\0'", "'\\207\\255\\255\\255\\255\\255\\255\\255\\255'", "'\\211\\128\\0\\0\\0\\0\\0\\0\\0'",
        "'\\211\\255\\255\\255\\255\\255\\255\\255\\255'", "'\\206\\255\\255\\255\\255'", "'\\210\\128\\0\\0\\0'", "'\\205\\255\\255'", "'\\209\\128\\0'",
        "'\\204\\255'", "'\\208\\128'", "'\\224'", "'\\255'", "'\\127'", "'\\192\\194\\195'", "'\\212\\1\\1'", "'\\199\\1\\1\\1'", "'\\145\\145\\145'",
        "'\\129\\1\\192'", "'\\130\\1\\2\\1\\3'", "'\\129\\202\\127\\192\\0\\0\\1'", "cmsgpack.pack(1, 'two', {3}, {four=4}, nil, true)",
        "cmsgpack.pack({1, {2, {3, {4}}}}, -1.25)", "rep('\\1', 100)", "rep('\\145', 20) .. '\\1'",
    ];

    private static readonly string[] StructPackCalls =
    [
        "'>bBhHlLTiIi3I5', -1, 255, -2, 65535, -3, 4, 5, -6, 7, -8, 9", "'<bBhHlLTiIi3I5', -1, 255, -2, 65535, -3, 4, 5, -6, 7, -8, 9",
        "'!bd', 1, 1.5", "'!4bd', 1, 1.5", "'!2bibh', 1, 2, 3, 4", "'!bT', 1, 2", "'!8bhbibl', 1, 2, 3, 4, 5, 6", "'>fd', 1.5, 0.1",
        "'<f', -0.0", "'>d', 1/0", "'f', 1e40", "'s c3 c0 x', 'ab', 'xyzw', 'hello'", "'b\\0b', 1, 2", "'i0', 1", "'c', 5", "'c0s', '', ''", "'s', 'a\\0b'",
        "'i16', -2", "'>i16', -2", "'i9', 2^64", "'l', 2^63", "'l', -2^64", "'l', 1e30", "'l', 0/0", "'l', 1/0", "'l', -1/0", "'L', 2^63+2^62",
        "'B', 256.7", "'b', -1.7", "'b', '12'", "'>I3', 2^24 + 5", "'<i7', -3", "'i32', -1", "'!', 1", "'!8', 1", "'<>', 1", "'   b  ', 7",
        "'i33', 1", "'i0', 1", "'q', 1", "'!3b', 1", "'!0', 1", "'c3', 'ab'", "'c3'", "'b'", "'b', 'x'", "'i99999999999', 1", "\"b'b\", 1, 2",
        "'\\200'", "5, 1", "'d', {}",
    ];

    private static readonly string[] StructUnpackCalls =
    [
        "'>bBhHlLiI', struct.pack('>bBhHlLiI', -1, 255, -2, 65535, -3, 4, -6, 7)", "'<bBhHlLiI', struct.pack('<bBhHlLiI', -1, 255, -2, 65535, -3, 4, -6, 7)",
        "'i3', '\\255\\255\\255'", "'I3', '\\255\\255\\255'", "'i9', '\\255\\255\\255\\255\\255\\255\\255\\255\\255'", "'i9', '\\1\\0\\0\\0\\0\\0\\0\\0\\1'",
        "'>i9', '\\1\\0\\0\\0\\0\\0\\0\\0\\1'", "'i16', rep('\\255', 16)", "'I8', rep('\\255', 8)", "'i8', '\\255\\255\\255\\255\\255\\255\\255\\127'",
        "'b', ''", "'b', 'a', 2", "'b', 'a', 3", "'b', 'a', 0", "'b', 'a', -1", "'s', 'abc'", "'sb', 'ab\\0c'", "'c0', 'abc'", "'bc0', '\\2abc'",
        "'bc0', '\\5abc'", "'bc0', '\\255abc'", "'c1c0', '3abcd'", "'c1c0', 'xabcd'", "'x', 'abc'", "'z', 'abc'", "'f', struct.pack('f', 0.1)",
        "'>d', struct.pack('>d', -0.1)", "'<f', struct.pack('<f', 1/0)", "'!4bi', '\\1\\0\\0\\0\\2\\0\\0\\0'", "'<i2', '\\255\\127'", "'b', 'abc', 2.9",
        "'b', 'abc', '2'", "'b', 5", "5, 'abc'", "'i0', ''", "'c0', ''", "'', '', 5", "'>', '', 5", "'', 'a', -1", "'x', 'a', 2", "'i0', 'a', 2",
        "'i0', 'a', 3", "'bc0', '\\0'", "'hc0', '\\2\\0ab'", "'!bd', struct.pack('!bd', 1, 2.5)", "'b'", "'i33', 'a'", "'!3', 'a'",
    ];

    private static readonly string[] StructSizeFormats =
    [
        "'!bd'", "'!d!1bd!2bi'", "'bT'", "'!bT'", "'!bf'", "'!bh'", "'!bi3'", "'!bi16'", "'!16bi16'", "'!bx'", "'!bc2i'", "'i7c5'", "'q'", "'bq5'",
        "'b?'", "'s'", "'c0'", "''", "'<>!'", "'bbbbbbbbd'", "'!bbbbbbbbd'", "'i33'", "nil",
    ];

    /// <summary>string.rep without the string library (another helper's), for long test strings.</summary>
    private const string Rep = "local function rep(s, n) local t = {} for i = 1, n do t[i] = s end return table.concat(t) end\n";

    public static TheoryData<string> Snippets()
    {
        var data = new TheoryData<string>();
        foreach (var snippet in AllSnippets().Distinct()) data.Add(snippet.Contains("rep(") ? Rep + snippet : snippet);
        return data;
    }

    private static IEnumerable<string> AllSnippets()
    {
        var data = new List<string>();
        foreach (var v in EncodeValues) data.Add($"return cjson.encode({v})");
        foreach (var v in new[] { "0.1", "1/3", "123456789", "1e-7", "{1.25, 2/3}", "2^63", "{[1/3]=1}" })
            for (int p = 1; p <= 14; p += 3)
                data.Add($"local c = cjson.new() c.encode_number_precision({p}) return c.encode({v})");
        foreach (var v in new[] { "{1/0, -1/0, 0/0, -(0/0)}", "{[1/0]=1}", "{[0/0+1]=1}" })
            foreach (var mode in new[] { "true", "false", "'null'", "'on'", "'off'" })
                data.Add($"local c = cjson.new() c.encode_invalid_numbers({mode}) return c.encode({v})");
        foreach (var args in new[] { "true", "true, 0", "false, 0", "nil, 1, 0", "nil, 3, 1", "true, 2, 100" })
            foreach (var v in new[] { "{[1]=1,[20]=2}", "{[1]=1,[3]=1}", "{[5]=1}", "{[1]=1,[2]=1,[4]=1}" })
                data.Add($"local c = cjson.new() c.encode_sparse_array({args}) return c.encode({v})");
        foreach (var doc in DecodeDocuments)
            data.Add(Dump + $"return dump(cjson.decode({LuaQuote(doc)}))");
        foreach (var doc in new[] { "0x10", "+1", "[01]", "nan", "-inf", "Infinity", "1e5", "-0" })
            data.Add(Dump + $"local c = cjson.new() c.decode_invalid_numbers(false) return dump(c.decode({LuaQuote(doc)}))");
        foreach (var args in PackArguments) data.Add($"return cmsgpack.pack({args})");
        foreach (var input in UnpackInputs)
        {
            data.Add(Dump + $"return dumpall(cmsgpack.unpack({input}))");
            data.Add(Dump + $"return dumpall(cmsgpack.unpack_one({input}))");
            data.Add(Dump + $"return dumpall(cmsgpack.unpack_limit({input}, 2, 1))");
        }
        // (Tables as keys would dump their addresses.)
        foreach (var args in PackArguments.Where(a => !a.Contains("[{}]")))
            data.Add(Dump + $"return dumpall(cmsgpack.unpack(cmsgpack.pack({args})))");
        foreach (var call in StructPackCalls) data.Add($"return struct.pack({call})");
        foreach (var call in StructUnpackCalls) data.Add(Dump + $"return dumpall(struct.unpack({call}))");
        foreach (var format in StructSizeFormats) data.Add($"return struct.size({format})");
        // Errors raised with arguments missing or of the wrong type.
        foreach (var call in new[]
        {
            "cjson.encode()", "cjson.encode(1, 2)", "cjson.decode()", "cjson.decode({})", "cjson.decode(12)", "cjson.encode_max_depth(0)",
            "cjson.encode_number_precision(15)", "cjson.encode_sparse_array(1, 2, 3, 4)", "cjson.encode_sparse_array('x')",
            "cjson.encode_invalid_numbers(1)", "cjson.decode_max_depth('x')", "cmsgpack.pack()", "cmsgpack.unpack()", "cmsgpack.unpack({})",
            "cmsgpack.unpack_one('\\1', -1)", "cmsgpack.unpack_one('\\1', 2)", "cmsgpack.unpack_limit('\\1')", "cmsgpack.unpack_limit('\\1', -1)",
            "cmsgpack.unpack_limit('\\1\\2', 'x')", "struct.pack()", "struct.unpack('b')", "struct.size()", "struct.unpack('b', {})",
        })
            data.Add($"return {call}");
        return data;
    }

    /// <summary>Seeded random inputs: byte strings for cmsgpack.unpack, formats and data for struct.unpack, token soups for cjson.decode.</summary>
    public static TheoryData<string> RandomSnippets()
    {
        var random = new Random(20261202);
        var data = new UniqueSnippets();
        byte[] msgpackBytes = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x90, 0x91, 0x92, 0xa0, 0xa1, 0xa3, 0xc0, 0xc2, 0xc3, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
            0xd0, 0xd1, 0xd2, 0xd3, 0xd9, 0xda, 0xdc, 0xde, 0xe0, 0xff, 0x3f, 0x40, 0x61];
        for (int i = 0; i < 120; i++)
        {
            var bytes = new byte[random.Next(1, 14)];
            for (int k = 0; k < bytes.Length; k++) bytes[k] = random.Next(3) == 0 ? (byte)random.Next(256) : msgpackBytes[random.Next(msgpackBytes.Length)];
            var literal = LuaBytes(bytes);
            data.Add(Dump + $"return dumpall(cmsgpack.unpack({literal}))");
            data.Add(Dump + $"return dumpall(cmsgpack.unpack_limit({literal}, {random.Next(0, 3)}, {random.Next(0, 3)}))");
        }
        const string formatChars = "bBhHlLTiIfdxcs<>! 0123456789";
        for (int i = 0; i < 120; i++)
        {
            var format = new StringBuilder();
            for (int k = random.Next(1, 7); k > 0; k--) format.Append(formatChars[random.Next(formatChars.Length)]);
            var bytes = new byte[random.Next(0, 40)];
            random.NextBytes(bytes);
            data.Add(Dump + $"return dumpall(struct.unpack({LuaQuote(format.ToString())}, {LuaBytes(bytes)}))");
            data.Add($"return struct.size({LuaQuote(format.ToString())})");
        }
        string[] packArgs = ["0", "1", "-1", "255", "-129", "65536", "2^31", "-2^31-1", "2^53", "-2^63", "2^64", "0.5", "-7.9", "1e300", "'ab'", "''", "'xyz\\0'", "'12'"];
        for (int i = 0; i < 120; i++)
        {
            var format = new StringBuilder();
            for (int k = random.Next(1, 7); k > 0; k--) format.Append(formatChars[random.Next(formatChars.Length)]);
            var args = Enumerable.Range(0, random.Next(0, 6)).Select(_ => packArgs[random.Next(packArgs.Length)]);
            data.Add($"return struct.pack({string.Join(", ", args.Prepend(LuaQuote(format.ToString())))})");
        }
        for (int i = 0; i < 120; i++)
        {
            var value = RandomLuaValue(random, 0);
            data.Add(Dump + $"return dump(cjson.decode(cjson.encode({value})))");
            data.Add(Dump + $"return dumpall(cmsgpack.unpack(cmsgpack.pack({value})))");
        }
        string[] tokens = ["[", "]", "{", "}", ",", ":", "\"a\"", "\"\\u00e9\"", "\"\\ud83d\\ude00\"", "1", "-2.5e3", "0x1F", "true", "false", "null", " ", "\"", "\\",
            "nan", "-inf", "tru", "1e", "+1", "\"x\\n\"", "007", "\t"];
        for (int i = 0; i < 160; i++)
        {
            var json = new StringBuilder();
            for (int k = random.Next(1, 12); k > 0; k--) json.Append(tokens[random.Next(tokens.Length)]);
            data.Add(Dump + $"return dump(cjson.decode({LuaQuote(json.ToString())}))");
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(RandomSnippets))]
    public Task Random_input_gives_the_same_result_as_redis(string snippet) => Snippet_gives_the_same_result_as_redis(snippet);

    [SkippableTheory]
    [MemberData(nameof(Snippets))]
    public async Task Snippet_gives_the_same_result_as_redis(string snippet)
    {
        fixture.Oracle.RequireAvailable();
        await using var redis = await fixture.Oracle.ConnectAsync();
        var expected = Normalize(await redis.CallAsync([Encoding.Latin1.GetBytes("EVAL"), Encoding.Latin1.GetBytes(snippet), "0"u8.ToArray()]));
        Assert.Equal(expected, RunHere(snippet));
    }

    /// <summary>Redis's reply reduced to what is compared: a bulk string, an integer or an error's message.</summary>
    private static string Normalize(string reply)
    {
        if (reply.StartsWith('$'))
            return reply.StartsWith("$-1") ? "nil" : "string:" + reply[(reply.IndexOf("\r\n", StringComparison.Ordinal) + 2)..^2];
        if (reply.StartsWith(':')) return "integer:" + reply[1..^2];
        if (reply.StartsWith("-ERR "))
        {
            var message = reply[5..^2];
            int script = message.LastIndexOf(" script: ", StringComparison.Ordinal);
            return "error:" + (script >= 0 ? message[..script] : message);
        }
        return "other:" + reply;
    }

    private static string RunHere(string snippet)
    {
        var lua = new LuaState();
        lua.OpenStandardLibraries();
        CjsonLibrary.Open(lua);
        CmsgpackLibrary.Open(lua);
        StructLibrary.Open(lua);
        try
        {
            var function = lua.Load(Encoding.Latin1.GetBytes(snippet), "@user_script");
            var results = lua.Call(function, []);
            if (results.Length == 0) return "nil";
            var first = results[0];
            return first.Type switch
            {
                LuaType.String => "string:" + Encoding.Latin1.GetString(first.AsString.Span),
                LuaType.Number => "integer:" + (long)first.Number,
                LuaType.Nil => "nil",
                _ => "other:" + first.TypeName,
            };
        }
        catch (LuaException e)
        {
            return "error:" + e.Value.CoerceToString();
        }
    }

    /// <summary>Theory data that drops repeated snippets (random generation repeats short inputs).</summary>
    private sealed class UniqueSnippets : TheoryData<string>
    {
        private readonly HashSet<string> _seen = [];

        public new void Add(string snippet)
        {
            if (_seen.Add(snippet)) base.Add(snippet);
        }
    }

    private static readonly string[] ScalarValues = ["0", "1", "-1", "0.1", "1/3", "2^53", "-1e300", "1e-7", "'s'", "''", "'a\\0b'", "'\\255\\1/\"'", "true", "false", "cjson.null", "1/0"];
    private static readonly string[] KeyValues = ["1", "2", "3", "5", "0", "-1", "1.5", "2^31", "'k'", "'1'", "''", "'\\0'"];

    /// <summary>A random Lua expression: scalars, sequences and tables with assorted keys, nested up to three levels.</summary>
    private static string RandomLuaValue(Random random, int depth)
    {
        int choice = random.Next(depth < 3 ? 4 : 2);
        if (choice < 2) return ScalarValues[random.Next(ScalarValues.Length)];
        var items = Enumerable.Range(0, random.Next(0, 5));
        if (choice == 2) return "{" + string.Join(", ", items.Select(_ => RandomLuaValue(random, depth + 1))) + "}";
        return "{" + string.Join(", ", items.Select(_ => "[" + KeyValues[random.Next(KeyValues.Length)] + "] = " + RandomLuaValue(random, depth + 1))) + "}";
    }

    private static string LuaBytes(byte[] bytes) => "'" + string.Concat(bytes.Select(b => "\\" + b)) + "'";

    /// <summary>A Lua string literal holding exactly <paramref name="text"/>'s characters as bytes.</summary>
    private static string LuaQuote(string text)
    {
        var quoted = new StringBuilder("'");
        foreach (char c in text)
        {
            quoted.Append(c switch
            {
                '\\' => "\\\\",
                '\'' => "\\'",
                '\n' => "\\n",
                '\r' => "\\r",
                '\0' => "\\0",
                _ => c.ToString(),
            });
        }
        return quoted.Append('\'').ToString();
    }
}
