using System.Text;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Scripting.Lua;

/// <summary>
/// Runs many calls of one Lua function on redis-server in a single EVAL and returns each call's outcome serialized as
/// "ok" or "err" followed by "type:tostring(value)" per result, separated by \u0002 (each call's text is length-prefixed on the wire) (errors lose their "user_script:N: " prefix).
/// </summary>
public static class LuaOracleBatch
{
    public const char Separator = '\u0002';

    /// <summary>
    /// The Lua that serializes: <c>body</c> is a function expression taking one case's arguments (strings from ARGV,
    /// <paramref name="arity"/> per case; each case's argument count comes first).
    /// </summary>
    public static string Script(string body) => $$"""
        local f = {{body}}
        local function ser(ok, ...)
          local out = {ok and 'ok' or 'err'}
          for i = 1, select('#', ...) do
            local v = select(i, ...)
            if not ok and type(v) == 'string' then v = string.gsub(v, '^user_script:%d+: ', '') end
            out[#out + 1] = type(v) .. ':' .. tostring(v)
          end
          return table.concat(out, '\2')
        end
        local results = {}
        local i = 1
        while i <= #ARGV do
          local n = tonumber(ARGV[i])
          local args = {}
          for j = 1, n do args[j] = ARGV[i + j] end
          local s = ser(pcall(f, unpack(args, 1, n)))
          results[#results + 1] = #s .. ':' .. s
          i = i + n + 1
        end
        return table.concat(results)
        """;

    public static async Task<List<string>> RunAsync(RedisOracle oracle, string body, IReadOnlyList<string[]> cases)
    {
        await using var client = await oracle.ConnectAsync();
        var args = new List<byte[]> { "EVAL"u8.ToArray(), Encoding.Latin1.GetBytes(Script(body)), "0"u8.ToArray() };
        foreach (var c in cases)
        {
            args.Add(Encoding.Latin1.GetBytes(c.Length.ToString()));
            foreach (var a in c) args.Add(Encoding.Latin1.GetBytes(a));
        }
        await client.SendAsync(args);
        var reply = await client.ReadReplyAsync(60_000);
        if (reply[0] != (byte)'$') throw new InvalidOperationException(Encoding.Latin1.GetString(reply));
        int headerEnd = Array.IndexOf(reply, (byte)'\n') + 1;
        string text = Encoding.Latin1.GetString(reply, headerEnd, reply.Length - headerEnd - 2);
        var results = new List<string>();
        for (int pos = 0; pos < text.Length;)
        {
            int colon = text.IndexOf(':', pos);
            int length = int.Parse(text.AsSpan(pos, colon - pos));
            results.Add(text.Substring(colon + 1, length));
            pos = colon + 1 + length;
        }
        Assert.Equal(cases.Count, results.Count);
        return results;
    }
}
