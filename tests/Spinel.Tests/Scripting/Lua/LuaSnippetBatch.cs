using System.Text;
using Spinel.Scripting.Lua;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Scripting.Lua;

/// <summary>
/// Runs Lua expressions, one case per line of a single script, both in redis-server (EVAL) and in Spinel's engine, and
/// compares each case's serialized outcome (types, tostring of every result, or the error message with its position).
/// </summary>
public static class LuaSnippetBatch
{
    public static string Script(IReadOnlyList<string> expressions)
    {
        var sb = new StringBuilder();
        sb.Append("local function ser(ok, ...) local out = {ok and 'ok' or 'err'} ")
          .Append("for i = 1, select('#', ...) do local v = select(i, ...) out[#out + 1] = type(v) .. ':' .. tostring(v) end ")
          .Append("return table.concat(out, '\\2') end\n");
        sb.Append("local cases = {\n");
        foreach (var e in expressions) sb.Append("function() return ").Append(e).Append(" end,\n");
        sb.Append("}\nlocal out = {} for i, f in ipairs(cases) do local s = ser(pcall(f)) out[#out + 1] = #s .. ':' .. s end return table.concat(out)\n");
        return sb.ToString();
    }

    private static List<string> Split(string text)
    {
        var results = new List<string>();
        for (int pos = 0; pos < text.Length;)
        {
            int colon = text.IndexOf(':', pos);
            int length = int.Parse(text.AsSpan(pos, colon - pos));
            results.Add(text.Substring(colon + 1, length));
            pos = colon + 1 + length;
        }
        return results;
    }

    public static async Task<List<string>> RunOnRedisAsync(RedisOracle oracle, string script)
    {
        await using var client = await oracle.ConnectAsync();
        await client.SendAsync([Encoding.Latin1.GetBytes("EVAL"), Encoding.Latin1.GetBytes(script), "0"u8.ToArray()]);
        var reply = await client.ReadReplyAsync(60_000);
        if (reply[0] != (byte)'$') throw new InvalidOperationException(Encoding.Latin1.GetString(reply));
        int headerEnd = Array.IndexOf(reply, (byte)'\n') + 1;
        return Split(Encoding.Latin1.GetString(reply, headerEnd, reply.Length - headerEnd - 2));
    }

    public static List<string> RunInSpinel(string script)
    {
        var lua = new LuaState();
        lua.OpenStandardLibraries();
        var chunk = lua.Load(Encoding.Latin1.GetBytes(script), "@user_script");
        var result = lua.Call(chunk, default);
        return Split(Encoding.Latin1.GetString(result[0].AsString.Span));
    }

    /// <summary>Asserts every expression gives the same outcome on both sides, listing the differences.</summary>
    public static async Task AssertSameAsync(RedisOracle oracle, IReadOnlyList<string> expressions)
    {
        oracle.RequireAvailable();
        string script = Script(expressions);
        var expected = await RunOnRedisAsync(oracle, script);
        var actual = RunInSpinel(script);
        Assert.Equal(expressions.Count, expected.Count);
        Assert.Equal(expressions.Count, actual.Count);
        var failures = new List<string>();
        for (int i = 0; i < expressions.Count; i++)
            if (expected[i] != actual[i]) failures.Add($"{expressions[i]}\n   redis:  [{expected[i].Replace('\u0002', ' ')}]\n   spinel: [{actual[i].Replace('\u0002', ' ')}]");
        Assert.True(failures.Count == 0, $"{failures.Count} of {expressions.Count} differ:\n" + string.Join("\n", failures.Take(30)));
    }
}
