using Spinel.Scripting.Lua.Libraries;

namespace Spinel.Scripting.Lua;

public sealed partial class LuaState
{
    /// <summary>Installs exactly the libraries Redis 7.0 exposes (see the contract's list).</summary>
    public void OpenStandardLibraries()
    {
        BaseLibrary.Open(this);
        TableLibrary.Open(this);
        MathLibrary.Open(this);
        CoroutineLibrary.Open(this);
        StringLibrary.Open(this);
        BitLibrary.Open(this);
        CjsonLibrary.Open(this);
        CmsgpackLibrary.Open(this);
        StructLibrary.Open(this);
    }
}
