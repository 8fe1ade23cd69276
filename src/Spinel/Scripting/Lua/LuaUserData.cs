namespace Spinel.Scripting.Lua;

/// <summary>A host object visible to Lua (cjson.null is one).</summary>
public sealed class LuaUserData
{
    public LuaUserData(object? payload = null, LuaTable? metatable = null)
    {
        Payload = payload;
        Metatable = metatable;
    }

    public object? Payload { get; set; }
    public LuaTable? Metatable { get; set; }
}
