namespace Spinel.Scripting.Lua;

/// <summary>How every host (C#) function is written: read <paramref name="args"/>, return <c>lua.Return(...)</c>.</summary>
public delegate int LuaHostBody(LuaState lua, LuaArgs args);

/// <summary>A Lua function value: either compiled Lua code or a host function.</summary>
public abstract class LuaFunction
{
    private protected LuaFunction(string name) => Name = name;

    public string Name { get; }
}

public sealed class LuaHostFunction(string name, LuaHostBody body) : LuaFunction(name)
{
    public LuaHostBody Body { get; } = body;
}
