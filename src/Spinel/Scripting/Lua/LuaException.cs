namespace Spinel.Scripting.Lua;

/// <summary>A Lua error in flight; <see cref="Value"/> is the error value exactly as <c>error</c> raised it.</summary>
public sealed class LuaException : Exception
{
    public LuaException(LuaValue value)
        : base(Describe(value)) => Value = value;

    public LuaException(string message)
        : base(message) => Value = LuaValue.FromAscii(message);

    public LuaException(LuaString message)
        : base(message.ToString()) => Value = message;

    public LuaValue Value { get; }

    private static string Describe(LuaValue v) => v.CoerceToString()?.ToString() ?? "(error object is a " + v.TypeName + " value)";
}
