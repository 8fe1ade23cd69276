using System.Runtime.CompilerServices;

namespace Spinel.Scripting.Lua;

/// <summary>
/// A Lua value in 16 bytes: numbers and booleans keep their payload in <see cref="N"/> and a shared tag in
/// <see cref="O"/>; every other type is its reference. <c>default</c> is nil.
/// </summary>
public readonly struct LuaValue : IEquatable<LuaValue>
{
    internal static readonly object NumberTag = new TypeTag("number");
    internal static readonly object BoolTag = new TypeTag("boolean");

    internal readonly object? O;
    internal readonly double N;

    internal LuaValue(object? o, double n)
    {
        O = o;
        N = n;
    }

    public static readonly LuaValue Nil;
    public static readonly LuaValue True = new(BoolTag, 1);
    public static readonly LuaValue False = new(BoolTag, 0);

    public static LuaValue FromBool(bool b) => b ? True : False;

    public static LuaValue FromBytes(ReadOnlySpan<byte> bytes) => new(LuaString.From(bytes), 0);

    public static LuaValue FromAscii(string s) => new(LuaString.FromAscii(s), 0);

    internal static LuaValue FromObject(object? o) => new(o, 0);

    public static implicit operator LuaValue(double d) => new(NumberTag, d);
    public static implicit operator LuaValue(bool b) => b ? True : False;
    public static implicit operator LuaValue(LuaString? s) => new(s, 0);
    public static implicit operator LuaValue(LuaTable? t) => new(t, 0);
    public static implicit operator LuaValue(LuaFunction? f) => new(f, 0);
    public static implicit operator LuaValue(LuaUserData? u) => new(u, 0);

    public LuaType Type => O switch
    {
        null => LuaType.Nil,
        LuaString => LuaType.String,
        LuaTable => LuaType.Table,
        LuaFunction => LuaType.Function,
        LuaUserData => LuaType.UserData,
        LuaCoroutine => LuaType.Thread,
        _ => ReferenceEquals(O, NumberTag) ? LuaType.Number : LuaType.Boolean,
    };

    public string TypeName => TypeNameOf(Type);

    internal static string TypeNameOf(LuaType t) => t switch
    {
        LuaType.Nil => "nil",
        LuaType.Boolean => "boolean",
        LuaType.Number => "number",
        LuaType.String => "string",
        LuaType.Table => "table",
        LuaType.Function => "function",
        LuaType.UserData => "userdata",
        _ => "thread",
    };

    public bool IsNil => O is null;
    public bool IsFalsy => O is null || (ReferenceEquals(O, BoolTag) && N == 0);
    public bool IsNumber => ReferenceEquals(O, NumberTag);
    public bool IsString => O is LuaString;
    public bool IsTable => O is LuaTable;
    public bool IsFunction => O is LuaFunction;
    public bool IsBoolean => ReferenceEquals(O, BoolTag);

    public double Number => N;
    public bool Boolean => N != 0;
    public LuaString AsString => (LuaString)O!;
    public LuaTable AsTable => (LuaTable)O!;
    public LuaFunction AsFunction => (LuaFunction)O!;
    public LuaUserData AsUserData => (LuaUserData)O!;

    /// <summary>Numbers, and strings that 5.1's <c>lua_tonumber</c> converts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetNumber(out double value)
    {
        if (ReferenceEquals(O, NumberTag))
        {
            value = N;
            return true;
        }
        if (O is LuaString s)
            return LuaNumber.TryParse(s.Span, out value);
        value = 0;
        return false;
    }

    /// <summary>Strings as they are, numbers as <c>tostring</c> formats them, anything else null.</summary>
    public LuaString? CoerceToString()
    {
        if (O is LuaString s)
            return s;
        if (ReferenceEquals(O, NumberTag))
            return LuaNumber.Format(N);
        return null;
    }

    public bool Equals(LuaValue other)
    {
        if (ReferenceEquals(O, other.O))
            return !(ReferenceEquals(O, NumberTag) || ReferenceEquals(O, BoolTag)) || N == other.N;
        return O is LuaString a && other.O is LuaString b && a.Equals(b);
    }

    public override bool Equals(object? obj) => obj is LuaValue v && Equals(v);

    public override int GetHashCode()
    {
        if (ReferenceEquals(O, NumberTag))
            return N == 0 ? 0 : N.GetHashCode();
        if (ReferenceEquals(O, BoolTag))
            return N == 0 ? 0x5bd1e995 : 0x1b873593;
        return O is null ? 0 : O.GetHashCode();
    }

    public static bool operator ==(LuaValue a, LuaValue b) => a.Equals(b);
    public static bool operator !=(LuaValue a, LuaValue b) => !a.Equals(b);

    /// <summary>A debugging rendering; scripts use <see cref="LuaState.ToStringMeta"/>.</summary>
    public override string ToString() => O switch
    {
        null => "nil",
        LuaString s => s.ToString(),
        _ when ReferenceEquals(O, NumberTag) => LuaNumber.Format(N).ToString(),
        _ when ReferenceEquals(O, BoolTag) => N != 0 ? "true" : "false",
        LuaFunction f => "function: " + f.Name,
        _ => TypeName,
    };

    private sealed class TypeTag(string name)
    {
        public override string ToString() => name;
    }
}
