namespace Spinel.Scripting.Lua;

/// <summary>The eight Lua 5.1 value types.</summary>
public enum LuaType
{
    Nil,
    Boolean,
    Number,
    String,
    Table,
    Function,
    UserData,
    Thread,
}
