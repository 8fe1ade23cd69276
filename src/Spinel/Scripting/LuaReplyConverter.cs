using Spinel.Protocol;
using Spinel.Scripting.Lua;
using Spinel.Util;

namespace Spinel.Scripting;

/// <summary>
/// Redis's conversions between replies and Lua values. A command's RESP reply becomes a Lua value as
/// redis.call returns it (RESP2 rules, or RESP3 rules after redis.setresp(3)); a script's return value
/// becomes the reply sent to its caller.
/// </summary>
public static class LuaReplyConverter
{
    internal static readonly LuaString Ok = LuaString.FromAscii("ok");
    internal static readonly LuaString Err = LuaString.FromAscii("err");
    private static readonly LuaString Double = LuaString.FromAscii("double");
    private static readonly LuaString BigNumber = LuaString.FromAscii("big_number");
    private static readonly LuaString Map = LuaString.FromAscii("map");
    private static readonly LuaString Set = LuaString.FromAscii("set");
    private static readonly LuaString Verbatim = LuaString.FromAscii("verbatim_string");
    private static readonly LuaString Format = LuaString.FromAscii("format");
    private static readonly LuaString StringField = LuaString.FromAscii("string");

    /// <summary>Deep enough for any reply a command writes; deeper (a corrupt buffer) is an error, not a crash.</summary>
    private const int MaxDepth = 1000;

    /// <summary>
    /// Converts one complete reply at <paramref name="at"/> of <paramref name="resp"/> into a Lua value and moves past it.
    /// </summary>
    public static LuaValue FromResp(ReadOnlySpan<byte> resp, ref int at, int depth = 0)
    {
        if (depth > MaxDepth) throw new InvalidOperationException("reply nested too deeply");
        byte type = resp[at++];
        var line = ReadLine(resp, ref at);
        switch (type)
        {
            case (byte)':':
                return (double)ParseLong(line);
            case (byte)'$':
                {
                    long length = ParseLong(line);
                    if (length < 0) return LuaValue.False;
                    var value = LuaValue.FromBytes(resp.Slice(at, (int)length));
                    at += (int)length + 2;
                    return value;
                }
            case (byte)'+':
                return Single(Ok, LuaValue.FromBytes(line));
            case (byte)'-':
                return Single(Err, LuaValue.FromBytes(line));
            case (byte)'*':
            case (byte)'>':
                {
                    long count = ParseLong(line);
                    if (count < 0) return LuaValue.False;
                    var table = LuaTable.ForSequence((int)count);
                    for (int i = 1; i <= count; i++) table.RawSet(i, FromResp(resp, ref at, depth + 1));
                    return table;
                }
            case (byte)'_':
                return LuaValue.Nil;
            case (byte)'#':
                return LuaValue.FromBool(line.Length == 1 && line[0] == (byte)'t');
            case (byte)',':
                {
                    RedisNumbers.TryParseDouble(line, out double d);
                    if (line.SequenceEqual("inf"u8)) d = double.PositiveInfinity;
                    else if (line.SequenceEqual("-inf"u8)) d = double.NegativeInfinity;
                    else if (line.SequenceEqual("nan"u8)) d = double.NaN;
                    return Single(Double, d);
                }
            case (byte)'(':
                return Single(BigNumber, LuaValue.FromBytes(line));
            case (byte)'=':
                {
                    long length = ParseLong(line);
                    var body = resp.Slice(at, (int)length);
                    at += (int)length + 2;
                    var inner = new LuaTable(0, 2);
                    inner.RawSet(Format, LuaValue.FromBytes(body[..3]));
                    inner.RawSet(StringField, LuaValue.FromBytes(body[4..]));
                    return Single(Verbatim, inner);
                }
            case (byte)'%':
                {
                    long count = ParseLong(line);
                    var map = new LuaTable(); // grown key by key, as Redis fills it: the order pairs sees
                    for (long i = 0; i < count; i++)
                    {
                        var key = FromResp(resp, ref at, depth + 1);
                        var value = FromResp(resp, ref at, depth + 1);
                        map.RawSet(key, value);
                    }
                    return Single(Map, map);
                }
            case (byte)'~':
                {
                    long count = ParseLong(line);
                    var set = new LuaTable();
                    for (long i = 0; i < count; i++) set.RawSet(FromResp(resp, ref at, depth + 1), LuaValue.True);
                    return Single(Set, set);
                }
            default:
                throw new InvalidOperationException("unexpected reply type '" + (char)type + "'");
        }
    }

    private static LuaTable Single(LuaString key, LuaValue value)
    {
        var table = new LuaTable(0, 1);
        table.RawSet(key, value);
        return table;
    }

    private static ReadOnlySpan<byte> ReadLine(ReadOnlySpan<byte> resp, ref int at)
    {
        int end = resp[at..].IndexOf("\r\n"u8);
        var line = resp.Slice(at, end);
        at += end + 2;
        return line;
    }

    private static long ParseLong(ReadOnlySpan<byte> digits)
    {
        RedisNumbers.TryParseInt64(digits, out long value);
        return value;
    }

    /// <summary>
    /// Writes a script's return value as its reply. <paramref name="scriptResp"/> is the script's redis.setresp
    /// level, which decides how booleans are sent; the writer's protocol (the caller's) decides the rest.
    /// </summary>
    public static void ToResp(LuaValue value, RespWriter reply, int scriptResp, int depth = 0)
    {
        switch (value.Type)
        {
            case LuaType.String:
                reply.WriteBulk(value.AsString.Span);
                return;
            case LuaType.Boolean:
                if (scriptResp == 2)
                {
                    if (value.Boolean) reply.WriteInteger(1);
                    else reply.WriteNull();
                }
                else reply.WriteBoolean(value.Boolean);
                return;
            case LuaType.Number:
                reply.WriteInteger(DoubleToLong(value.Number));
                return;
            case LuaType.Table:
                TableToResp(value.AsTable, reply, scriptResp, depth);
                return;
            default:
                reply.WriteNull();
                return;
        }
    }

    /// <summary>C's (long long) cast as x86-64 does it: out of range and NaN give the minimum.</summary>
    public static long DoubleToLong(double d) =>
        double.IsNaN(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0 ? long.MinValue : (long)d;

    private static void TableToResp(LuaTable table, RespWriter reply, int scriptResp, int depth)
    {
        if (depth > MaxDepth)
        {
            reply.WriteError("ERR reached lua stack limit");
            return;
        }
        var field = table.RawGet(Err);
        if (field.IsString)
        {
            WriteErrorReply(reply, field.AsString.Span);
            return;
        }
        field = table.RawGet(Ok);
        if (field.IsString)
        {
            WriteStatus(reply, field.AsString.Span);
            return;
        }
        field = table.RawGet(Double);
        if (field.IsNumber)
        {
            reply.WriteDouble(field.Number);
            return;
        }
        field = table.RawGet(BigNumber);
        if (field.IsString)
        {
            var digits = field.AsString.Span;
            if (reply.Protocol == 3)
            {
                reply.WriteRaw("("u8);
                WriteSanitizedLine(reply, digits);
            }
            else reply.WriteBulk(digits);
            return;
        }
        field = table.RawGet(Map);
        if (field.IsTable)
        {
            var map = field.AsTable;
            int pairs = 0;
            LuaValue key = default;
            while (map.Next(ref key, out _)) pairs++;
            reply.WriteMapHeader(pairs);
            key = default;
            while (map.Next(ref key, out var entry))
            {
                ToResp(key, reply, scriptResp, depth + 1);
                ToResp(entry, reply, scriptResp, depth + 1);
            }
            return;
        }
        field = table.RawGet(Set);
        if (field.IsTable)
        {
            var set = field.AsTable;
            int count = 0;
            LuaValue key = default;
            while (set.Next(ref key, out _)) count++;
            reply.WriteSetHeader(count);
            key = default;
            while (set.Next(ref key, out _)) ToResp(key, reply, scriptResp, depth + 1);
            return;
        }
        field = table.RawGet(Verbatim);
        if (field.IsTable)
        {
            var format = field.AsTable.RawGet(Format);
            var text = field.AsTable.RawGet(StringField);
            if (format.IsString && text.IsString && format.AsString.Length == 3)
            {
                WriteVerbatim(reply, format.AsString.Span, text.AsString.Span);
                return;
            }
        }
        // An array: elements 1, 2, ... up to the first nil.
        int length = 0;
        while (!table.RawGet(length + 1).IsNil) length++;
        reply.WriteArrayHeader(length);
        for (int i = 1; i <= length; i++) ToResp(table.RawGet(i), reply, scriptResp, depth + 1);
    }

    /// <summary>An error from a table's err field, written as is (Redis adds no code); line breaks become spaces.</summary>
    public static void WriteErrorReply(RespWriter reply, ReadOnlySpan<byte> message) =>
        reply.WriteError(System.Text.Encoding.Latin1.GetString(message));

    private static void WriteStatus(RespWriter reply, ReadOnlySpan<byte> text)
    {
        reply.WriteRaw("+"u8);
        WriteSanitizedLine(reply, text);
    }

    /// <summary>One line of a simple reply: CR and LF would break the protocol, so Redis turns them into spaces.</summary>
    private static void WriteSanitizedLine(RespWriter reply, ReadOnlySpan<byte> text)
    {
        var span = reply.GetSpan(text.Length + 2);
        text.CopyTo(span);
        for (int i = 0; i < text.Length; i++)
        {
            if (span[i] is (byte)'\r' or (byte)'\n') span[i] = (byte)' ';
        }
        span[text.Length] = (byte)'\r';
        span[text.Length + 1] = (byte)'\n';
        reply.Advance(text.Length + 2);
    }

    private static void WriteVerbatim(RespWriter reply, ReadOnlySpan<byte> format, ReadOnlySpan<byte> text)
    {
        if (reply.Protocol != 3)
        {
            reply.WriteBulk(text);
            return;
        }
        reply.WriteRaw("="u8);
        reply.WriteRaw(System.Text.Encoding.ASCII.GetBytes((text.Length + 4).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        reply.WriteRaw("\r\n"u8);
        reply.WriteRaw(format);
        reply.WriteRaw(":"u8);
        reply.WriteRaw(text);
        reply.WriteRaw("\r\n"u8);
    }
}
