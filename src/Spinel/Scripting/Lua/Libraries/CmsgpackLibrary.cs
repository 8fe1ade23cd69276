using System.Buffers.Binary;

namespace Spinel.Scripting.Lua.Libraries;

/// <summary>
/// The <c>cmsgpack</c> global Redis 7.0 scripts see (lua-cmsgpack 0.4.0): <c>pack(...)</c> concatenates the
/// MessagePack encoding of each argument; <c>unpack</c>, <c>unpack_one</c> and <c>unpack_limit</c> decode,
/// the last two also returning the offset to continue from (-1 at the end).
/// </summary>
public static class CmsgpackLibrary
{
    /// <summary>Tables nested deeper than this encode as nil (so cyclic tables terminate).</summary>
    private const int MaxNesting = 16;

    public static void Open(LuaState lua)
    {
        var module = new LuaTable(0, 8);
        Set(module, "pack", Pack);
        Set(module, "unpack", (lua, args) => Unpack(lua, args, 0, 0, args.Count));
        Set(module, "unpack_one", (lua, args) => Unpack(lua, args, 1, args.OptInteger(1, 0), 1));
        Set(module, "unpack_limit", (lua, args) =>
        {
            long limit = args.CheckInteger(1);
            return Unpack(lua, args, limit, args.OptInteger(2, 0), 1);
        });
        module.RawSet(LuaString.FromAscii("_NAME"), LuaValue.FromAscii("cmsgpack"));
        module.RawSet(LuaString.FromAscii("_VERSION"), LuaValue.FromAscii("lua-cmsgpack 0.4.0"));
        module.RawSet(LuaString.FromAscii("_COPYRIGHT"), LuaValue.FromAscii("Copyright (C) 2012, Salvatore Sanfilippo"));
        module.RawSet(LuaString.FromAscii("_DESCRIPTION"), LuaValue.FromAscii("MessagePack C implementation for Lua"));
        lua.Globals.RawSet(LuaString.FromAscii("cmsgpack"), module);
    }

    private static int Pack(LuaState lua, LuaArgs args)
    {
        if (args.Count == 0) throw args.ArgError(-1, "MessagePack pack needs input.");
        using var output = new CodecByteWriter();
        foreach (var value in args.Span) EncodeValue(output, value, 0);
        return lua.Return(LuaString.From(output.Written));
    }

    private static void EncodeValue(CodecByteWriter output, LuaValue value, int level)
    {
        switch (value.Type)
        {
            case LuaType.String:
                EncodeBytes(output, value.AsString.Span);
                break;
            case LuaType.Boolean:
                output.Write(value.Boolean ? (byte)0xc3 : (byte)0xc2);
                break;
            case LuaType.Number:
                EncodeNumber(output, value.Number);
                break;
            case LuaType.Table when level < MaxNesting:
                EncodeTable(output, value.AsTable, level);
                break;
            default:
                output.Write(0xc0);
                break;
        }
    }

    private static void EncodeBytes(CodecByteWriter output, ReadOnlySpan<byte> s)
    {
        int length = s.Length;
        if (length < 32) output.Write((byte)(0xa0 | length));
        else if (length <= 0xff)
        {
            output.Write(0xd9);
            output.Write((byte)length);
        }
        else if (length <= 0xffff) WriteHeader16(output, 0xda, length);
        else WriteHeader32(output, 0xdb, (uint)length);
        output.Write(s);
    }

    private static void EncodeNumber(CodecByteWriter output, double number)
    {
        // lua-cmsgpack: integral values that survive a round trip through int64_t are integers; others are
        // floats when a float holds them exactly, else doubles. (The cast is done by hand: .NET saturates.)
        if (number >= -9223372036854775808.0 && number < 9223372036854775808.0 && Math.Truncate(number) == number)
        {
            EncodeInteger(output, (long)number);
            return;
        }
        float single = (float)number;
        if ((double)single == number)
        {
            Span<byte> b = output.GetSpan(5);
            b[0] = 0xca;
            BinaryPrimitives.WriteSingleBigEndian(b[1..], single);
            output.Advance(5);
        }
        else
        {
            Span<byte> b = output.GetSpan(9);
            b[0] = 0xcb;
            BinaryPrimitives.WriteDoubleBigEndian(b[1..], number);
            output.Advance(9);
        }
    }

    private static void EncodeInteger(CodecByteWriter output, long n)
    {
        Span<byte> b = output.GetSpan(9);
        int length;
        if (n >= 0)
        {
            if (n <= 127)
            {
                b[0] = (byte)n;
                length = 1;
            }
            else if (n <= 0xff)
            {
                b[0] = 0xcc;
                b[1] = (byte)n;
                length = 2;
            }
            else if (n <= 0xffff)
            {
                b[0] = 0xcd;
                BinaryPrimitives.WriteUInt16BigEndian(b[1..], (ushort)n);
                length = 3;
            }
            else if (n <= 0xffffffffL)
            {
                b[0] = 0xce;
                BinaryPrimitives.WriteUInt32BigEndian(b[1..], (uint)n);
                length = 5;
            }
            else
            {
                b[0] = 0xcf;
                BinaryPrimitives.WriteUInt64BigEndian(b[1..], (ulong)n);
                length = 9;
            }
        }
        else if (n >= -32)
        {
            b[0] = (byte)(sbyte)n;
            length = 1;
        }
        else if (n >= -128)
        {
            b[0] = 0xd0;
            b[1] = (byte)(sbyte)n;
            length = 2;
        }
        else if (n >= -32768)
        {
            b[0] = 0xd1;
            BinaryPrimitives.WriteInt16BigEndian(b[1..], (short)n);
            length = 3;
        }
        else if (n >= -2147483648L)
        {
            b[0] = 0xd2;
            BinaryPrimitives.WriteInt32BigEndian(b[1..], (int)n);
            length = 5;
        }
        else
        {
            b[0] = 0xd3;
            BinaryPrimitives.WriteInt64BigEndian(b[1..], n);
            length = 9;
        }
        output.Advance(length);
    }

    private static void EncodeTable(CodecByteWriter output, LuaTable table, int level)
    {
        // An array when the keys are exactly 1..n (each a number that fits a C int); an empty table is an empty array.
        int count = 0, max = 0;
        bool isArray = true;
        LuaValue key = LuaValue.Nil;
        while (table.Next(ref key, out _))
        {
            if (!key.IsNumber || !(key.Number > 0) || !FitsInt(key.Number))
            {
                isArray = false;
                break;
            }
            max = Math.Max(max, (int)key.Number);
            count++;
        }
        if (isArray && max == count)
        {
            int length = table.Length;
            if (length <= 15) output.Write((byte)(0x90 | length));
            else if (length <= 0xffff) WriteHeader16(output, 0xdc, length);
            else WriteHeader32(output, 0xdd, (uint)length);
            for (int i = 1; i <= length; i++) EncodeValue(output, table.RawGet(i), level + 1);
            return;
        }
        int pairs = 0;
        key = LuaValue.Nil;
        while (table.Next(ref key, out _)) pairs++;
        if (pairs <= 15) output.Write((byte)(0x80 | pairs));
        else if (pairs <= 0xffff) WriteHeader16(output, 0xde, pairs);
        else WriteHeader32(output, 0xdf, (uint)pairs);
        key = LuaValue.Nil;
        while (table.Next(ref key, out LuaValue value))
        {
            EncodeValue(output, key, level + 1);
            EncodeValue(output, value, level + 1);
        }
    }

    private static bool FitsInt(double d) => d >= int.MinValue && d <= int.MaxValue && Math.Truncate(d) == d;

    private static void WriteHeader16(CodecByteWriter output, byte type, int length)
    {
        Span<byte> b = output.GetSpan(3);
        b[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(b[1..], (ushort)length);
        output.Advance(3);
    }

    private static void WriteHeader32(CodecByteWriter output, byte type, uint length)
    {
        Span<byte> b = output.GetSpan(5);
        b[0] = type;
        BinaryPrimitives.WriteUInt32BigEndian(b[1..], length);
        output.Advance(5);
    }

    /// <summary>
    /// lua-cmsgpack's mp_unpack_full: limit and offset both 0 decode everything and return no offset;
    /// otherwise at most <paramref name="limit"/> values follow the next offset (-1 once the input is used up).
    /// </summary>
    private static int Unpack(LuaState lua, LuaArgs args, long limit, long offset, int stackTop)
    {
        var input = args.CheckString(0);
        int length = input.Length;
        bool decodeAll = limit == 0 && offset == 0;
        if (offset < 0 || limit < 0)
            throw lua.Error($"Invalid request to unpack with offset of {(int)offset} and limit of {length}.");
        if (offset > length)
            throw lua.Error($"Start offset {(int)offset} greater than input length {length}.");
        if (decodeAll) limit = int.MaxValue;
        // (lua-cmsgpack prints the offset with %d, and the input length where the limit belongs.)

        var decoder = new MsgpackDecoder(lua, input.Span, (int)offset, stackTop);
        var results = new List<LuaValue>();
        if (!decodeAll) results.Add(LuaValue.Nil); // the offset, filled in below
        for (int count = 0; decoder.Left > 0 && count < limit; count++)
        {
            var value = decoder.DecodeTopLevel();
            results.Add(value);
        }
        if (!decodeAll) results[0] = decoder.Left == 0 ? -1 : length - decoder.Left;
        return lua.ReturnSpan(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(results));
    }

    private static void Set(LuaTable module, string name, LuaHostBody body) =>
        module.RawSet(LuaString.FromAscii(name), new LuaHostFunction(name, body));

    /// <summary>
    /// Decodes values from a MessagePack byte string, tracking the Lua stack slots lua-cmsgpack's recursion
    /// holds so huge results or deep nesting fail with its "stack overflow" errors.
    /// </summary>
    private ref struct MsgpackDecoder(LuaState lua, ReadOnlySpan<byte> data, int offset, int stackTop)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos = offset;
        private int _top = stackTop;

        public readonly int Left => _data.Length - _pos;

        public LuaValue DecodeTopLevel()
        {
            var value = DecodeValue(out var error);
            if (error == DecodeError.Eof) throw lua.Error("Missing bytes in input.");
            if (error == DecodeError.BadFormat) throw lua.Error("Bad data format in input.");
            _top++;
            return value;
        }

        private enum DecodeError { None, Eof, BadFormat }

        private void CheckStack(int slots, string message)
        {
            if (_top + slots > CjsonEncoder.MaxCStack) throw lua.Error($"stack overflow ({message})");
        }

        private LuaValue DecodeValue(out DecodeError error)
        {
            error = DecodeError.None;
            if (Left < 1)
            {
                error = DecodeError.Eof;
                return LuaValue.Nil;
            }
            CheckStack(1, "too many return values at once; use unpack_one or unpack_limit instead.");
            byte type = _data[_pos];
            int need = type switch
            {
                0xcc or 0xd0 or 0xd9 => 2,
                0xcd or 0xd1 or 0xda or 0xdc or 0xde => 3,
                0xce or 0xd2 or 0xca or 0xdb or 0xdd or 0xdf => 5,
                0xcf or 0xd3 or 0xcb => 9,
                _ => 1,
            };
            if (Left < need)
            {
                error = DecodeError.Eof;
                return LuaValue.Nil;
            }
            var p = _data.Slice(_pos, need);
            switch (type)
            {
                case 0xcc: _pos += 2; return p[1];
                case 0xd0: _pos += 2; return (sbyte)p[1];
                case 0xcd: _pos += 3; return BinaryPrimitives.ReadUInt16BigEndian(p[1..]);
                case 0xd1: _pos += 3; return BinaryPrimitives.ReadInt16BigEndian(p[1..]);
                case 0xce: _pos += 5; return BinaryPrimitives.ReadUInt32BigEndian(p[1..]);
                case 0xd2: _pos += 5; return BinaryPrimitives.ReadInt32BigEndian(p[1..]);
                // Redis's build pushes uint64 through lua_pushinteger: values past 2^63 wrap negative.
                case 0xcf: _pos += 9; return (long)BinaryPrimitives.ReadUInt64BigEndian(p[1..]);
                case 0xd3: _pos += 9; return BinaryPrimitives.ReadInt64BigEndian(p[1..]);
                case 0xc0: _pos += 1; return LuaValue.Nil;
                case 0xc3: _pos += 1; return LuaValue.True;
                case 0xc2: _pos += 1; return LuaValue.False;
                case 0xca: _pos += 5; return BinaryPrimitives.ReadSingleBigEndian(p[1..]);
                case 0xcb: _pos += 9; return BinaryPrimitives.ReadDoubleBigEndian(p[1..]);
                case 0xd9: return ReadBytes(2, p[1], out error);
                case 0xda: return ReadBytes(3, BinaryPrimitives.ReadUInt16BigEndian(p[1..]), out error);
                case 0xdb: return ReadBytes(5, BinaryPrimitives.ReadUInt32BigEndian(p[1..]), out error);
                case 0xdc: _pos += 3; return DecodeArray(BinaryPrimitives.ReadUInt16BigEndian(p[1..]), out error);
                case 0xdd: _pos += 5; return DecodeArray(BinaryPrimitives.ReadUInt32BigEndian(p[1..]), out error);
                case 0xde: _pos += 3; return DecodeMap(BinaryPrimitives.ReadUInt16BigEndian(p[1..]), out error);
                case 0xdf: _pos += 5; return DecodeMap(BinaryPrimitives.ReadUInt32BigEndian(p[1..]), out error);
            }
            if ((type & 0x80) == 0)
            {
                _pos++;
                return type;
            }
            if ((type & 0xe0) == 0xe0)
            {
                _pos++;
                return (sbyte)type;
            }
            if ((type & 0xe0) == 0xa0) return ReadBytes(1, (uint)(type & 0x1f), out error);
            if ((type & 0xf0) == 0x90)
            {
                _pos++;
                return DecodeArray((uint)(type & 0xf), out error);
            }
            if ((type & 0xf0) == 0x80)
            {
                _pos++;
                return DecodeMap((uint)(type & 0xf), out error);
            }
            error = DecodeError.BadFormat;
            return LuaValue.Nil;
        }

        private LuaValue ReadBytes(int header, uint length, out DecodeError error)
        {
            error = DecodeError.None;
            if ((ulong)Left < (ulong)header + length)
            {
                error = DecodeError.Eof;
                return LuaValue.Nil;
            }
            var value = LuaValue.FromBytes(_data.Slice(_pos + header, (int)length));
            _pos += header + (int)length;
            return value;
        }

        private LuaValue DecodeArray(uint count, out DecodeError error)
        {
            error = DecodeError.None;
            var table = new LuaTable((int)Math.Min(count, 1024u));
            _top++; // the table
            CheckStack(1, "in function mp_decode_to_lua_array");
            _top++; // the index
            for (int index = 1; count > 0; count--, index++)
            {
                var item = DecodeValue(out error);
                if (error != DecodeError.None) return LuaValue.Nil;
                table.RawSet(index, item);
            }
            _top -= 2;
            return table;
        }

        private LuaValue DecodeMap(uint count, out DecodeError error)
        {
            error = DecodeError.None;
            var table = new LuaTable(0, (int)Math.Min(count, 1024u));
            _top++; // the table
            for (; count > 0; count--)
            {
                var key = DecodeValue(out error);
                if (error != DecodeError.None) return LuaValue.Nil;
                _top++; // the key
                var value = DecodeValue(out error);
                if (error != DecodeError.None) return LuaValue.Nil;
                _top--;
                if (key.IsNil) throw new LuaException(LuaValue.FromAscii("table index is nil"));
                if (key.IsNumber && double.IsNaN(key.Number)) throw new LuaException(LuaValue.FromAscii("table index is NaN"));
                table.RawSet(key, value);
            }
            _top--;
            return table;
        }
    }
}
