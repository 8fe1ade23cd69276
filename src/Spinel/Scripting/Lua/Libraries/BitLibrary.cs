namespace Spinel.Scripting.Lua.Libraries;

/// <summary>
/// The "bit" table (LuaBitOp, as bundled with Redis): 32-bit operations whose results are signed 32-bit numbers.
/// </summary>
public static partial class BitLibrary
{
    /// <summary>2^52 + 2^51: adding it to a double leaves the integer part (mod 2^32, rounded to nearest) in the low mantissa bits.</summary>
    private const double Normalizer = 6755399441055744.0;

    /// <summary>A number's 32 bits as LuaBitOp takes them: the low word of the double after adding 2^52 + 2^51.</summary>
    public static int ToBit(double value) => (int)BitConverter.DoubleToInt64Bits(value + Normalizer);

    /// <summary>bit.tohex: <paramref name="digits"/> hex digits (default 8, at most 8), uppercase when negative.</summary>
    public static int ToHex(int value, int digits, Span<byte> output)
    {
        var alphabet = "0123456789abcdef"u8;
        if (digits < 0)
        {
            digits = -digits;
            alphabet = "0123456789ABCDEF"u8;
        }
        if (digits > 8 || digits < 0) digits = 8;
        uint bits = (uint)value;
        for (int i = digits - 1; i >= 0; i--)
        {
            output[i] = alphabet[(int)(bits & 15)];
            bits >>= 4;
        }
        return digits;
    }

    public static int ShiftLeft(int value, int count) => (int)((uint)value << (count & 31));

    public static int ShiftRight(int value, int count) => (int)((uint)value >> (count & 31));

    public static int ShiftRightArithmetic(int value, int count) => value >> (count & 31);

    public static int RotateLeft(int value, int count) => (int)uint.RotateLeft((uint)value, count & 31);

    public static int RotateRight(int value, int count) => (int)uint.RotateRight((uint)value, count & 31);

    public static int Swap(int value) => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(value);
}
