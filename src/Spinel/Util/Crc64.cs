namespace Spinel.Util;

/// <summary>
/// The CRC-64 Redis puts at the end of DUMP and FUNCTION DUMP payloads and RDB files: the "Jones" polynomial
/// (0xad93d23594c935a9), bit-reflected, initial value 0, no final xor. (System.IO.Hashing's Crc64 is ECMA-182, a different CRC.)
/// </summary>
public static class Crc64
{
    private static readonly ulong[] Table = BuildTable();

    private static ulong[] BuildTable()
    {
        const ulong ReflectedPoly = 0x95ac9329ac4bc9b5; // 0xad93d23594c935a9 with its bits reversed
        var table = new ulong[256];
        for (uint i = 0; i < 256; i++)
        {
            ulong crc = i;
            for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPoly : crc >> 1;
            table[i] = crc;
        }
        return table;
    }

    public static ulong Compute(ReadOnlySpan<byte> data, ulong crc = 0)
    {
        var table = Table;
        foreach (byte b in data) crc = table[(byte)(crc ^ b)] ^ (crc >> 8);
        return crc;
    }
}
