using System.Text;

namespace Spinel.Scripting.Lua.Compiler;

internal enum Tk
{
    Eof, Name, String, Number,
    And, Break, Do, Else, ElseIf, End, False, For, Function, If, In, Local, Nil, Not, Or, Repeat, Return, Then,
    True, Until, While,
    Concat, Dots, Eq, Ge, Le, Ne,
    Char, // any single-character token; the character is in Lexer.Ch
}

/// <summary>Lua 5.1's tokenizer over bytes, with its error messages ("malformed number near '3x'").</summary>
internal sealed class Lexer
{
    private static readonly Dictionary<string, Tk> Reserved = new()
    {
        ["and"] = Tk.And,
        ["break"] = Tk.Break,
        ["do"] = Tk.Do,
        ["else"] = Tk.Else,
        ["elseif"] = Tk.ElseIf,
        ["end"] = Tk.End,
        ["false"] = Tk.False,
        ["for"] = Tk.For,
        ["function"] = Tk.Function,
        ["if"] = Tk.If,
        ["in"] = Tk.In,
        ["local"] = Tk.Local,
        ["nil"] = Tk.Nil,
        ["not"] = Tk.Not,
        ["or"] = Tk.Or,
        ["repeat"] = Tk.Repeat,
        ["return"] = Tk.Return,
        ["then"] = Tk.Then,
        ["true"] = Tk.True,
        ["until"] = Tk.Until,
        ["while"] = Tk.While,
    };

    private readonly byte[] _src;
    private int _pos;
    private readonly StringBuilder _raw = new(); // the current token's source text, for messages

    public readonly string Chunk;
    public int Line = 1;
    public int LastLine = 1;

    // Current token
    public Tk Tok;
    public char Ch;
    public LuaString? Str;
    public double Num;
    public string Text = "";

    // Lookahead
    private bool _hasAhead;
    private Tk _aTok;
    private char _aCh;
    private LuaString? _aStr;
    private double _aNum;
    private string _aText = "";
    private int _aLine;

    public Lexer(ReadOnlySpan<byte> src, string chunk)
    {
        _src = src.ToArray();
        Chunk = chunk;
    }

    public void Next()
    {
        LastLine = Line;
        if (_hasAhead)
        {
            _hasAhead = false;
            Tok = _aTok;
            Ch = _aCh;
            Str = _aStr;
            Num = _aNum;
            Text = _aText;
            Line = _aLine;
            return;
        }
        Scan();
    }

    public Tk PeekTok()
    {
        if (!_hasAhead)
        {
            var (t, c, s, n, x, l) = (Tok, Ch, Str, Num, Text, Line);
            Scan();
            (_aTok, _aCh, _aStr, _aNum, _aText, _aLine) = (Tok, Ch, Str, Num, Text, Line);
            (Tok, Ch, Str, Num, Text, Line) = (t, c, s, n, x, l);
            _hasAhead = true;
        }
        return _aTok;
    }

    public bool PeekIsChar(char c) => PeekTok() == Tk.Char && _aCh == c;

    public bool Is(char c) => Tok == Tk.Char && Ch == c;

    public LuaException Error(string message, bool withToken = true) =>
        new(LuaString.FromAscii(Chunk + ":" + Line + ": " + message + (withToken ? " near '" + TokenText() + "'" : "")));

    public string TokenText() => Tok switch
    {
        Tk.Eof => "<eof>",
        Tk.Name or Tk.String or Tk.Number => Text,
        Tk.Char => Ch.ToString(),
        _ => TokenName(Tok),
    };

    public static string TokenName(Tk t) => t switch
    {
        Tk.Concat => "..",
        Tk.Dots => "...",
        Tk.Eq => "==",
        Tk.Ge => ">=",
        Tk.Le => "<=",
        Tk.Ne => "~=",
        Tk.Eof => "<eof>",
        Tk.Name => "<name>",
        Tk.String => "<string>",
        Tk.Number => "<number>",
        _ => t.ToString().ToLowerInvariant(),
    };

    private int Cur => _pos < _src.Length ? _src[_pos] : -1;
    private int Peek(int k = 1) => _pos + k < _src.Length ? _src[_pos + k] : -1;

    private LuaException LexError(string message, string near) =>
        new(LuaString.FromAscii(Chunk + ":" + Line + ": " + message + " near '" + near + "'"));

    private void IncLine()
    {
        var old = Cur;
        _pos++;
        if ((Cur == '\n' || Cur == '\r') && Cur != old)
            _pos++;
        Line++;
    }

    private void Scan()
    {
        Str = null;
        while (true)
        {
            var c = Cur;
            switch (c)
            {
                case -1:
                    Tok = Tk.Eof;
                    return;
                case '\n':
                case '\r':
                    IncLine();
                    continue;
                case ' ':
                case '\t':
                case '\v':
                case '\f':
                    _pos++;
                    continue;
                case '-':
                    if (Peek() != '-')
                    {
                        _pos++;
                        SetChar('-');
                        return;
                    }
                    _pos += 2;
                    if (Cur == '[')
                    {
                        var save = _pos;
                        var level = LongBracketLevel();
                        if (level >= 0)
                        {
                            ReadLong(level, isComment: true);
                            continue;
                        }
                        _pos = save;
                    }
                    while (Cur != -1 && Cur != '\n' && Cur != '\r')
                        _pos++;
                    continue;
                case '[':
                    {
                        var start = _pos;
                        var level = LongBracketLevel();
                        if (level >= 0)
                        {
                            Str = ReadLong(level, isComment: false);
                            Tok = Tk.String;
                            Text = Encoding.Latin1.GetString(_src, start, _pos - start);
                            return;
                        }
                        if (level == -1)
                        {
                            _pos = start + 1;
                            SetChar('[');
                            return;
                        }
                        throw LexError("invalid long string delimiter", Encoding.Latin1.GetString(_src, start, _pos - start));
                    }
                case '=':
                    Two('=', Tk.Eq, '=');
                    return;
                case '<':
                    Two('=', Tk.Le, '<');
                    return;
                case '>':
                    Two('=', Tk.Ge, '>');
                    return;
                case '~':
                    Two('=', Tk.Ne, '~');
                    return;
                case '"':
                case '\'':
                    ReadString((byte)c);
                    return;
                case '.':
                    if (Peek() == '.')
                    {
                        if (Peek(2) == '.')
                        {
                            _pos += 3;
                            Tok = Tk.Dots;
                            return;
                        }
                        _pos += 2;
                        Tok = Tk.Concat;
                        return;
                    }
                    if (Peek() >= '0' && Peek() <= '9')
                    {
                        ReadNumber();
                        return;
                    }
                    _pos++;
                    SetChar('.');
                    return;
                default:
                    if (c >= '0' && c <= '9')
                    {
                        ReadNumber();
                        return;
                    }
                    if (char.IsAsciiLetter((char)c) || c == '_')
                    {
                        var start = _pos;
                        while (Cur != -1 && (char.IsAsciiLetterOrDigit((char)Cur) || Cur == '_'))
                            _pos++;
                        var name = Encoding.Latin1.GetString(_src, start, _pos - start);
                        if (Reserved.TryGetValue(name, out var kw))
                        {
                            Tok = kw;
                            return;
                        }
                        Tok = Tk.Name;
                        Text = name;
                        Str = LuaString.From(_src.AsSpan(start, _pos - start));
                        return;
                    }
                    _pos++;
                    SetChar((char)c);
                    return;
            }
        }
    }

    private void SetChar(char c)
    {
        Tok = Tk.Char;
        Ch = c;
    }

    private void Two(char second, Tk tk, char single)
    {
        _pos++;
        if (Cur == second)
        {
            _pos++;
            Tok = tk;
            return;
        }
        SetChar(single);
    }

    /// <summary>At '[': returns the level of a long bracket "[==[" (consuming it), -1 for a plain '[', -2 for "[=" without '['.</summary>
    private int LongBracketLevel()
    {
        var p = _pos + 1;
        var level = 0;
        while (p < _src.Length && _src[p] == '=')
        {
            p++;
            level++;
        }
        if (p < _src.Length && _src[p] == '[')
        {
            _pos = p + 1;
            return level;
        }
        if (level == 0)
            return -1;
        _pos = p;
        return -2;
    }

    private LuaString? ReadLong(int level, bool isComment)
    {
        var startLine = Line;
        _ = startLine;
        if (Cur == '\r' || Cur == '\n')
            IncLine();
        var buf = isComment ? null : new List<byte>();
        while (true)
        {
            var c = Cur;
            if (c == -1)
            {
                Tok = Tk.Eof;
                throw LexError(isComment ? "unfinished long comment" : "unfinished long string", "<eof>");
            }
            if (c == ']')
            {
                var p = _pos + 1;
                var l = 0;
                while (p < _src.Length && _src[p] == '=')
                {
                    p++;
                    l++;
                }
                if (l == level && p < _src.Length && _src[p] == ']')
                {
                    _pos = p + 1;
                    return buf is null ? null : LuaString.Own([.. buf]);
                }
                buf?.Add((byte)c);
                _pos++;
                continue;
            }
            if (c == '[' && level == 0 && Peek() == '[')
            {
                _pos += 2;
                throw LexError("nesting of [[...]] is deprecated", "[");
            }
            if (c == '\n' || c == '\r')
            {
                buf?.Add((byte)'\n');
                IncLine();
                continue;
            }
            buf?.Add((byte)c);
            _pos++;
        }
    }

    private void ReadString(byte quote)
    {
        var start = _pos;
        _pos++;
        var buf = new List<byte>();
        while (true)
        {
            var c = Cur;
            if (c == -1)
                throw LexError("unfinished string", "<eof>");
            if (c == '\n' || c == '\r')
                throw LexError("unfinished string", Encoding.Latin1.GetString(_src, start, _pos - start));
            if (c == quote)
            {
                _pos++;
                break;
            }
            if (c != '\\')
            {
                buf.Add((byte)c);
                _pos++;
                continue;
            }
            _pos++;
            c = Cur;
            switch (c)
            {
                case 'a': buf.Add(7); _pos++; break;
                case 'b': buf.Add(8); _pos++; break;
                case 'f': buf.Add(12); _pos++; break;
                case 'n': buf.Add(10); _pos++; break;
                case 'r': buf.Add(13); _pos++; break;
                case 't': buf.Add(9); _pos++; break;
                case 'v': buf.Add(11); _pos++; break;
                case '\n':
                case '\r':
                    buf.Add((byte)'\n');
                    IncLine();
                    break;
                case -1:
                    continue; // reported as unfinished string
                default:
                    if (c >= '0' && c <= '9')
                    {
                        var v = 0;
                        var i = 0;
                        while (i < 3 && Cur >= '0' && Cur <= '9')
                        {
                            v = v * 10 + (Cur - '0');
                            _pos++;
                            i++;
                        }
                        if (v > 255)
                            throw LexError("escape sequence too large", Encoding.Latin1.GetString(_src, start, _pos - start));
                        buf.Add((byte)v);
                    }
                    else
                    {
                        buf.Add((byte)c);
                        _pos++;
                    }
                    break;
            }
        }
        Tok = Tk.String;
        Str = LuaString.Own([.. buf]);
        Text = Encoding.Latin1.GetString(_src, start, _pos - start);
    }

    private void ReadNumber()
    {
        var start = _pos;
        while (Cur >= '0' && Cur <= '9' || Cur == '.')
            _pos++;
        if (Cur == 'e' || Cur == 'E')
        {
            _pos++;
            if (Cur == '+' || Cur == '-')
                _pos++;
        }
        while (Cur != -1 && (char.IsAsciiLetterOrDigit((char)Cur) || Cur == '_'))
            _pos++;
        var span = _src.AsSpan(start, _pos - start);
        Text = Encoding.Latin1.GetString(span);
        if (!TryNumeral(span, out Num))
            throw LexError("malformed number", Text);
        Tok = Tk.Number;
    }

    /// <summary>5.1 converts a numeral with <c>luaO_str2d</c>, which also takes a trailing hex part after "0x".</summary>
    private static bool TryNumeral(ReadOnlySpan<byte> s, out double v) => LuaNumber.TryParse(s, out v);
}
