namespace Spinel.Scripting.Lua.Libraries;

/// <summary>
/// An error raised by the engine-independent parts of the string library (malformed pattern, bad format item);
/// the library functions turn its message into a Lua error with the caller's position.
/// </summary>
public sealed class LuaStringException(string message) : Exception(message);
