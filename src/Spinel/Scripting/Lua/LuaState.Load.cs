namespace Spinel.Scripting.Lua;

public sealed partial class LuaState
{
    /// <summary>
    /// Compiles a chunk. Chunk name "@user_script" makes positions read "user_script:LINE:"; "=name" reads
    /// "name:"; any other name reads <c>[string "..."]</c> as 5.1 prints it. Syntax errors throw
    /// <see cref="LuaException"/> with 5.1's message.
    /// </summary>
    public LuaFunction Load(ReadOnlySpan<byte> source, string chunkName) => throw new NotImplementedException();

    internal int InvokeClosure(LuaClosure c, int argBase, int nargs) => throw new NotImplementedException();

    /// <summary>Installs exactly the libraries Redis 7.0 exposes.</summary>
    public void OpenStandardLibraries() => throw new NotImplementedException();
}
