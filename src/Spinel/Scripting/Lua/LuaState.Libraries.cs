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

        // INTEGRATION POINT: the string, bit, cjson, cmsgpack and struct libraries are other helpers' work.
        // Add their Open calls here when their branches merge, e.g.
        //   StringLibrary.Open(this); BitLibrary.Open(this); CjsonLibrary.Open(this); ...
    }
}
