using Spinel.Scripting.Lua;

namespace Spinel.Scripting;

/// <summary>Where the running Lua code is, for the "on @user_script:N" of error replies.</summary>
internal static class ScriptPosition
{
    public static int CurrentLine(LuaState lua) => lua.CurrentLine;
}
