namespace Spinel.Scripting.Lua.Compiler;

/// <summary>A compiled function body: its parameters, frame size and tree of executable nodes.</summary>
internal sealed class FunctionProto
{
    public string Name = "?";
    public string Chunk = "?";
    public int Line;
    public int ParamCount;
    public bool IsVararg;
    public int FrameSize;
    public int[] CapturedParams = [];
    public Block Body = new([]);

    /// <summary>Some function of this chunk assigns a variable of an enclosing function (see <see cref="LuaClosure.KeepsNoState"/>).</summary>
    public bool ChunkAssignsUpvalues;
}
