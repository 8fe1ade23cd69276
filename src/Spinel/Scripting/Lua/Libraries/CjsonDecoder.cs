namespace Spinel.Scripting.Lua.Libraries;

/// <summary>
/// <c>cjson.decode</c>: JSON text to Lua values with lua-cjson 2.1.0's tokenizer, its error texts
/// ("Expected value but found T_END at character 1") and its quirks: a NUL byte ends the input, numbers are
/// whatever strtod accepts (hex, inf, nan) unless decode_invalid_numbers is off. Nesting is walked with an
/// explicit stack and charged lua-cjson's Lua stack slots, so deep input fails where Redis's does.
/// </summary>
internal sealed class CjsonDecoder
{
    private enum Token { ObjBegin, ObjEnd, ArrBegin, ArrEnd, String, Number, Boolean, Null, Colon, Comma, End, Whitespace, Error, Unknown }

    private static readonly string[] TokenNames =
        ["T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING", "T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR", "T_UNKNOWN"];

    private static readonly Token[] CharTokens = BuildCharTokens();

    private readonly LuaState _lua;
    private readonly CjsonConfig _config;
    private readonly byte[] _data;
    private int _pos;
    private readonly CodecByteWriter _scratch = new(64);

    // The current token.
    private Token _type;
    private int _index;
    private double _number;
    private bool _boolean;
    private string? _error;

    private Frame[] _frames = new Frame[8];
    private int _depth;
    private int _slots = 1; // the argument

    private struct Frame
    {
        public LuaTable Table;
        public bool IsObject;
        public int Count;
        public LuaValue Key;
    }

    private CjsonDecoder(LuaState lua, CjsonConfig config, byte[] data)
    {
        _lua = lua;
        _config = config;
        _data = data;
    }

    public static LuaValue Decode(LuaState lua, CjsonConfig config, LuaString json)
    {
        var span = json.Span;
        if (span.Length >= 2 && (span[0] == 0 || span[1] == 0))
            throw lua.Error("JSON parser does not support UTF-16 or UTF-32");
        var decoder = new CjsonDecoder(lua, config, json.Bytes);
        try
        {
            return decoder.Run();
        }
        finally
        {
            decoder._scratch.Dispose();
        }
    }

    private LuaValue Run()
    {
        NextToken();
        LuaValue value = ParseValue(out bool opened);
        while (true)
        {
            if (opened)
            {
                // A container just opened: read its first key (objects) or first value (arrays), or its end.
                ref Frame frame = ref _frames[_depth - 1];
                NextToken();
                if (_type == (frame.IsObject ? Token.ObjEnd : Token.ArrEnd))
                {
                    value = Close();
                }
                else
                {
                    if (frame.IsObject) ReadKeyAndColon(ref frame);
                    value = ParseValue(out opened);
                    continue;
                }
            }
            if (_depth == 0) break;
            // A value is complete: store it in the innermost container, then expect a separator or the end.
            ref Frame top = ref _frames[_depth - 1];
            if (top.IsObject)
            {
                top.Table.RawSet(top.Key, value);
                top.Key = LuaValue.Nil;
                NextToken();
                if (_type == Token.ObjEnd)
                {
                    value = Close();
                    opened = false;
                    continue;
                }
                if (_type != Token.Comma) throw ParseError("comma or object end");
                NextToken();
                ReadKeyAndColon(ref top);
            }
            else
            {
                top.Table.RawSet(++top.Count, value);
                NextToken();
                if (_type == Token.ArrEnd)
                {
                    value = Close();
                    opened = false;
                    continue;
                }
                if (_type != Token.Comma) throw ParseError("comma or array end");
                NextToken();
            }
            value = ParseValue(out opened);
        }
        NextToken();
        if (_type != Token.End) throw ParseError("the end");
        return value;
    }

    private void ReadKeyAndColon(ref Frame frame)
    {
        if (_type != Token.String) throw ParseError("object key string");
        frame.Key = LuaString.From(_scratch.Written);
        NextToken();
        if (_type != Token.Colon) throw ParseError("colon");
        NextToken();
    }

    /// <summary>The value the current token starts; a '{' or '[' pushes a frame and sets <paramref name="opened"/>.</summary>
    private LuaValue ParseValue(out bool opened)
    {
        opened = false;
        switch (_type)
        {
            case Token.String:
                return LuaString.From(_scratch.Written);
            case Token.Number:
                return _number;
            case Token.Boolean:
                return LuaValue.FromBool(_boolean);
            case Token.Null:
                return CjsonLibrary.Null;
            case Token.ObjBegin:
            case Token.ArrBegin:
                Open(_type == Token.ObjBegin);
                opened = true;
                return LuaValue.Nil;
            default:
                throw ParseError("value");
        }
    }

    private void Open(bool isObject)
    {
        int depth = _depth + 1;
        // lua_checkstack(3) for objects (table, key, value), (2) for arrays (table, value).
        if (depth > _config.DecodeMaxDepth || _slots + (isObject ? 3 : 2) > CjsonEncoder.MaxCStack)
            throw _lua.Error($"Found too many nested data structures ({depth}) at character {_pos}");
        if (_depth == _frames.Length) Array.Resize(ref _frames, _frames.Length * 2);
        _frames[_depth++] = new Frame { Table = new LuaTable(), IsObject = isObject };
        _slots += isObject ? 2 : 1;
    }

    private LuaValue Close()
    {
        ref Frame frame = ref _frames[--_depth];
        _slots -= frame.IsObject ? 2 : 1;
        LuaTable table = frame.Table;
        frame = default;
        return table;
    }

    private LuaException ParseError(string expected)
    {
        string found = _type == Token.Error ? _error! : TokenNames[(int)_type];
        return _lua.Error($"Expected {expected} but found {found} at character {_index + 1}");
    }

    private void NextToken()
    {
        byte c;
        while (true)
        {
            c = At(_pos);
            _type = CharTokens[c];
            if (_type != Token.Whitespace) break;
            _pos++;
        }
        _index = _pos;
        switch (_type)
        {
            case Token.Error:
                SetError("invalid token");
                return;
            case Token.End:
                return;
            case Token.Unknown:
                break;
            default:
                _pos++;
                return;
        }
        if (c == '"')
        {
            ParseString();
            return;
        }
        if (c == '-' || (uint)(c - '0') <= 9)
        {
            if (_config.DecodeInvalidNumbers == 0 && IsInvalidNumber())
            {
                SetError("invalid number");
                return;
            }
            ParseNumber();
            return;
        }
        if (Matches("true"u8))
        {
            _type = Token.Boolean;
            _boolean = true;
            _pos += 4;
            return;
        }
        if (Matches("false"u8))
        {
            _type = Token.Boolean;
            _boolean = false;
            _pos += 5;
            return;
        }
        if (Matches("null"u8))
        {
            _type = Token.Null;
            _pos += 4;
            return;
        }
        if (_config.DecodeInvalidNumbers != 0 && IsInvalidNumber())
        {
            ParseNumber();
            return;
        }
        SetError("invalid token");
    }

    private void SetError(string error)
    {
        _type = Token.Error;
        _index = _pos;
        _error = error;
    }

    private bool Matches(ReadOnlySpan<byte> word) => _data.AsSpan(_pos).StartsWith(word);

    /// <summary>The byte at <paramref name="i"/>, or the C string's terminating NUL past the end (lua-cjson stops at any NUL).</summary>
    private byte At(int i) => (uint)i < (uint)_data.Length ? _data[i] : (byte)0;

    private void ParseNumber()
    {
        int end = StrtodParser.Parse(_data, _pos, out _number);
        if (end == _pos)
        {
            SetError("invalid number");
            return;
        }
        _type = Token.Number;
        _pos = end;
    }

    /// <summary>What strict JSON forbids but strtod reads: a leading '+', hex, leading zeros, inf and nan.</summary>
    private bool IsInvalidNumber()
    {
        int p = _pos;
        if (At(p) == '+') return true;
        if (At(p) == '-') p++;
        byte c = At(p);
        if (c == '0')
        {
            byte next = At(p + 1);
            return (next | 0x20) == 'x' || (uint)(next - '0') <= 9;
        }
        if (c <= '9') return false;
        return StartsWithIgnoreCase(p, "inf"u8) || StartsWithIgnoreCase(p, "nan"u8);
    }

    private bool StartsWithIgnoreCase(int p, ReadOnlySpan<byte> word)
    {
        for (int i = 0; i < word.Length; i++)
            if ((At(p + i) | 0x20) != word[i]) return false;
        return true;
    }

    private void ParseString()
    {
        _pos++; // the opening quote
        _scratch.Clear();
        while (true)
        {
            int start = _pos;
            byte c = At(_pos);
            while (c != '"' && c != '\\' && c != 0) c = At(++_pos);
            _scratch.Write(_data.AsSpan(start, _pos - start));
            if (c == '"') break;
            if (c == 0)
            {
                SetError("unexpected end of string");
                return;
            }
            byte escape = At(_pos + 1);
            byte translated = escape switch
            {
                (byte)'"' => (byte)'"',
                (byte)'\\' => (byte)'\\',
                (byte)'/' => (byte)'/',
                (byte)'b' => (byte)'\b',
                (byte)'f' => (byte)'\f',
                (byte)'n' => (byte)'\n',
                (byte)'r' => (byte)'\r',
                (byte)'t' => (byte)'\t',
                (byte)'u' => (byte)'u',
                _ => 0,
            };
            if (translated == 'u')
            {
                if (!AppendUnicodeEscape())
                {
                    SetError("invalid unicode escape code");
                    return;
                }
                continue;
            }
            if (translated == 0)
            {
                SetError("invalid escape code");
                return;
            }
            _scratch.Write(translated);
            _pos += 2;
        }
        _pos++; // the closing quote
        _type = Token.String;
    }

    /// <summary>A \uXXXX escape (or a surrogate pair of them) at the current position, appended as UTF-8.</summary>
    private bool AppendUnicodeEscape()
    {
        int codepoint = Hex4(_pos + 2);
        if (codepoint < 0) return false;
        int length = 6;
        if ((codepoint & 0xF800) == 0xD800)
        {
            if ((codepoint & 0x400) != 0) return false;
            if (At(_pos + 6) != '\\' || At(_pos + 7) != 'u') return false;
            int low = Hex4(_pos + 8);
            if (low < 0 || (low & 0xFC00) != 0xDC00) return false;
            codepoint = (((codepoint & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
            length = 12;
        }
        Span<byte> utf8 = _scratch.GetSpan(4);
        int n;
        if (codepoint <= 0x7F)
        {
            utf8[0] = (byte)codepoint;
            n = 1;
        }
        else if (codepoint <= 0x7FF)
        {
            utf8[0] = (byte)(0xC0 | (codepoint >> 6));
            utf8[1] = (byte)(0x80 | (codepoint & 0x3F));
            n = 2;
        }
        else if (codepoint <= 0xFFFF)
        {
            utf8[0] = (byte)(0xE0 | (codepoint >> 12));
            utf8[1] = (byte)(0x80 | ((codepoint >> 6) & 0x3F));
            utf8[2] = (byte)(0x80 | (codepoint & 0x3F));
            n = 3;
        }
        else
        {
            utf8[0] = (byte)(0xF0 | (codepoint >> 18));
            utf8[1] = (byte)(0x80 | ((codepoint >> 12) & 0x3F));
            utf8[2] = (byte)(0x80 | ((codepoint >> 6) & 0x3F));
            utf8[3] = (byte)(0x80 | (codepoint & 0x3F));
            n = 4;
        }
        _scratch.Advance(n);
        _pos += length;
        return true;
    }

    private int Hex4(int at)
    {
        int value = 0;
        for (int i = 0; i < 4; i++)
        {
            byte c = At(at + i);
            int d = (uint)(c - '0') <= 9 ? c - '0' : (uint)((c | 0x20) - 'a') <= 5 ? (c | 0x20) - 'a' + 10 : -1;
            if (d < 0) return -1;
            value = (value << 4) | d;
        }
        return value;
    }

    private static Token[] BuildCharTokens()
    {
        var table = new Token[256];
        Array.Fill(table, Token.Error);
        table[0] = Token.End;
        table[' '] = table['\t'] = table['\r'] = table['\n'] = Token.Whitespace;
        table['{'] = Token.ObjBegin;
        table['}'] = Token.ObjEnd;
        table['['] = Token.ArrBegin;
        table[']'] = Token.ArrEnd;
        table[':'] = Token.Colon;
        table[','] = Token.Comma;
        foreach (char c in "fiInNt\"+-0123456789") table[c] = Token.Unknown;
        return table;
    }
}
