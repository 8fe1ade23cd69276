using Spinel.Scripting.Lua;

namespace Spinel.Scripting;

/// <summary>How Redis 7.0 shapes errors inside scripts: error tables, and the text a failed script replies.</summary>
public static class ScriptErrors
{
    /// <summary>
    /// An error table {err = "CODE message"} as Redis builds it from a message: a leading "-" means the first
    /// word is the code (just "-word" is message "word" with code ERR); without "-" the code is ERR.
    /// </summary>
    public static LuaTable Table(string message)
    {
        string text;
        if (message.StartsWith('-'))
        {
            int space = message.IndexOf(' ');
            text = space < 0 ? "ERR " + message[1..] : message[1..];
        }
        else text = "ERR " + message;
        var table = new LuaTable(0, 1);
        table.RawSet(LuaReplyConverter.Err, LuaValue.FromAscii(text));
        return table;
    }

    /// <summary>An error reply of a command run by redis.call, already "CODE message": kept as is.</summary>
    public static LuaTable FromReply(LuaValue message)
    {
        var table = new LuaTable(0, 1);
        table.RawSet(LuaReplyConverter.Err, message);
        return table;
    }

    /// <summary>
    /// The reply of a script that raised <paramref name="error"/>: the err field of an error table, else
    /// "ERR " and the message; then where it happened, e.g. " script: &lt;sha&gt;, on @user_script:1.".
    /// </summary>
    public static string Describe(LuaValue error, string scriptName, string chunkName, int line)
    {
        string message;
        if (error.IsTable && error.AsTable.RawGet(LuaReplyConverter.Err) is { IsString: true } err) message = err.AsString.ToString();
        else if (error.CoerceToString() is { } text) message = "ERR " + text;
        else message = "ERR unknown error";
        return $"{message} script: {scriptName}, on @{chunkName}:{line}.";
    }

    /// <summary>The line in a "user_script:12: message" error, or 0.</summary>
    public static int LineOf(LuaValue error, string chunkName)
    {
        if (!error.IsString) return 0;
        var text = error.AsString.Span;
        var prefix = System.Text.Encoding.ASCII.GetBytes(chunkName + ":");
        if (!text.StartsWith(prefix)) return 0;
        int line = 0;
        for (int i = prefix.Length; i < text.Length && char.IsAsciiDigit((char)text[i]); i++) line = line * 10 + (text[i] - '0');
        return line;
    }
}
