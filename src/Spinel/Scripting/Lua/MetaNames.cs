namespace Spinel.Scripting.Lua;

/// <summary>The metamethod event names, interned once; the index doubles as a bit in <see cref="LuaTable.AbsentFlags"/>.</summary>
internal static class MetaNames
{
    public const int Index = 0, NewIndex = 1, Call = 2, Eq = 3, Lt = 4, Le = 5, Add = 6, Sub = 7, Mul = 8, Div = 9,
        Mod = 10, Pow = 11, Unm = 12, Concat = 13, Len = 14, ToStr = 15, Metatable = 16;

    public static readonly LuaString[] Names =
    [
        LuaString.FromAscii("__index"), LuaString.FromAscii("__newindex"), LuaString.FromAscii("__call"),
        LuaString.FromAscii("__eq"), LuaString.FromAscii("__lt"), LuaString.FromAscii("__le"),
        LuaString.FromAscii("__add"), LuaString.FromAscii("__sub"), LuaString.FromAscii("__mul"),
        LuaString.FromAscii("__div"), LuaString.FromAscii("__mod"), LuaString.FromAscii("__pow"),
        LuaString.FromAscii("__unm"), LuaString.FromAscii("__concat"), LuaString.FromAscii("__len"),
        LuaString.FromAscii("__tostring"), LuaString.FromAscii("__metatable"),
    ];
}
