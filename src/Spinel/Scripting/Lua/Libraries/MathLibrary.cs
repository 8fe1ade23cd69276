namespace Spinel.Scripting.Lua.Libraries;

/// <summary>Lua 5.1's math library, with Redis's rand48-based random and randomseed.</summary>
internal static class MathLibrary
{
    public static void Open(LuaState lua)
    {
        var t = new LuaTable();
        void Reg(string name, LuaHostBody body) => t.RawSet(LuaString.FromAscii(name), new LuaHostFunction(name, body));
        void Reg1(string name, Func<double, double> fn) => Reg(name, (l, a) => l.Return(fn(a.CheckNumber(0))));
        Reg1("abs", Math.Abs);
        Reg1("acos", Math.Acos);
        Reg1("asin", Math.Asin);
        Reg1("atan", Math.Atan);
        Reg("atan2", (l, a) => l.Return(Math.Atan2(a.CheckNumber(0), a.CheckNumber(1))));
        Reg1("ceil", Math.Ceiling);
        Reg1("cos", Math.Cos);
        Reg1("cosh", Math.Cosh);
        Reg1("deg", x => x * (180.0 / Math.PI));
        Reg1("exp", Math.Exp);
        Reg1("floor", Math.Floor);
        Reg("fmod", (l, a) => l.Return(a.CheckNumber(0) % a.CheckNumber(1)));
        Reg("mod", (l, a) => l.Return(a.CheckNumber(0) % a.CheckNumber(1)));
        Reg("frexp", Frexp);
        t.RawSet(LuaString.FromAscii("huge"), double.PositiveInfinity);
        Reg("ldexp", (l, a) => l.Return(Math.ScaleB(a.CheckNumber(0), a.CheckInt(1))));
        Reg1("log", Math.Log);
        Reg1("log10", Math.Log10);
        Reg("max", (l, a) => MinMax(l, a, max: true));
        Reg("min", (l, a) => MinMax(l, a, max: false));
        Reg("modf", Modf);
        t.RawSet(LuaString.FromAscii("pi"), Math.PI);
        Reg("pow", (l, a) => l.Return(Math.Pow(a.CheckNumber(0), a.CheckNumber(1))));
        Reg1("rad", x => x * (Math.PI / 180.0));
        Reg("random", Random);
        Reg("randomseed", (l, a) =>
        {
            l.RandomState = Rand48Seed(a.CheckInt(0));
            return l.Return();
        });
        Reg1("sin", Math.Sin);
        Reg1("sinh", Math.Sinh);
        Reg1("sqrt", Math.Sqrt);
        Reg1("tan", Math.Tan);
        Reg1("tanh", Math.Tanh);
        lua.Globals.RawSet(LuaString.FromAscii("math"), t);
    }

    private static int MinMax(LuaState l, LuaArgs a, bool max)
    {
        var best = a.CheckNumber(0);
        for (var i = 1; i < a.Count; i++)
        {
            var d = a.CheckNumber(i);
            if (max ? d > best : d < best)
                best = d;
        }
        return l.Return(best);
    }

    private static int Frexp(LuaState l, LuaArgs a)
    {
        var x = a.CheckNumber(0);
        if (x == 0 || double.IsNaN(x) || double.IsInfinity(x))
            return l.Return(x, 0);
        var e = Math.ILogB(x) + 1;
        var m = Math.ScaleB(x, -e);
        return l.Return(m, e);
    }

    private static int Modf(LuaState l, LuaArgs a)
    {
        var x = a.CheckNumber(0);
        if (double.IsInfinity(x))
            return l.Return(x, 0.0);
        var ip = Math.Truncate(x);
        return l.Return(ip, x - ip);
    }

    // Redis replaces Lua's rand() with its rand48: x' = a*x + c mod 2^48, result x >> 17.
    private const ulong A = 0x5DEECE66D, C = 0xB, Mask = (1UL << 48) - 1;
    internal const ulong InitialState = 0x1234ABCD330E;

    private static ulong Rand48Seed(int seed) => ((ulong)(uint)seed << 16) | 0x330E;

    private static int Random(LuaState l, LuaArgs a)
    {
        l.RandomState = (A * l.RandomState + C) & Mask;
        var v = (int)(l.RandomState >> 17);
        var r = (double)(v % int.MaxValue) / int.MaxValue;
        switch (a.Count)
        {
            case 0:
                return l.Return(r);
            case 1:
                {
                    var u = a.CheckInt(0);
                    if (u < 1)
                        throw a.ArgError(0, "interval is empty");
                    return l.Return(Math.Floor(r * u) + 1);
                }
            case 2:
                {
                    var lo = a.CheckInt(0);
                    var up = a.CheckInt(1);
                    if (lo > up)
                        throw a.ArgError(1, "interval is empty");
                    return l.Return(Math.Floor(r * (up - lo + 1)) + lo);
                }
            default:
                throw l.Error("wrong number of arguments");
        }
    }
}
