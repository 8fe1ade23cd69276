using System.Buffers;

namespace Spinel.Scripting.Lua.Libraries;

/// <summary>
/// The "string" table exactly as Redis 7.0's Lua 5.1 has it, and the string metatable whose __index is that table.
/// Strings are bytes throughout; positions follow 5.1 (1-based, negative from the end).
/// </summary>
public static class StringLibrary
{
    /// <summary>5.1's C stack limit, which string.byte's result count must fit in together with its arguments.</summary>
    private const int MaxStackSlots = 8000;

    public static void Open(LuaState lua)
    {
        var table = new LuaTable(0, 16);
        Register(table, "byte", Byte);
        Register(table, "char", Char);
        Register(table, "dump", Dump);
        Register(table, "find", Find);
        Register(table, "format", Format);
        Register(table, "gfind", GMatch);
        Register(table, "gmatch", GMatch);
        Register(table, "gsub", GSub);
        Register(table, "len", Len);
        Register(table, "lower", Lower);
        Register(table, "match", Match);
        Register(table, "rep", Rep);
        Register(table, "reverse", Reverse);
        Register(table, "sub", Sub);
        Register(table, "upper", Upper);
        lua.Globals.RawSet(LuaString.FromAscii("string"), table);
        var metatable = new LuaTable(0, 1);
        metatable.RawSet(LuaString.FromAscii("__index"), table);
        lua.SetStringMetatable(metatable);
    }

    private static void Register(LuaTable table, string name, LuaHostBody body) =>
        table.RawSet(LuaString.FromAscii(name), new LuaHostFunction(name, body));

    /// <summary>5.1's posrelat: a negative position counts from the end; the result is never negative.</summary>
    private static long Relative(long position, long length)
    {
        if (position < 0) position += length + 1;
        return position >= 0 ? position : 0;
    }

    /// <summary>Results written straight into the state's result buffer (for counts the Return overloads do not cover).</summary>
    private static Span<LuaValue> ResultSpace(LuaState lua, int count)
    {
        lua.EnsureRet(count);
        lua.RetCount = count;
        return lua.RetBuf.AsSpan(0, count);
    }

    private static int Len(LuaState lua, LuaArgs args) => lua.Return(args.CheckString(0).Length);

    private static int Sub(LuaState lua, LuaArgs args)
    {
        var s = args.CheckString(0);
        long length = s.Length;
        long start = Relative(args.CheckInteger(1), length);
        long end = Relative(args.OptInteger(2, -1), length);
        if (start < 1) start = 1;
        if (end > length) end = length;
        if (start > end) return lua.Return(LuaString.Empty);
        if (start == 1 && end == length) return lua.Return(s);
        return lua.Return(LuaString.From(s.Span.Slice((int)start - 1, (int)(end - start + 1))));
    }

    private static int Upper(LuaState lua, LuaArgs args) => lua.Return(MapBytes(args.CheckString(0), 'a', 'z'));

    private static int Lower(LuaState lua, LuaArgs args) => lua.Return(MapBytes(args.CheckString(0), 'A', 'Z'));

    /// <summary>Flips the case of the bytes in [<paramref name="from"/>, <paramref name="to"/>] (C locale: ASCII letters only).</summary>
    private static LuaString MapBytes(LuaString s, char from, char to)
    {
        if (s.Length == 0) return s;
        var result = new byte[s.Length];
        var source = s.Span;
        for (int i = 0; i < result.Length; i++)
        {
            byte b = source[i];
            result[i] = b >= from && b <= to ? (byte)(b ^ 0x20) : b;
        }
        return LuaString.Own(result);
    }

    private static int Reverse(LuaState lua, LuaArgs args)
    {
        var s = args.CheckString(0);
        if (s.Length <= 1) return lua.Return(s);
        var result = s.Span.ToArray();
        result.AsSpan().Reverse();
        return lua.Return(LuaString.Own(result));
    }

    private static int Rep(LuaState lua, LuaArgs args)
    {
        var s = args.CheckString(0);
        // luaL_checkint: the integer cut to C's int.
        int n = (int)args.CheckInteger(1);
        if (n <= 0 || s.Length == 0) return lua.Return(LuaString.Empty);
        long total = (long)s.Length * n;
        if (total > Array.MaxLength) throw lua.Error("not enough memory");
        var result = new byte[total];
        s.Span.CopyTo(result);
        // Double the filled prefix until the whole result is written.
        for (long filled = s.Length; filled < total;)
        {
            long chunk = Math.Min(filled, total - filled);
            Array.Copy(result, 0, result, filled, chunk);
            filled += chunk;
        }
        return lua.Return(LuaString.Own(result));
    }

    private static int Byte(LuaState lua, LuaArgs args)
    {
        var s = args.CheckString(0);
        long length = s.Length;
        long first = Relative(args.OptInteger(1, 1), length);
        long last = Relative(args.OptInteger(2, first), length);
        if (first <= 0) first = 1;
        if (last > length) last = length;
        if (first > last) return lua.Return();
        long count = last - first + 1;
        if (count + args.Count > MaxStackSlots) throw lua.Error("stack overflow (string slice too long)");
        var bytes = s.Span.Slice((int)first - 1, (int)count);
        if (count == 1) return lua.Return(bytes[0]);
        var results = ResultSpace(lua, (int)count);
        for (int i = 0; i < results.Length; i++) results[i] = bytes[i];
        return results.Length;
    }

    private static int Char(LuaState lua, LuaArgs args)
    {
        if (args.Count == 0) return lua.Return(LuaString.Empty);
        var result = new byte[args.Count];
        for (int i = 0; i < result.Length; i++)
        {
            // luaL_checkint: the integer cut to C's int, which must then be a byte value.
            int c = (int)args.CheckInteger(i);
            if ((c & 0xFF) != c) throw args.ArgError(i, "invalid value");
            result[i] = (byte)c;
        }
        return lua.Return(LuaString.Own(result));
    }

    private static int Dump(LuaState lua, LuaArgs args)
    {
        args.CheckFunction(0);
        throw lua.Error("unable to dump given function");
    }

    // ---- patterns ----------------------------------------------------------------------------------

    private static int Find(LuaState lua, LuaArgs args) => FindOrMatch(lua, args, true);

    private static int Match(LuaState lua, LuaArgs args) => FindOrMatch(lua, args, false);

    private static int FindOrMatch(LuaState lua, LuaArgs args, bool find)
    {
        var subject = args.CheckString(0);
        var pattern = args.CheckString(1);
        long length = subject.Length;
        long init = Relative(args.OptInteger(2, 1), length) - 1;
        if (init < 0) init = 0;
        else if (init > length) init = length;
        int start = (int)init;
        var source = subject.Span;

        // As 5.1 decides with strpbrk, the search for specials stops at a zero byte of the pattern.
        var specialsScope = pattern.Span;
        int nul = specialsScope.IndexOf((byte)0);
        if (nul >= 0) specialsScope = specialsScope[..nul];
        if (find && (!args[3].IsFalsy || specialsScope.IndexOfAny(LuaPattern.Specials) < 0))
        {
            int at = source[start..].IndexOf(pattern.Span);
            if (at < 0) return lua.Return(LuaValue.Nil);
            return lua.Return(start + at + 1, start + at + pattern.Length);
        }

        try
        {
            var matcher = new LuaPattern(source, pattern.Span, lua.HostHook, lua.HookInterval);
            bool anchored = matcher.IsAnchored;
            int patternStart = anchored ? 1 : 0;
            for (int s = start; ; s++)
            {
                int end = matcher.Match(s, patternStart);
                if (end >= 0)
                {
                    if (!find) return PushCaptures(lua, ref matcher, subject, s, end, true, 0);
                    int count = PushCaptures(lua, ref matcher, subject, s, end, false, 2);
                    lua.RetBuf[0] = s + 1;
                    lua.RetBuf[1] = end;
                    return count;
                }
                if (s >= source.Length || anchored) break;
            }
        }
        catch (LuaStringException e)
        {
            throw lua.Error(e.Message);
        }
        return lua.Return(LuaValue.Nil);
    }

    /// <summary>One capture as a value: a position capture is a number, anything else a string (capture 0 may be the whole match).</summary>
    private static LuaValue CaptureValue(scoped ref LuaPattern matcher, LuaString subject, int index, int start, int end)
    {
        var (captureStart, captureLength) = matcher.GetCapture(index, start, end);
        if (index < matcher.Level && matcher.IsPositionCapture(index)) return captureStart + 1;
        if (captureLength == subject.Length) return subject;
        return LuaString.From(subject.Span.Slice(captureStart, captureLength));
    }

    /// <summary>Puts the captures into the results after <paramref name="skip"/> slots the caller fills; returns the total count.</summary>
    private static int PushCaptures(LuaState lua, scoped ref LuaPattern matcher, LuaString subject, int start, int end, bool wholeWhenNone, int skip)
    {
        int count = matcher.CaptureCount(wholeWhenNone);
        var results = ResultSpace(lua, skip + count);
        for (int i = 0; i < count; i++) results[skip + i] = CaptureValue(ref matcher, subject, i, start, end);
        return skip + count;
    }

    /// <summary>gmatch's iterator state: the subject, the pattern and where the next search starts.</summary>
    private sealed class GMatchState(LuaString subject, LuaString pattern)
    {
        public readonly LuaString Subject = subject;
        public readonly LuaString Pattern = pattern;
        public int Position;
    }

    private static int GMatch(LuaState lua, LuaArgs args)
    {
        var state = new GMatchState(args.CheckString(0), args.CheckString(1));
        return lua.Return(new LuaHostFunction("gmatch_aux", (l, _) => GMatchNext(l, state)));
    }

    private static int GMatchNext(LuaState lua, GMatchState state)
    {
        var subject = state.Subject;
        try
        {
            // gmatch has no anchor: a leading '^' is an ordinary character here.
            var matcher = new LuaPattern(subject.Span, state.Pattern.Span, lua.HostHook, lua.HookInterval);
            for (int s = state.Position; s <= subject.Length; s++)
            {
                int end = matcher.Match(s);
                if (end < 0) continue;
                // An empty match moves on by one so the loop ends.
                state.Position = end == s ? end + 1 : end;
                return PushCaptures(lua, ref matcher, subject, s, end, true, 0);
            }
        }
        catch (LuaStringException e)
        {
            throw lua.Error(e.Message);
        }
        state.Position = subject.Length + 1;
        return lua.Return();
    }

    private static int GSub(LuaState lua, LuaArgs args)
    {
        var subject = args.CheckString(0);
        var pattern = args.CheckString(1);
        var replacement = args[2];
        var replacementType = replacement.Type;
        // luaL_optint: the integer cut to C's int.
        long maxReplacements = args[3].IsNil ? subject.Length + 1L : (int)args.CheckInteger(3);
        if (replacementType is not (LuaType.Number or LuaType.String or LuaType.Function or LuaType.Table))
            throw args.ArgError(2, "string/function/table expected");
        var replacementText = replacementType is LuaType.Number or LuaType.String ? replacement.CoerceToString() : null;

        // Pooled from the start: the buffer is passed by reference next to the matcher, so it must not live on the stack.
        var output = new LuaByteBuffer(default);
        LuaValue[]? callArgs = null;
        try
        {
            var source = subject.Span;
            var matcher = new LuaPattern(source, pattern.Span, lua.HostHook, lua.HookInterval);
            bool anchored = matcher.IsAnchored;
            int patternStart = anchored ? 1 : 0;
            int s = 0, count = 0;
            while (count < maxReplacements)
            {
                int end = matcher.Match(s, patternStart);
                if (end >= 0)
                {
                    count++;
                    if (replacementText is not null) AppendTemplate(ref output, ref matcher, replacementText.Span, subject, s, end);
                    else AppendValue(lua, ref output, ref matcher, replacement, subject, s, end, ref callArgs);
                }
                if (end > s) s = end;
                else if (s < source.Length) output.Append(source[s++]);
                else break;
                if (anchored) break;
            }
            if (count == 0) return lua.Return(subject, 0);
            output.Append(source[s..]);
            return lua.Return(LuaString.From(output.Written), count);
        }
        catch (LuaStringException e)
        {
            throw lua.Error(e.Message);
        }
        finally
        {
            output.Dispose();
            if (callArgs is not null) ArrayPool<LuaValue>.Shared.Return(callArgs, clearArray: true);
        }
    }

    /// <summary>A string replacement: %0 is the whole match, %1-%9 captures, '%' before anything else is that character.</summary>
    private static void AppendTemplate(scoped ref LuaByteBuffer output, scoped ref LuaPattern matcher, ReadOnlySpan<byte> template, LuaString subject, int start, int end)
    {
        Span<byte> digits = stackalloc byte[12];
        for (int i = 0; i < template.Length; i++)
        {
            byte c = template[i];
            if (c != (byte)'%')
            {
                output.Append(c);
                continue;
            }
            i++;
            // A trailing '%' reads the C string's terminating zero.
            byte next = i < template.Length ? template[i] : (byte)0;
            if (next < '0' || next > '9') output.Append(next);
            else if (next == '0') output.Append(subject.Span[start..end]);
            else
            {
                int index = next - '1';
                var (captureStart, captureLength) = matcher.GetCapture(index, start, end);
                if (index < matcher.Level && matcher.IsPositionCapture(index))
                {
                    (captureStart + 1).TryFormat(digits, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
                    output.Append(digits[..written]);
                }
                else output.Append(subject.Span.Slice(captureStart, captureLength));
            }
        }
    }

    /// <summary>A function or table replacement: its value replaces the match, unless it is nil or false.</summary>
    private static void AppendValue(LuaState lua, scoped ref LuaByteBuffer output, scoped ref LuaPattern matcher, LuaValue replacement, LuaString subject, int start, int end, ref LuaValue[]? callArgs)
    {
        LuaValue value;
        if (replacement.IsTable)
        {
            value = lua.Index(replacement, CaptureValue(ref matcher, subject, 0, start, end));
        }
        else
        {
            int count = matcher.CaptureCount(true);
            callArgs ??= ArrayPool<LuaValue>.Shared.Rent(LuaPattern.MaxCaptures);
            for (int i = 0; i < count; i++) callArgs[i] = CaptureValue(ref matcher, subject, i, start, end);
            var results = lua.Call(replacement, callArgs.AsSpan(0, count));
            value = results.Length > 0 ? results[0] : LuaValue.Nil;
        }
        if (value.IsFalsy)
        {
            output.Append(subject.Span[start..end]);
            return;
        }
        var text = value.CoerceToString() ?? throw lua.Error("invalid replacement value (a " + value.TypeName + ")");
        output.Append(text.Span);
    }

    // ---- format ------------------------------------------------------------------------------------

    private static int Format(LuaState lua, LuaArgs args)
    {
        var format = args.CheckString(0).Span;
        var output = new LuaByteBuffer(stackalloc byte[256]);
        try
        {
            int arg = 0;
            for (int i = 0; i < format.Length;)
            {
                byte c = format[i++];
                if (c != (byte)'%')
                {
                    output.Append(c);
                    continue;
                }
                if (i < format.Length && format[i] == (byte)'%')
                {
                    output.Append((byte)'%');
                    i++;
                    continue;
                }
                // The argument must exist before the item is even looked at.
                if (++arg >= args.Count) throw args.ArgError(arg, "no value");
                LuaFormatSpec spec;
                try
                {
                    spec = LuaFormatSpec.Parse(format, ref i);
                }
                catch (LuaStringException e)
                {
                    throw lua.Error(e.Message);
                }
                switch (spec.Conversion)
                {
                    case (byte)'d' or (byte)'i' or (byte)'o' or (byte)'u' or (byte)'x' or (byte)'X'
                        or (byte)'c' or (byte)'e' or (byte)'E' or (byte)'f' or (byte)'g' or (byte)'G':
                        LuaStringFormat.AppendNumber(ref output, spec, args.CheckNumber(arg));
                        break;
                    case (byte)'q':
                        LuaStringFormat.AppendQuoted(ref output, args.CheckString(arg).Span);
                        break;
                    case (byte)'s':
                        LuaStringFormat.AppendString(ref output, spec, args.CheckString(arg).Span, spec.Precision >= 0);
                        break;
                    default:
                        throw lua.Error(LuaStringFormat.InvalidOption(spec.Conversion));
                }
            }
            return lua.Return(LuaString.From(output.Written));
        }
        finally
        {
            output.Dispose();
        }
    }
}
