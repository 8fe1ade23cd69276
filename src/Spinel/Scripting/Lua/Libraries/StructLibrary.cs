using System.Buffers.Binary;

namespace Spinel.Scripting.Lua.Libraries;

/// <summary>
/// The <c>struct</c> global Redis 7.0 scripts see (Roberto Ierusalimschy's struct library as Redis bundles it):
/// <c>pack(fmt, ...)</c>, <c>unpack(fmt, s [, pos])</c> (values, then the next position) and <c>size(fmt)</c>,
/// for the x86-64 Linux ABI Redis runs on: little-endian native order, short 2, int 4, long and size_t 8,
/// default maximum alignment 8. Integers go through C's double-to-integer casts as x86-64 performs them.
/// </summary>
public static class StructLibrary
{
    private const int MaxIntSize = 32;
    private const int MaxAlign = 8;
    private const ulong SignBit = 0x8000000000000000;

    private struct Header
    {
        public bool Little;
        public int Align;
    }

    public static void Open(LuaState lua)
    {
        var module = new LuaTable(0, 4);
        module.RawSet(LuaString.FromAscii("pack"), new LuaHostFunction("pack", Pack));
        module.RawSet(LuaString.FromAscii("unpack"), new LuaHostFunction("unpack", Unpack));
        module.RawSet(LuaString.FromAscii("size"), new LuaHostFunction("size", Size));
        lua.Globals.RawSet(LuaString.FromAscii("struct"), module);
    }

    private static int Pack(LuaState lua, LuaArgs args)
    {
        var fmt = args.CheckString(0).Span;
        var h = new Header { Little = true, Align = 1 };
        int arg = 1;
        ulong total = 0;
        using var output = new CodecByteWriter();
        for (int i = 0; i < fmt.Length && fmt[i] != 0;)
        {
            byte opt = fmt[i++];
            ulong size = OptionSize(lua, opt, fmt, ref i);
            ulong toAlign = AlignmentPadding(total, h, opt, size);
            total += toAlign;
            for (ulong k = 0; k < toAlign; k++) output.Write(0);
            switch (opt)
            {
                case (byte)'b' or (byte)'B' or (byte)'h' or (byte)'H' or (byte)'l' or (byte)'L' or (byte)'T' or (byte)'i' or (byte)'I':
                    PutInteger(output, CheckNumber(args, arg++), h.Little, (int)size);
                    break;
                case (byte)'x':
                    output.Write(0);
                    break;
                case (byte)'f':
                    {
                        Span<byte> b = output.GetSpan(4);
                        float f = (float)CheckNumber(args, arg++);
                        if (h.Little) BinaryPrimitives.WriteSingleLittleEndian(b, f);
                        else BinaryPrimitives.WriteSingleBigEndian(b, f);
                        output.Advance(4);
                        break;
                    }
                case (byte)'d':
                    {
                        Span<byte> b = output.GetSpan(8);
                        double d = CheckNumber(args, arg++);
                        if (h.Little) BinaryPrimitives.WriteDoubleLittleEndian(b, d);
                        else BinaryPrimitives.WriteDoubleBigEndian(b, d);
                        output.Advance(8);
                        break;
                    }
                case (byte)'c' or (byte)'s':
                    {
                        var s = CheckString(args, arg++).Span;
                        if (size == 0) size = (ulong)s.Length;
                        // struct names the argument after the string (its counter has already moved on).
                        if ((ulong)s.Length < size) throw args.ArgError(arg, "string too short");
                        output.Write(s[..(int)size]);
                        if (opt == 's')
                        {
                            output.Write(0);
                            size++;
                        }
                        break;
                    }
                default:
                    ControlOption(lua, args, opt, fmt, ref i, ref h);
                    break;
            }
            total += size;
        }
        return lua.Return(LuaString.From(output.Written));
    }

    private static int Unpack(LuaState lua, LuaArgs args)
    {
        var fmt = args.CheckString(0).Span;
        var data = args.CheckString(1).Span;
        ulong length = (ulong)data.Length;
        ulong pos = (ulong)args.OptInteger(2, 1);
        if (pos == 0) throw args.ArgError(2, "offset must be 1 or greater");
        pos--;
        var h = new Header { Little = true, Align = 1 };
        var results = new List<LuaValue>();
        for (int i = 0; i < fmt.Length && fmt[i] != 0;)
        {
            byte opt = fmt[i++];
            ulong size = OptionSize(lua, opt, fmt, ref i);
            pos += AlignmentPadding(pos, h, opt, size);
            if (!(size <= length && pos <= length - size)) throw args.ArgError(1, "data string too short");
            if (args.Count + results.Count + 2 > CjsonEncoder.MaxCStack) throw lua.Error("stack overflow (too many results)");
            switch (opt)
            {
                case (byte)'b' or (byte)'B' or (byte)'h' or (byte)'H' or (byte)'l' or (byte)'L' or (byte)'T' or (byte)'i' or (byte)'I':
                    results.Add(GetInteger(data.Slice((int)pos, (int)size), h.Little, opt is >= (byte)'a' and <= (byte)'z'));
                    break;
                case (byte)'x':
                    break;
                case (byte)'f':
                    {
                        var b = data.Slice((int)pos, 4);
                        results.Add(h.Little ? BinaryPrimitives.ReadSingleLittleEndian(b) : BinaryPrimitives.ReadSingleBigEndian(b));
                        break;
                    }
                case (byte)'d':
                    {
                        var b = data.Slice((int)pos, 8);
                        results.Add(h.Little ? BinaryPrimitives.ReadDoubleLittleEndian(b) : BinaryPrimitives.ReadDoubleBigEndian(b));
                        break;
                    }
                case (byte)'c':
                    if (size == 0)
                    {
                        // "c0": the length is the previous result (a number, or a string that converts to one).
                        if (results.Count == 0 || !results[^1].TryGetNumber(out double previous))
                            throw lua.Error("format 'c0' needs a previous size");
                        size = DoubleToUInt64(previous);
                        results.RemoveAt(results.Count - 1);
                        if (!(size <= length && pos <= length - size)) throw args.ArgError(1, "data string too short");
                    }
                    results.Add(LuaValue.FromBytes(data.Slice((int)pos, (int)size)));
                    break;
                case (byte)'s':
                    {
                        int end = data[(int)pos..].IndexOf((byte)0);
                        if (end < 0) throw lua.Error("unfinished string in data");
                        results.Add(LuaValue.FromBytes(data.Slice((int)pos, end)));
                        size = (ulong)end + 1;
                        break;
                    }
                default:
                    ControlOption(lua, args, opt, fmt, ref i, ref h);
                    break;
            }
            pos += size;
        }
        results.Add((double)(long)(pos + 1));
        return lua.ReturnSpan(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(results));
    }

    private static int Size(LuaState lua, LuaArgs args)
    {
        var fmt = args.CheckString(0).Span;
        var h = new Header { Little = true, Align = 1 };
        ulong pos = 0;
        for (int i = 0; i < fmt.Length && fmt[i] != 0;)
        {
            byte opt = fmt[i++];
            ulong size = OptionSize(lua, opt, fmt, ref i);
            pos += AlignmentPadding(pos, h, opt, size);
            if (opt == 's') throw args.ArgError(0, "option 's' has no fixed size");
            if (opt == 'c' && size == 0) throw args.ArgError(0, "option 'c0' has no fixed size");
            // Only punctuation reaches the control options here: unknown letters and digits count as size 0.
            if (!IsAsciiLetterOrDigit(opt)) ControlOption(lua, args, opt, fmt, ref i, ref h);
            pos += size;
        }
        return lua.Return((double)(long)pos);
    }

    private static ulong OptionSize(LuaState lua, byte opt, ReadOnlySpan<byte> fmt, ref int i)
    {
        switch (opt)
        {
            case (byte)'B' or (byte)'b': return 1;
            case (byte)'H' or (byte)'h': return 2;
            case (byte)'L' or (byte)'l' or (byte)'T' or (byte)'d': return 8;
            case (byte)'f': return 4;
            case (byte)'x': return 1;
            case (byte)'c': return (ulong)ReadNumber(lua, fmt, ref i, 1);
            case (byte)'i' or (byte)'I':
                {
                    int size = ReadNumber(lua, fmt, ref i, 4);
                    if (size > MaxIntSize) throw lua.Error($"integral size {size} is larger than limit of {MaxIntSize}");
                    return (ulong)size;
                }
            default: return 0;
        }
    }

    private static int ReadNumber(LuaState lua, ReadOnlySpan<byte> fmt, ref int i, int defaultValue)
    {
        if (i >= fmt.Length || !IsDigit(fmt[i])) return defaultValue;
        int a = 0;
        do
        {
            int digit = fmt[i] - '0';
            if (a > int.MaxValue / 10 || a * 10 > int.MaxValue - digit) throw lua.Error("integral size overflow");
            a = a * 10 + digit;
            i++;
        }
        while (i < fmt.Length && IsDigit(fmt[i]));
        return a;
    }

    private static ulong AlignmentPadding(ulong position, Header h, byte opt, ulong size)
    {
        if (size == 0 || opt == 'c') return 0;
        if (size > (ulong)h.Align) size = (ulong)h.Align;
        return (size - (position & (size - 1))) & (size - 1);
    }

    private static void ControlOption(LuaState lua, LuaArgs args, byte opt, ReadOnlySpan<byte> fmt, ref int i, ref Header h)
    {
        switch (opt)
        {
            case (byte)' ':
                return;
            case (byte)'>':
                h.Little = false;
                return;
            case (byte)'<':
                h.Little = true;
                return;
            case (byte)'!':
                {
                    int a = ReadNumber(lua, fmt, ref i, MaxAlign);
                    if (a <= 0 || (a & (a - 1)) != 0) throw lua.Error($"alignment {a} is not a power of 2");
                    h.Align = a;
                    return;
                }
            default:
                throw args.ArgError(0, $"invalid format option '{(char)opt}'");
        }
    }

    // pack pushes a nil after its arguments before it reads them, so the first missing one is "nil", not "no value".
    private static double CheckNumber(LuaArgs args, int i) =>
        i == args.Count ? throw args.ArgError(i, "number expected, got nil") : args.CheckNumber(i);

    private static LuaString CheckString(LuaArgs args, int i) =>
        i == args.Count ? throw args.ArgError(i, "string expected, got nil") : args.CheckString(i);

    /// <summary>Writes the low bytes of the C cast of the number (bytes past the eighth are zero).</summary>
    private static void PutInteger(CodecByteWriter output, double n, bool little, int size)
    {
        ulong value = n < 0 ? (ulong)DoubleToInt64(n) : DoubleToUInt64(n);
        Span<byte> b = output.GetSpan(size);
        for (int k = 0; k < size; k++)
        {
            b[little ? k : size - 1 - k] = (byte)value;
            value >>= 8;
        }
        output.Advance(size);
    }

    private static double GetInteger(ReadOnlySpan<byte> b, bool little, bool signed)
    {
        ulong value = 0;
        for (int k = 0; k < b.Length; k++) value = (value << 8) | b[little ? b.Length - 1 - k : k];
        if (!signed) return value;
        // C shifts by size*8-1; x86-64 takes shift counts modulo 64.
        ulong mask = ~0UL << ((b.Length * 8 - 1) & 63);
        if ((value & mask) != 0) value |= mask;
        return (long)value;
    }

    /// <summary>x86-64's cvttsd2si: out of range and NaN give the "integer indefinite" value.</summary>
    private static long DoubleToInt64(double d) =>
        d >= -9223372036854775808.0 && d < 9223372036854775808.0 ? (long)d : long.MinValue;

    /// <summary>gcc's double to unsigned long on x86-64: values from 2^63 up are converted less 2^63, then the top bit flipped.</summary>
    private static ulong DoubleToUInt64(double d) =>
        d >= 9223372036854775808.0 ? (ulong)DoubleToInt64(d - 9223372036854775808.0) ^ SignBit : (ulong)DoubleToInt64(d);

    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    private static bool IsAsciiLetterOrDigit(byte c) => IsDigit(c) || (uint)((c | 0x20) - 'a') <= 25;
}
