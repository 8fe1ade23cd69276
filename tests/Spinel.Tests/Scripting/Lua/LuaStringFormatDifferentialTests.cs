using System.Globalization;
using System.Text;
using Spinel.Scripting.Lua;
using Spinel.Scripting.Lua.Libraries;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Scripting.Lua;

/// <summary>string.format's numeric conversions print what Redis 7.0's Lua 5.1 prints on Linux/glibc, digit for digit.</summary>
public sealed class LuaStringFormatDifferentialTests(RedisOracle oracle) : IClassFixture<RedisOracle>
{
    internal static readonly double[] Numbers =
    [
        0, -0.0, 1, -1, 0.5, 1.5, 2.5, -2.5, 3.7, -3.7, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 10, 100, 255, 65, 97.9,
        2147483647, 2147483648, -2147483648, 4294967295, 4294967296, 9007199254740992, 9007199254740993, 9223372036854775807,
        -9223372036854775808, 1.8446744073709552e19, 1e15, 1e16, 1e17, 1e21, 1e22, 1e23, 1e100, 1e300, double.MaxValue,
        double.Epsilon, 2.2250738585072014e-308, 1e-5, 1e-4, 0.0001234, 123456789.125, 0.125, 0.375, 9.5, 99.5, 999999.5,
        9999995, 0.00009999995, 0.05, 0.15, 0.25, 0.35, 1.005, 2.675, 5e-7, 123.456, -123.456, 1e-320, 6.02214076e23,
        double.PositiveInfinity, double.NegativeInfinity, BitConverter.Int64BitsToDouble(0x7FF8000000000000), BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8000000000000)),
        999999.6, 99.94, 99.96, 9.96, 0.99996, 9.9999995e-05, 99999.95,
    ];

    internal static readonly string[] NumericFormats =
    [
        "%d", "%5d", "%-5d|", "%05d", "%+d", "% d", "%.3d", "%.0d", "%8.3d", "%-+8.3d|", "%i", "%x", "%X", "%#x", "%#X", "%08x", "%o", "%#o", "%#.0o",
        "%u", "%c", "%5c|", "%-5c|", "%e", "%.0e", "%#.0e", "%E", "%.3e", "%12.4e", "%-12.4e|", "%+e", "%f", "%.0f", "%#.0f", "%.1f", "%.2f",
        "%.10f", "%.20f", "%.99f", "%10.3f", "%-10.3f|", "%010.3f", "%+f", "% f", "%+ f", "%5.1f", "%g", "%.0g", "%#g", "%G", "%.1g", "%.3g",
        "%.10g", "%.14g", "%.17g", "%.20g", "%10g", "%-10g|", "%+g", "%#.3g", "%#.2g", "%#.1g", "%#.0g", "%#.10g", "%#G", "%010g", "%-010g|", "x%dy%%z", "%%", "%5.2f", "%099.99f",
    ];

    internal static string NumberText(double d) =>
        double.IsNaN(d) ? (BitConverter.DoubleToInt64Bits(d) < 0 ? "-nan" : "nan")
        : double.IsPositiveInfinity(d) ? "inf" : double.IsNegativeInfinity(d) ? "-inf"
        : d == 0 && double.IsNegative(d) ? "-0" : d.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>What the C# conversions give for a format with numeric items, serialized like <see cref="LuaOracleBatch"/>.</summary>
    internal static string FormatLocally(string format, double value)
    {
        var bytes = Encoding.Latin1.GetBytes(format);
        var output = new LuaByteBuffer(stackalloc byte[256]);
        try
        {
            for (int i = 0; i < bytes.Length;)
            {
                if (bytes[i] != (byte)'%') output.Append(bytes[i++]);
                else if (i + 1 < bytes.Length && bytes[i + 1] == (byte)'%')
                {
                    output.Append((byte)'%');
                    i += 2;
                }
                else
                {
                    i++;
                    var spec = LuaFormatSpec.Parse(bytes, ref i);
                    if ("diouxXceEfgG"u8.IndexOf(spec.Conversion) < 0) throw new LuaStringException(LuaStringFormat.InvalidOption(spec.Conversion));
                    LuaStringFormat.AppendNumber(ref output, spec, value);
                }
            }
            return "ok\u0002string:" + Encoding.Latin1.GetString(output.Written);
        }
        catch (LuaStringException e)
        {
            return "err\u0002string:" + e.Message;
        }
        finally
        {
            output.Dispose();
        }
    }

    private async Task CompareAsync(IReadOnlyList<(string Format, double Value)> cases)
    {
        oracle.RequireAvailable();
        var expected = await LuaOracleBatch.RunAsync(oracle, "function(f, n) return string.format(f, tonumber(n)) end",
            cases.Select(c => new[] { c.Format, NumberText(c.Value) }).ToList());
        var failures = new List<string>();
        for (int i = 0; i < cases.Count; i++)
        {
            string actual = FormatLocally(cases[i].Format, cases[i].Value);
            if (actual != expected[i]) failures.Add($"format('{cases[i].Format}', {NumberText(cases[i].Value)}): redis [{expected[i]}] spinel [{actual}]");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} differ:\n" + string.Join("\n", failures.Take(40)));
    }

    [SkippableFact]
    public Task Numeric_conversions_match_glibc_for_every_format_and_edge_value() =>
        CompareAsync([.. from f in NumericFormats from n in Numbers select (f, n)]);

    [SkippableFact]
    public Task Random_doubles_print_the_same_digits_in_e_f_and_g()
    {
        var random = new Random(8);
        var cases = new List<(string, double)>();
        string[] formats = ["%.0e", "%.3e", "%.16e", "%.30e", "%.0f", "%.5f", "%.17f", "%.40f", "%g", "%.1g", "%.12g", "%.17g", "%.25g"];
        for (int i = 0; i < 300; i++)
        {
            double d = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(d)) continue;
            if (i % 3 == 0) d = Math.Round(random.NextDouble() * 1000, random.Next(0, 6)) * (random.Next(2) == 0 ? 1 : -1);
            if (i % 3 == 1) d = random.NextDouble() * Math.Pow(10, random.Next(-30, 30));
            cases.Add((formats[i % formats.Length], d));
        }
        return CompareAsync(cases);
    }

    [SkippableFact]
    public Task Malformed_items_raise_the_same_errors() =>
        CompareAsync([.. from f in new[] { "%y", "%", "%123d", "%1.123d", "%------5d", "%-----5d|", "%.", "%5.f", "%#+- 05d" } select (f, 1.0)]);

    [SkippableFact]
    public async Task Tostring_and_cjson_precision_print_the_digits_string_format_g_prints()
    {
        oracle.RequireAvailable();
        var random = new Random(14);
        var numbers = new List<double>(Numbers) { 10000000000000.5, 10000000000001.5, 99999999999999.5, 123456789012345.0 };
        for (int i = 0; i < 200; i++)
            numbers.Add(i % 2 == 0 ? BitConverter.Int64BitsToDouble(random.NextInt64()) : Math.Round(random.NextDouble() * 1e6, random.Next(0, 8)));
        int[] precisions = [1, 3, 6, 14, 15];
        var cases = (from n in numbers from p in precisions select (n, p)).ToList();
        var expected = await LuaOracleBatch.RunAsync(oracle, "function(n, p) p = tonumber(p) return p == 14 and tostring(tonumber(n)) or string.format('%.' .. p .. 'g', tonumber(n)) end",
            cases.Select(c => new[] { NumberText(c.n), c.p.ToString(CultureInfo.InvariantCulture) }).ToList());
        var failures = new List<string>();
        Span<byte> text = stackalloc byte[CFormat.GeneralMaxLength];
        for (int i = 0; i < cases.Count; i++)
        {
            var (n, p) = cases[i];
            string actual = "ok\u0002string:" + (p == 14 ? LuaNumber.FormatString(n) : Encoding.ASCII.GetString(text[..CFormat.FormatG(n, p, text)]));
            if (actual != expected[i]) failures.Add($"%.{p}g of {NumberText(n)}: redis [{expected[i]}] spinel [{actual}]");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} differ:\n" + string.Join("\n", failures.Take(40)));
    }
}
