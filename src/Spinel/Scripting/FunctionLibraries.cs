using System.Text;
using Spinel.Protocol;
using Spinel.Scripting.Lua;
using Spinel.Server;
using Spinel.Util;

namespace Spinel.Scripting;

/// <summary>A function registered by a library: FCALL calls it by name.</summary>
public sealed class RegisteredFunction(string name, LuaFunction callback, ScriptFlags flags, byte[]? description, LuaLibrary library)
{
    public string Name { get; } = name;
    public LuaFunction Callback { get; } = callback;
    public ScriptFlags Flags { get; } = flags;
    public byte[]? Description { get; } = description;
    public LuaLibrary Library { get; } = library;

    /// <summary>Decided at the first call, once the library's code has run and its captured values are final.</summary>
    public ScriptPlacement Placement => _placement ??= new(Lua.LuaClosure.KeepsNoState(Callback));

    private ScriptPlacement? _placement;
}

/// <summary>A library loaded by FUNCTION LOAD: its code (kept for LIST WITHCODE and DUMP) and its functions.</summary>
public sealed class LuaLibrary(string name, byte[] code)
{
    public string Name { get; } = name;
    public byte[] Code { get; } = code;
    public List<RegisteredFunction> Functions { get; } = [];
}

/// <summary>
/// FUNCTION LOAD / DELETE / LIST / DUMP / RESTORE / FLUSH and FCALL's lookup. Libraries run in a Lua state of their
/// own. While a library's code loads, its globals are only a restricted <c>redis</c> table (register_function, log,
/// the constants), as in Redis; the functions it registers see the full sandboxed globals when called.
/// </summary>
public sealed class FunctionLibraries
{
    private readonly SpinelServer _server;
    private readonly ScriptRuntime _runtime;
    private Dictionary<string, LuaLibrary> _libraries = new(StringComparer.Ordinal);
    // Function names are found without regard to case (FCALL TEST runs "test"), as Redis's functions dict compares them.
    private Dictionary<string, RegisteredFunction> _functions = new(StringComparer.OrdinalIgnoreCase);
    private Dictionary<string, RegisteredFunction>.AlternateLookup<ReadOnlySpan<char>> _functionLookup;

    private LuaState? _lua;
    private RedisLuaApi? _api;
    private LuaTable? _fullGlobals;
    private LuaTable? _loadGlobals;

    /// <summary>The library whose code is loading now; register_function adds to it.</summary>
    private LuaLibrary? _loading;

    internal FunctionLibraries(SpinelServer server, ScriptRuntime runtime)
    {
        _server = server;
        _runtime = runtime;
        _functionLookup = _functions.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int LibraryCount => _libraries.Count;
    public int FunctionCount => _functions.Count;

    internal (LuaState Lua, RedisLuaApi Api) State()
    {
        if (_lua is null)
        {
            var lua = new LuaState();
            lua.OpenStandardLibraries();
            var api = new RedisLuaApi(_server);
            lua.Globals.RawSet(LuaString.FromAscii("redis"), api.CreateTable(eval: false));
            _fullGlobals = LuaSandbox.ProtectFunctions(lua, api);
            _runtime.InstallKillHook(lua, api);

            var loadRedis = new LuaTable(0, 16);
            RedisLuaApi.Set(loadRedis, "register_function", RegisterFunction);
            api.AddLog(loadRedis);
            api.AddConstants(loadRedis);
            LuaSandbox.MakeStrict(loadRedis);
            _loadGlobals = new LuaTable(0, 1);
            _loadGlobals.RawSet(LuaString.FromAscii("redis"), loadRedis);
            LuaSandbox.MakeStrict(_loadGlobals);
            _lua = lua;
            _api = api;
        }
        return (_lua, _api!);
    }

    public RegisteredFunction? Find(ReadOnlySpan<byte> name)
    {
        if (name.Length > 256) return null;
        Span<char> chars = stackalloc char[name.Length];
        for (int i = 0; i < name.Length; i++) chars[i] = (char)name[i];
        return _functionLookup.TryGetValue(chars, out var function) ? function : null;
    }

    private const int LoadTimeoutMs = 500;

    private const string BadName = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

    private static bool IsValidName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty) return false;
        foreach (byte b in name)
        {
            if (!char.IsAsciiLetterOrDigit((char)b) && b != (byte)'_') return false;
        }
        return true;
    }

    /// <summary>Reads "#!lua name=mylib" from the first line; null with Redis's error when it is wrong.</summary>
    internal static string? ParseHeader(ReadOnlySpan<byte> code, out string? error)
    {
        error = null;
        if (!code.StartsWith("#!"u8))
        {
            error = "ERR Missing library metadata";
            return null;
        }
        int newline = code.IndexOf((byte)'\n');
        if (newline < 0)
        {
            error = "ERR Invalid library metadata";
            return null;
        }
        if (!ScriptFlagNames.TrySplitShebang(code[..newline], out var words))
        {
            error = "ERR Invalid library metadata";
            return null;
        }
        int nameWord = -1;
        for (int i = 1; i < words.Count; i++)
        {
            ReadOnlySpan<byte> word = words[i];
            if (word.Length < 5 || !Ascii.EqualsIgnoreCase(word[..5], "name="u8))
            {
                error = "ERR Invalid metadata value given: " + Encoding.Latin1.GetString(word);
                return null;
            }
            if (nameWord >= 0)
            {
                error = "ERR Invalid metadata value, name argument was given multiple times";
                return null;
            }
            nameWord = i;
        }
        if (nameWord < 0)
        {
            error = "ERR Library name was not given";
            return null;
        }
        // Redis checks the name before it looks the engine up: "#!js name=a-b" is a bad name, not a missing engine.
        var name = words[nameWord][5..];
        if (!IsValidName(name))
        {
            error = "ERR " + BadName;
            return null;
        }
        // The engine is the first word without its "#!" (a space after "#!" leaves it empty); its name has no case.
        var engine = words[0].Length < 2 ? [] : words[0][2..];
        if (!Ascii.EqualsIgnoreCase(engine, "lua"u8))
        {
            error = $"ERR Engine '{Encoding.Latin1.GetString(engine)}' not found";
            return null;
        }
        return Encoding.ASCII.GetString(name);
    }

    /// <summary>FUNCTION LOAD: returns the library's name, or null with the error to reply.</summary>
    public string? Load(ReadOnlySpan<byte> code, bool replace, out string? error)
    {
        var library = Compile(code, out error);
        if (library is null) return null;
        return Add(library, replace, out error) ? library.Name : null;
    }

    /// <summary>Runs a library's code, collecting the functions it registers; nothing is added yet.</summary>
    private LuaLibrary? Compile(ReadOnlySpan<byte> code, out string? error)
    {
        var name = ParseHeader(code, out error);
        if (name is null) return null;
        var (lua, _) = State();
        LuaFunction chunk;
        try
        {
            chunk = lua.Load(ScriptRuntime.CommentOutShebang(code), "@user_function");
        }
        catch (LuaException e)
        {
            error = "ERR Error compiling function: " + ScriptRuntime.Message(e.Value);
            return null;
        }
        var library = new LuaLibrary(name, code.ToArray());
        var meta = lua.Globals.Metatable!;
        meta.RawSet(LuaSandbox.Index, _loadGlobals!);
        _loading = library;
        // Loading code gets 500 ms, as in Redis: nothing can kill it, and it holds the keyspace lock.
        var killHook = lua.Hook;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        lua.Hook = () =>
        {
            if (System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds > LoadTimeoutMs)
                throw new LuaException(ScriptErrors.Table("FUNCTION LOAD timeout"));
        };
        try
        {
            lua.Call(chunk, []);
        }
        catch (LuaException e)
        {
            var value = e.Value;
            string message = value.IsTable && value.AsTable.RawGet(LuaReplyConverter.Err) is { IsString: true } err
                ? err.AsString.ToString()
                : "ERR " + (value.CoerceToString()?.ToString() ?? "unknown error");
            error = "ERR Error registering functions: " + message;
            return null;
        }
        finally
        {
            lua.Hook = killHook;
            meta.RawSet(LuaSandbox.Index, _fullGlobals!);
            _loading = null;
        }
        if (library.Functions.Count == 0)
        {
            error = "ERR No functions registered";
            return null;
        }
        return library;
    }

    private bool Add(LuaLibrary library, bool replace, out string? error, bool restoring = false)
    {
        error = null;
        _libraries.TryGetValue(library.Name, out var existing);
        if (existing is not null && !replace)
        {
            // Redis words this one differently for RESTORE.
            error = restoring ? $"ERR Library {library.Name} already exists" : $"ERR Library '{library.Name}' already exists";
            return false;
        }
        foreach (var function in library.Functions)
        {
            if (_functions.TryGetValue(function.Name, out var other) && other.Library != existing)
            {
                error = $"ERR Function {function.Name} already exists";
                return false;
            }
        }
        if (existing is not null) Remove(existing);
        _libraries[library.Name] = library;
        foreach (var function in library.Functions) _functions[function.Name] = function;
        return true;
    }

    private void Remove(LuaLibrary library)
    {
        _libraries.Remove(library.Name);
        foreach (var function in library.Functions) _functions.Remove(function.Name);
    }

    public bool Delete(ReadOnlySpan<byte> name)
    {
        if (!_libraries.TryGetValue(Encoding.Latin1.GetString(name), out var library)) return false;
        Remove(library);
        return true;
    }

    public void Flush()
    {
        _libraries.Clear();
        _functions.Clear();
    }

    private static readonly LuaString FunctionNameKey = LuaString.FromAscii("function_name");
    private static readonly LuaString CallbackKey = LuaString.FromAscii("callback");
    private static readonly LuaString FlagsKey = LuaString.FromAscii("flags");
    private static readonly LuaString DescriptionKey = LuaString.FromAscii("description");

    /// <summary>redis.register_function(name, callback) or redis.register_function{function_name=..., callback=..., flags=..., description=...}.</summary>
    private int RegisterFunction(LuaState lua, LuaArgs args)
    {
        var library = _loading ?? throw Fail(lua, "redis.register_function can only be called on FUNCTION LOAD command");
        LuaValue name, callback, flags = default, description = default;
        if (args.Count == 1)
        {
            if (!args[0].IsTable) throw Fail(lua, "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
            var table = args[0].AsTable;
            name = callback = default;
            LuaValue key = default;
            // As in Redis: keys compare without case, each value is checked as it is met in the table's
            // walk order (so of two wrong ones, the first walked is reported), and a later key wins.
            while (table.Next(ref key, out var value))
            {
                var keyText = key.CoerceToString();
                if (keyText is null) throw Fail(lua, "named argument key given to redis.register_function is not a string");
                if (Ascii.EqualsIgnoreCase(keyText.Span, FunctionNameKey.Span))
                {
                    if (value.CoerceToString() is null) throw Fail(lua, "function_name argument given to redis.register_function must be a string");
                    name = value;
                }
                else if (Ascii.EqualsIgnoreCase(keyText.Span, DescriptionKey.Span))
                {
                    if (value.CoerceToString() is null) throw Fail(lua, "description argument given to redis.register_function must be a string");
                    description = value;
                }
                else if (Ascii.EqualsIgnoreCase(keyText.Span, CallbackKey.Span))
                {
                    if (!value.IsFunction) throw Fail(lua, "callback argument given to redis.register_function must be a function");
                    callback = value;
                }
                else if (Ascii.EqualsIgnoreCase(keyText.Span, FlagsKey.Span))
                {
                    if (!value.IsTable) throw Fail(lua, "flags argument to redis.register_function must be a table representing function flags");
                    ParseFlags(lua, value.AsTable);
                    flags = value;
                }
                else throw Fail(lua, "unknown argument given to redis.register_function");
            }
            if (name.IsNil) throw Fail(lua, "redis.register_function must get a function name argument");
            if (callback.IsNil) throw Fail(lua, "redis.register_function must get a callback argument");
        }
        else if (args.Count == 2)
        {
            name = args[0];
            callback = args[1];
            if (name.CoerceToString() is null) throw Fail(lua, "first argument to redis.register_function must be a string");
            if (!callback.IsFunction) throw Fail(lua, "second argument to redis.register_function must be a function");
        }
        else throw Fail(lua, "wrong number of arguments to redis.register_function");

        var functionName = name.CoerceToString()!;
        if (!IsValidName(functionName.Span)) throw Fail(lua, BadName);
        var parsedFlags = flags.IsNil ? ScriptFlags.None : ParseFlags(lua, flags.AsTable);
        byte[]? descriptionBytes = null;
        if (!description.IsNil)
        {
            descriptionBytes = description.CoerceToString()?.Span.ToArray()
                ?? throw Fail(lua, "description argument given to redis.register_function must be a string");
        }
        string text = Encoding.ASCII.GetString(functionName.Span);
        if (library.Functions.Exists(f => f.Name == text)) throw Fail(lua, "Function already exists in the library");
        library.Functions.Add(new RegisteredFunction(text, callback.AsFunction, parsedFlags, descriptionBytes, library));
        return lua.Return();
    }

    /// <summary>A register_function flags table: its entries 1, 2, ... up to the first nil, each a known flag name.</summary>
    private static ScriptFlags ParseFlags(LuaState lua, LuaTable list)
    {
        var parsed = ScriptFlags.None;
        for (int i = 1; !list.RawGet(i).IsNil; i++)
        {
            var flag = list.RawGet(i);
            if (!flag.IsString || !ScriptFlagNames.TryParse(flag.AsString.Span, out var one, ignoreCase: true)) throw Fail(lua, "unknown flag given");
            parsed |= one;
        }
        return parsed;
    }

    private static LuaException Fail(LuaState lua, string message) => new(ScriptErrors.Table(message));

    private static readonly (ScriptFlags Flag, string Name)[] FlagOrder =
    [
        (ScriptFlags.NoWrites, "no-writes"),
        (ScriptFlags.AllowOom, "allow-oom"),
        (ScriptFlags.AllowStale, "allow-stale"),
        (ScriptFlags.NoCluster, "no-cluster"),
        (ScriptFlags.AllowCrossSlotKeys, "allow-cross-slot-keys"),
    ];

    /// <summary>FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE].</summary>
    public void WriteList(RespWriter reply, byte[]? pattern, bool withCode)
    {
        var selected = _libraries.Values
            .Where(l => pattern is null || GlobMatcher.IsMatch(pattern, Encoding.ASCII.GetBytes(l.Name)))
            .ToList();
        reply.WriteArrayHeader(selected.Count);
        foreach (var library in selected)
        {
            reply.WriteMapHeader(withCode ? 4 : 3);
            reply.WriteBulk("library_name");
            reply.WriteBulk(library.Name);
            reply.WriteBulk("engine");
            reply.WriteBulk("LUA");
            reply.WriteBulk("functions");
            reply.WriteArrayHeader(library.Functions.Count);
            foreach (var function in library.Functions)
            {
                reply.WriteMapHeader(3);
                reply.WriteBulk("name");
                reply.WriteBulk(function.Name);
                reply.WriteBulk("description");
                if (function.Description is null) reply.WriteNull();
                else reply.WriteBulk(function.Description);
                reply.WriteBulk("flags");
                int count = FlagOrder.Count(f => (function.Flags & f.Flag) != 0);
                reply.WriteSetHeader(count);
                foreach (var (flag, flagName) in FlagOrder)
                {
                    if ((function.Flags & flag) != 0) reply.WriteSimpleString(flagName);
                }
            }
            if (withCode)
            {
                reply.WriteBulk("library_code");
                reply.WriteBulk(library.Code);
            }
        }
    }

    public byte[] Dump() => FunctionDumpFormat.Write(_libraries.Values.Select(l => l.Code));

    public enum RestorePolicy { Append, Replace, Flush }

    /// <summary>FUNCTION RESTORE: all libraries of the payload or none; null on success, else the error.</summary>
    public string? Restore(ReadOnlySpan<byte> payload, RestorePolicy policy)
    {
        var codes = FunctionDumpFormat.TryRead(payload, out var error);
        if (codes is null) return error;
        var savedLibraries = new Dictionary<string, LuaLibrary>(_libraries, StringComparer.Ordinal);
        var savedFunctions = new Dictionary<string, RegisteredFunction>(_functions, StringComparer.OrdinalIgnoreCase);
        if (policy == RestorePolicy.Flush) Flush();
        foreach (var code in codes)
        {
            var library = Compile(code, out error);
            if (library is null || !Add(library, policy == RestorePolicy.Replace, out error, restoring: true))
            {
                _libraries = savedLibraries;
                _functions = savedFunctions;
                _functionLookup = _functions.GetAlternateLookup<ReadOnlySpan<char>>();
                return error;
            }
        }
        return null;
    }
}
