using System.Text;
using Spinel.Scripting.Lua;
using Spinel.Scripting.Lua.Libraries;

namespace Spinel.Tests.Scripting.Lua;

/// <summary>
/// Calls the codec libraries' host functions directly (no Lua source), for tests of encoders and decoders.
/// Expected texts in these tests were taken from redis-server 7.0.15. Errors raised from here carry no
/// "user_script:1:" position (there is no calling Lua code).
/// </summary>
internal sealed class CodecTestState
{
    public LuaState Lua { get; } = new();

    public CodecTestState()
    {
        CjsonLibrary.Open(Lua);
        CmsgpackLibrary.Open(Lua);
        StructLibrary.Open(Lua);
    }

    public LuaTable Module(string name) => Lua.Globals.RawGet(LuaString.FromAscii(name)).AsTable;

    public LuaValue[] Call(string module, string function, params LuaValue[] args) =>
        Lua.Call(Module(module).RawGet(LuaString.FromAscii(function)), args).ToArray();

    public LuaValue Call1(string module, string function, params LuaValue[] args) => Call(module, function, args)[0];

    /// <summary>The error message the call raises.</summary>
    public string Error(string module, string function, params LuaValue[] args)
    {
        var e = Assert.Throws<LuaException>(() => Call(module, function, args));
        return e.Value.CoerceToString()!.ToString();
    }

    public static LuaValue S(string latin1) => LuaValue.FromBytes(Encoding.Latin1.GetBytes(latin1));

    public static LuaValue B(params byte[] bytes) => LuaValue.FromBytes(bytes);

    public static string Text(LuaValue v) => Encoding.Latin1.GetString(v.AsString.Span);

    public static string Hex(LuaValue v) => Convert.ToHexString(v.AsString.Span).ToLowerInvariant();

    public static LuaTable Array(params LuaValue[] items)
    {
        var t = new LuaTable();
        for (int i = 0; i < items.Length; i++) t.RawSet(i + 1, items[i]);
        return t;
    }

    public static LuaTable Map(params (LuaValue Key, LuaValue Value)[] pairs)
    {
        var t = new LuaTable();
        foreach (var (k, v) in pairs) t.RawSet(k, v);
        return t;
    }
}
