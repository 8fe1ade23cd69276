namespace Spinel.Scripting.Lua;

/// <summary>A compiled Lua function with its captured upvalues.</summary>
internal sealed class LuaClosure(Compiler.FunctionProto proto, UpBox[] upvalues) : LuaFunction(proto.Name)
{
    public readonly Compiler.FunctionProto Proto = proto;
    public readonly UpBox[] Upvalues = upvalues;
}

/// <summary>A local variable captured by a closure: the variable lives here instead of in a stack slot.</summary>
internal sealed class UpBox
{
    public LuaValue V;

    public UpBox(LuaValue v) => V = v;
}
