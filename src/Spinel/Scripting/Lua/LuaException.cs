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

    /// <summary>
    /// For an error raised inside a host function: the line of the Lua call to the innermost such function, where
    /// Redis's error handler says the error happened (0 when not known).
    /// </summary>
    public int HostCallLine { get; private set; }

    /// <summary>An exception filter: notes the call site once, and never catches.</summary>
    internal bool NoteHostCall(SourcePos? site)
    {
        if (HostCallLine == 0 && site is not null) HostCallLine = site.Line;
        return false;
    }

    private static string Describe(LuaValue v) => v.CoerceToString()?.ToString() ?? "(error object is a " + v.TypeName + " value)";
}
