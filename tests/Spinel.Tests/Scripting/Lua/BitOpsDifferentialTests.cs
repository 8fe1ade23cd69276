using System.Text;
using Spinel.Scripting.Lua.Libraries;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Scripting.Lua;

/// <summary>The bit operations normalise numbers and compute exactly as Redis 7.0's LuaBitOp does, edge values included.</summary>
public sealed class BitOpsDifferentialTests(RedisOracle oracle) : IClassFixture<RedisOracle>
{
    internal static readonly double[] Values =
    [
        0, 1, -1, 0.5, 1.5, 2.5, -0.5, -1.5, 3.7, -3.7, 255, 256, 0x7fffffff, 2147483648, -2147483648, -2147483649, 4294967295, 4294967296,
        4294967297, 1e10, -1e10, 9007199254740991, 9007199254740992, 9007199254740993, 2251799813685248, 4503599627370496, 6755399441055744,
        1e15, 1e16, 1e17, 1e20, 1e300, -1e300, 1.0 / 3, 0x12345678, 0x87654321, double.PositiveInfinity, double.NegativeInfinity, double.NaN,
    ];

    internal static readonly double[] Counts = [0, 1, 4, 8, 31, 32, 33, -1, 64, 2.5, 1e10];

    private static string Local(string op, double a, double b)
    {
        int x = BitLibrary.ToBit(a), n = BitLibrary.ToBit(b);
        if (op == "tohex")
        {
            Span<byte> hex = stackalloc byte[8];
            int len = BitLibrary.ToHex(x, n, hex);
            return "ok\u0002string:" + Encoding.Latin1.GetString(hex[..len]);
        }
        int r = op switch
        {
            "tobit" => x,
            "bnot" => ~x,
            "band" => x & n,
            "bor" => x | n,
            "bxor" => x ^ n,
            "lshift" => BitLibrary.ShiftLeft(x, n),
            "rshift" => BitLibrary.ShiftRight(x, n),
            "arshift" => BitLibrary.ShiftRightArithmetic(x, n),
            "rol" => BitLibrary.RotateLeft(x, n),
            "ror" => BitLibrary.RotateRight(x, n),
            "bswap" => BitLibrary.Swap(x),
            _ => throw new ArgumentException(op),
        };
        return "ok\u0002number:" + r;
    }

    [SkippableFact]
    public async Task Operations_on_edge_values_match_redis()
    {
        oracle.RequireAvailable();
        var cases = new List<(string Op, double A, double B)>();
        foreach (double a in Values)
        {
            foreach (var op in new[] { "tobit", "bnot", "bswap" }) cases.Add((op, a, 0));
            foreach (var op in new[] { "lshift", "rshift", "arshift", "rol", "ror" })
                foreach (double n in Counts) cases.Add((op, a, n));
            foreach (var op in new[] { "band", "bor", "bxor" }) cases.Add((op, a, -1.5));
            foreach (double n in new[] { 8, 1, 4, -4, -8, 9, -9, 0, 2.5 }) cases.Add(("tohex", a, n));
        }
        var expected = await LuaOracleBatch.RunAsync(oracle, "function(op, a, b) return bit[op](tonumber(a), tonumber(b)) end",
            cases.Select(c => new[] { c.Op, LuaStringFormatDifferentialTests.NumberText(c.A), LuaStringFormatDifferentialTests.NumberText(c.B) }).ToList());
        var failures = new List<string>();
        for (int i = 0; i < cases.Count; i++)
        {
            string actual = Local(cases[i].Op, cases[i].A, cases[i].B);
            if (actual != expected[i]) failures.Add($"bit.{cases[i].Op}({cases[i].A}, {cases[i].B}): redis [{expected[i]}] spinel [{actual}]");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} differ:\n" + string.Join("\n", failures.Take(40)));
    }
}
