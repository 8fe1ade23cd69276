namespace Spinel.Scripting.Lua;

/// <summary>A compiled Lua function with its captured upvalues.</summary>
internal sealed class LuaClosure(Compiler.FunctionProto proto, UpBox[] upvalues) : LuaFunction(proto.Name)
{
    public readonly Compiler.FunctionProto Proto = proto;
    public readonly UpBox[] Upvalues = upvalues;

    /// <summary>
    /// True when calling <paramref name="function"/> can change no Lua state that outlives the call, so a call
    /// can be abandoned and made again: no function of its chunk assigns an enclosing function's variable, and
    /// what it captures is only strings, numbers, booleans and functions that keep no state either. A captured
    /// table could be changed through, so it counts as state. (Globals are left out: scripts cannot set them.)
    /// </summary>
    public static bool KeepsNoState(LuaFunction function) => KeepsNoState(function, []);

    private static bool KeepsNoState(LuaFunction function, HashSet<LuaClosure> seen)
    {
        if (function is not LuaClosure closure || !seen.Add(closure)) return true;
        if (closure.Proto.ChunkAssignsUpvalues) return false;
        foreach (var box in closure.Upvalues)
        {
            var v = box.V;
            if (v.Type is LuaType.Function)
            {
                if (!KeepsNoState(v.AsFunction, seen)) return false;
            }
            else if (v.Type is not (LuaType.Nil or LuaType.Boolean or LuaType.Number or LuaType.String)) return false;
        }
        return true;
    }
}

/// <summary>A local variable captured by a closure: the variable lives here instead of in a stack slot.</summary>
internal sealed class UpBox
{
    public LuaValue V;

    public UpBox(LuaValue v) => V = v;
}
