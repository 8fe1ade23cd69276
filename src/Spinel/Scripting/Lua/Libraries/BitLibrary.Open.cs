namespace Spinel.Scripting.Lua.Libraries;

public static partial class BitLibrary
{
    public static void Open(LuaState lua)
    {
        var table = new LuaTable(0, 12);
        Register(table, "tobit", (l, a) => l.Return(Arg(a, 0)));
        Register(table, "tohex", ToHex);
        Register(table, "bnot", (l, a) => l.Return(~Arg(a, 0)));
        Register(table, "band", (l, a) => Fold(l, a, static (x, y) => x & y));
        Register(table, "bor", (l, a) => Fold(l, a, static (x, y) => x | y));
        Register(table, "bxor", (l, a) => Fold(l, a, static (x, y) => x ^ y));
        Register(table, "lshift", (l, a) => Shift(l, a, ShiftLeft));
        Register(table, "rshift", (l, a) => Shift(l, a, ShiftRight));
        Register(table, "arshift", (l, a) => Shift(l, a, ShiftRightArithmetic));
        Register(table, "rol", (l, a) => Shift(l, a, RotateLeft));
        Register(table, "ror", (l, a) => Shift(l, a, RotateRight));
        Register(table, "bswap", (l, a) => l.Return(Swap(Arg(a, 0))));
        lua.Globals.RawSet(LuaString.FromAscii("bit"), table);
    }

    private static void Register(LuaTable table, string name, LuaHostBody body) =>
        table.RawSet(LuaString.FromAscii(name), new LuaHostFunction(name, body));

    /// <summary>
    /// LuaBitOp's argument check: any value is converted (non-numbers as 0), and only a zero result from something
    /// that is not a number is an error.
    /// </summary>
    private static int Arg(LuaArgs args, int index)
    {
        var value = args[index];
        bool isNumber = value.TryGetNumber(out double d);
        int bits = ToBit(isNumber ? d : 0);
        if (bits == 0 && !isNumber) throw args.TypeError(index, "number");
        return bits;
    }

    /// <summary>The variadic operations check and combine their arguments from the last one down, as LuaBitOp does.</summary>
    private static int Fold(LuaState lua, LuaArgs args, Func<int, int, int> op)
    {
        int result = Arg(args, 0);
        for (int i = args.Count - 1; i > 0; i--) result = op(result, Arg(args, i));
        return lua.Return(result);
    }

    private static int Shift(LuaState lua, LuaArgs args, Func<int, int, int> op)
    {
        int value = Arg(args, 0);
        return lua.Return(op(value, Arg(args, 1)));
    }

    private static int ToHex(LuaState lua, LuaArgs args)
    {
        int value = Arg(args, 0);
        int digits = args.Count < 2 ? 8 : Arg(args, 1);
        Span<byte> text = stackalloc byte[8];
        int length = ToHex(value, digits, text);
        return lua.Return(LuaString.From(text[..length]));
    }
}
