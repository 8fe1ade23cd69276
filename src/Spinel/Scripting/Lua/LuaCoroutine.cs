namespace Spinel.Scripting.Lua;

/// <summary>A coroutine (Lua type "thread").</summary>
internal sealed class LuaCoroutine
{
}
