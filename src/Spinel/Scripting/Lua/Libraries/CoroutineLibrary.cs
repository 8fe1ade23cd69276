namespace Spinel.Scripting.Lua.Libraries;

/// <summary>Lua 5.1's coroutine library.</summary>
internal static class CoroutineLibrary
{
    public static void Open(LuaState lua)
    {
    }
}
