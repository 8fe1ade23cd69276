namespace Spinel.Scripting.Lua.Libraries;

/// <summary>
/// <c>cjson.encode</c>: Lua values to JSON bytes the way the lua-cjson 2.1.0 bundled with Redis writes them.
/// Walks nested tables with an explicit stack (nesting can reach thousands of levels) and charges each level
/// the Lua stack slots lua-cjson's recursion uses, so a raised depth limit still stops where Redis's does.
/// </summary>
internal sealed class CjsonEncoder
{
    /// <summary>LUAI_MAXCSTACK: the most stack slots a C function may hold in Lua 5.1.</summary>
    internal const int MaxCStack = 8000;

    private readonly LuaState _lua;
    private readonly CjsonConfig _config;
    private readonly CodecByteWriter _out;
    private Frame[] _frames = new Frame[8];
    private int _depth;
    private int _slots;

    private struct Frame
    {
        public LuaTable Table;
        public int ArrayLength;   // > 0: an array of this many items; 0: an object
        public int Index;
        public LuaValue Key;
    }

    private CjsonEncoder(LuaState lua, CjsonConfig config, CodecByteWriter output)
    {
        _lua = lua;
        _config = config;
        _out = output;
    }

    public static void Encode(LuaState lua, CjsonConfig config, LuaValue value, CodecByteWriter output) =>
        new CjsonEncoder(lua, config, output).Run(value);

    private void Run(LuaValue root)
    {
        _slots = 1; // the argument
        AppendValue(root);
        while (_depth > 0)
        {
            ref Frame top = ref _frames[_depth - 1];
            if (top.ArrayLength > 0)
            {
                if (top.Index == top.ArrayLength)
                {
                    _out.Write((byte)']');
                    Pop();
                    continue;
                }
                if (top.Index > 0) _out.Write((byte)',');
                top.Index++;
                AppendValue(top.Table.RawGet(top.Index));
            }
            else
            {
                if (!top.Table.Next(ref top.Key, out LuaValue item))
                {
                    _out.Write((byte)'}');
                    Pop();
                    continue;
                }
                if (top.Index++ > 0) _out.Write((byte)',');
                AppendKey(top.Key);
                AppendValue(item);
            }
        }
    }

    private void AppendKey(LuaValue key)
    {
        if (key.IsNumber)
        {
            _out.Write((byte)'"');
            AppendNumber(key.Number);
            _out.Write("\":"u8);
        }
        else if (key.IsString)
        {
            AppendString(key.AsString.Span);
            _out.Write((byte)':');
        }
        else throw Unsupported(key, "table key must be a number or string");
    }

    /// <summary>Writes a scalar, or opens a table and pushes its frame.</summary>
    private void AppendValue(LuaValue value)
    {
        switch (value.Type)
        {
            case LuaType.String:
                AppendString(value.AsString.Span);
                break;
            case LuaType.Number:
                AppendNumber(value.Number);
                break;
            case LuaType.Boolean:
                _out.Write(value.Boolean ? "true"u8 : "false"u8);
                break;
            case LuaType.Nil:
                _out.Write("null"u8);
                break;
            case LuaType.Table:
                OpenTable(value.AsTable);
                break;
            case LuaType.UserData when ReferenceEquals(value.AsUserData, CjsonLibrary.Null):
                _out.Write("null"u8);
                break;
            default:
                throw Unsupported(value, "type not supported");
        }
    }

    private void OpenTable(LuaTable table)
    {
        int depth = _depth + 1;
        // lua-cjson checks its depth limit and, with lua_checkstack(3), the C stack: arrays hold one slot per
        // level (the item), objects two (key and value).
        if (depth > _config.EncodeMaxDepth || _slots + 3 > MaxCStack)
            throw _lua.Error($"Cannot serialise, excessive nesting ({depth})");
        int length = ArrayLength(table);
        if (_depth == _frames.Length) Array.Resize(ref _frames, _frames.Length * 2);
        _frames[_depth++] = new Frame { Table = table, ArrayLength = Math.Max(length, 0) };
        if (length > 0)
        {
            _slots += 1;
            _out.Write((byte)'[');
        }
        else
        {
            _slots += 2;
            _out.Write((byte)'{');
        }
    }

    private void Pop()
    {
        _depth--;
        _slots -= _frames[_depth].ArrayLength > 0 ? 1 : 2;
        _frames[_depth] = default;
    }

    /// <summary>
    /// lua-cjson's array test: every key a positive integral number; the result is the largest key (kept in a
    /// C int), or -1 for an object. Too sparse an array is an error, or an object when conversion is on.
    /// </summary>
    private int ArrayLength(LuaTable table)
    {
        int max = 0;
        long items = 0;
        LuaValue key = LuaValue.Nil;
        while (table.Next(ref key, out _))
        {
            if (!key.IsNumber) return -1;
            double k = key.Number;
            if (k == 0 || Math.Floor(k) != k || !(k >= 1)) return -1;
            if (k > max) max = k < 2147483648.0 ? (int)k : int.MinValue;
            items++;
        }
        if (_config.EncodeSparseRatio > 0 && max > items * _config.EncodeSparseRatio && max > _config.EncodeSparseSafe)
        {
            if (_config.EncodeSparseConvert == 0) throw _lua.Error("Cannot serialise table: excessively sparse array");
            return -1;
        }
        return max;
    }

    private void AppendNumber(double number)
    {
        if (double.IsNaN(number) || double.IsInfinity(number))
        {
            switch (_config.EncodeInvalidNumbers)
            {
                case 0:
                    throw _lua.Error("Cannot serialise number: must not be NaN or Inf");
                case 2:
                    _out.Write("null"u8);
                    return;
                default:
                    // Redis's lua-cjson writes every NaN as "nan" (printf would give "-nan" for some).
                    if (double.IsNaN(number))
                    {
                        _out.Write("nan"u8);
                        return;
                    }
                    break;
            }
        }
        Span<byte> span = _out.GetSpan(CFormat.GeneralMaxLength);
        _out.Advance(CFormat.FormatG(number, _config.EncodeNumberPrecision, span));
    }

    private void AppendString(ReadOnlySpan<byte> s)
    {
        _out.Write((byte)'"');
        int run = 0;
        for (int i = 0; i < s.Length; i++)
        {
            byte c = s[i];
            if (c >= 0x20 && c != '"' && c != '\\' && c != '/' && c != 0x7f) continue;
            _out.Write(s[run..i]);
            run = i + 1;
            switch (c)
            {
                case (byte)'"': _out.Write("\\\""u8); break;
                case (byte)'\\': _out.Write("\\\\"u8); break;
                case (byte)'/': _out.Write("\\/"u8); break;
                case (byte)'\b': _out.Write("\\b"u8); break;
                case (byte)'\f': _out.Write("\\f"u8); break;
                case (byte)'\n': _out.Write("\\n"u8); break;
                case (byte)'\r': _out.Write("\\r"u8); break;
                case (byte)'\t': _out.Write("\\t"u8); break;
                default:
                    Span<byte> escape = _out.GetSpan(6);
                    "\\u00"u8.CopyTo(escape);
                    escape[4] = HexDigit(c >> 4);
                    escape[5] = HexDigit(c & 0xf);
                    _out.Advance(6);
                    break;
            }
        }
        _out.Write(s[run..]);
        _out.Write((byte)'"');
    }

    private static byte HexDigit(int d) => (byte)(d < 10 ? '0' + d : 'a' + d - 10);

    private LuaException Unsupported(LuaValue value, string reason) =>
        _lua.Error($"Cannot serialise {value.TypeName}: {reason}");
}
