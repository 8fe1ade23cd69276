namespace Spinel.Scripting.Lua;

/// <summary>
/// The arguments of a host-function call, with 5.1's <c>luaL_check*</c>/<c>luaL_opt*</c> helpers and their
/// "bad argument" messages. Indexes are 0-based; messages number arguments from 1.
/// </summary>
public readonly ref struct LuaArgs
{
    private readonly LuaState _lua;
    private readonly ReadOnlySpan<LuaValue> _values;

    public LuaArgs(LuaState lua, ReadOnlySpan<LuaValue> values, string functionName)
    {
        _lua = lua;
        _values = values;
        FunctionName = functionName;
    }

    internal LuaArgs(LuaState lua, ReadOnlySpan<LuaValue> values, string functionName, bool methodCall)
        : this(lua, values, functionName) => _methodCall = methodCall;

    /// <summary>Called as <c>obj:name(...)</c>: messages count arguments without self, as 5.1 does.</summary>
    private readonly bool _methodCall;

    public string FunctionName { get; }
    public int Count => _values.Length;
    public ReadOnlySpan<LuaValue> Span => _values;

    public LuaValue this[int i] => (uint)i < (uint)_values.Length ? _values[i] : default;

    public double CheckNumber(int i)
    {
        if (this[i].TryGetNumber(out var d))
            return d;
        throw TypeError(i, "number");
    }

    public long CheckInteger(int i) => ToInteger(CheckNumber(i));

    /// <summary>An int argument (string positions, counts): the long value clamped to the int range.</summary>
    public int CheckInt(int i) => ClampToInt(CheckInteger(i));

    public LuaString CheckString(int i)
    {
        var s = this[i].CoerceToString();
        return s ?? throw TypeError(i, "string");
    }

    public LuaTable CheckTable(int i) => this[i].O as LuaTable ?? throw TypeError(i, "table");

    public LuaFunction CheckFunction(int i) => this[i].O as LuaFunction ?? throw TypeError(i, "function");

    public LuaValue CheckAny(int i)
    {
        if (i >= _values.Length)
            throw ArgError(i, "value expected");
        return _values[i];
    }

    public double OptNumber(int i, double def) => this[i].IsNil ? def : CheckNumber(i);

    public long OptInteger(int i, long def) => this[i].IsNil ? def : CheckInteger(i);

    public int OptInt(int i, int def) => this[i].IsNil ? def : CheckInt(i);

    public LuaString? OptString(int i, LuaString? def) => this[i].IsNil ? def : CheckString(i);

    /// <summary><c>bad argument #n to 'name' (message)</c>, positioned like <c>luaL_argerror</c>.</summary>
    public LuaException ArgError(int i, string message)
    {
        var n = i + 1;
        if (_methodCall)
        {
            n--;
            if (n == 0)
                return _lua.Error("calling '" + FunctionName + "' on bad self (" + message + ")");
        }
        return _lua.Error("bad argument #" + n + " to '" + FunctionName + "' (" + message + ")");
    }

    /// <summary><c>bad argument #n to 'name' (X expected, got Y)</c>.</summary>
    public LuaException TypeError(int i, string expected)
    {
        var got = i < _values.Length ? _values[i].TypeName : "no value";
        return ArgError(i, expected + " expected, got " + got);
    }

    /// <summary>C's cast of a double to a 64-bit integer on x86-64 (out of range and NaN give long.MinValue).</summary>
    internal static long ToInteger(double d)
    {
        if (d >= -9.2233720368547758e18 && d < 9.2233720368547758e18)
            return (long)d;
        return long.MinValue;
    }

    internal static int ClampToInt(long v) => v > int.MaxValue ? int.MaxValue : v < int.MinValue ? int.MinValue : (int)v;
}
