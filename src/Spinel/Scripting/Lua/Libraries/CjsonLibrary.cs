namespace Spinel.Scripting.Lua.Libraries;

/// <summary>
/// The <c>cjson</c> global Redis 7.0 scripts see (lua-cjson 2.1.0 as Redis bundles it): encode, decode, the
/// settings functions, <c>new</c> (a fresh module table with its own settings) and the <c>null</c> sentinel.
/// </summary>
public static class CjsonLibrary
{
    /// <summary>
    /// <c>cjson.null</c>: JSON null in decoded data (a nil would delete the table entry). lua-cjson uses the NULL
    /// light userdata, so every module table shares this one value.
    /// </summary>
    public static LuaUserData Null { get; } = new();

    private static readonly string[] BooleanOptions = ["off", "on"];
    private static readonly string[] InvalidNumberOptions = ["off", "on", "null"];

    public static void Open(LuaState lua) => lua.Globals.RawSet(LuaString.FromAscii("cjson"), CreateModule());

    private static LuaTable CreateModule()
    {
        var config = new CjsonConfig();
        var module = new LuaTable(0, 16);
        Set(module, "encode", (lua, args) => Encode(lua, args, config));
        Set(module, "decode", (lua, args) => Decode(lua, args, config));
        Set(module, "encode_sparse_array", (lua, args) =>
        {
            CheckArgumentCount(args, 3);
            var convert = EnumOption(args, 0, ref config.EncodeSparseConvert, BooleanOptions);
            var ratio = IntegerOption(args, 1, ref config.EncodeSparseRatio, 0, int.MaxValue);
            var safe = IntegerOption(args, 2, ref config.EncodeSparseSafe, 0, int.MaxValue);
            return lua.Return(convert, ratio, safe);
        });
        SetIntegerOption(module, "encode_max_depth", config, static c => ref c.EncodeMaxDepth, 1, int.MaxValue);
        SetIntegerOption(module, "decode_max_depth", config, static c => ref c.DecodeMaxDepth, 1, int.MaxValue);
        SetIntegerOption(module, "encode_number_precision", config, static c => ref c.EncodeNumberPrecision, 1, 14);
        SetEnumOption(module, "encode_keep_buffer", config, static c => ref c.EncodeKeepBuffer, BooleanOptions);
        SetEnumOption(module, "encode_invalid_numbers", config, static c => ref c.EncodeInvalidNumbers, InvalidNumberOptions);
        SetEnumOption(module, "decode_invalid_numbers", config, static c => ref c.DecodeInvalidNumbers, BooleanOptions);
        Set(module, "new", (lua, args) => lua.Return(CreateModule()));
        module.RawSet(LuaString.FromAscii("null"), Null);
        module.RawSet(LuaString.FromAscii("_NAME"), LuaValue.FromAscii("cjson"));
        module.RawSet(LuaString.FromAscii("_VERSION"), LuaValue.FromAscii("2.1.0"));
        return module;
    }

    private static int Encode(LuaState lua, LuaArgs args, CjsonConfig config)
    {
        if (args.Count != 1) throw args.ArgError(0, "expected 1 argument");
        using var output = new CodecByteWriter();
        CjsonEncoder.Encode(lua, config, args[0], output);
        return lua.Return(LuaString.From(output.Written));
    }

    private static int Decode(LuaState lua, LuaArgs args, CjsonConfig config)
    {
        if (args.Count != 1) throw args.ArgError(0, "expected 1 argument");
        return lua.Return(CjsonDecoder.Decode(lua, config, args.CheckString(0)));
    }

    private delegate ref int Setting(CjsonConfig config);

    private static void SetIntegerOption(LuaTable module, string name, CjsonConfig config, Setting setting, int min, int max) =>
        Set(module, name, (lua, args) =>
        {
            CheckArgumentCount(args, 1);
            return lua.Return(IntegerOption(args, 0, ref setting(config), min, max));
        });

    private static void SetEnumOption(LuaTable module, string name, CjsonConfig config, Setting setting, string[] options) =>
        Set(module, name, (lua, args) =>
        {
            CheckArgumentCount(args, 1);
            return lua.Return(EnumOption(args, 0, ref setting(config), options));
        });

    private static void CheckArgumentCount(LuaArgs args, int most)
    {
        if (args.Count > most) throw args.ArgError(most, "found too many arguments");
    }

    /// <summary>
    /// lua-cjson's integer setting: nil leaves it; otherwise an integer in range (the range error always names
    /// argument #1, as lua-cjson's does). Returns the setting.
    /// </summary>
    private static LuaValue IntegerOption(LuaArgs args, int index, ref int setting, int min, int max)
    {
        if (!args[index].IsNil)
        {
            // lua-cjson keeps the value in a C int before the range check.
            int value = (int)args.CheckInteger(index);
            if (value < min || value > max) throw args.ArgError(0, $"expected integer between {min} and {max}");
            setting = value;
        }
        return setting;
    }

    /// <summary>lua-cjson's enum setting: a boolean (off/on) or an option name. Returns a boolean for off/on, else the name.</summary>
    private static LuaValue EnumOption(LuaArgs args, int index, ref int setting, string[] options)
    {
        var arg = args[index];
        if (!arg.IsNil)
        {
            if (arg.Type == LuaType.Boolean) setting = arg.Boolean ? 1 : 0;
            else
            {
                var name = args.CheckString(index);
                int found = Array.IndexOf(options, name.ToString());
                if (found < 0) throw args.ArgError(index, $"invalid option '{name}'");
                setting = found;
            }
        }
        return setting <= 1 ? LuaValue.FromBool(setting == 1) : LuaValue.FromAscii(options[setting]);
    }

    private static void Set(LuaTable module, string name, LuaHostBody body) =>
        module.RawSet(LuaString.FromAscii(name), new LuaHostFunction(name, body));
}
