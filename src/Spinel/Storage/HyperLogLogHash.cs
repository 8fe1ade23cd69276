using System.Buffers.Binary;

namespace Spinel.Storage;

/// <summary>
/// The element hash of Redis's HyperLogLog: Austin Appleby's public-domain MurmurHash64A with seed 0xadc83b19,
/// reading 8-byte words little-endian. Registers must land where Redis puts them, so the hash is fixed by the format.
/// </summary>
public static class HyperLogLogHash
{
    public const ulong Seed = 0xadc83b19UL;

    private const ulong M = 0xc6a4a7935bd1e995UL;
    private const int R = 47;

    public static ulong Murmur64A(ReadOnlySpan<byte> data, ulong seed = Seed)
    {
        ulong h = seed ^ unchecked((ulong)data.Length * M);
        int words = data.Length >> 3;
        for (int i = 0; i < words; i++)
        {
            ulong k = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i << 3, 8));
            k *= M;
            k ^= k >> R;
            k *= M;
            h ^= k;
            h *= M;
        }
        var tail = data[(words << 3)..];
        if (tail.Length > 0)
        {
            // The remaining 1..7 bytes, little-endian, mixed in as one partial word.
            ulong t = 0;
            for (int i = tail.Length - 1; i >= 0; i--) t = (t << 8) | tail[i];
            h ^= t;
            h *= M;
        }
        h ^= h >> R;
        h *= M;
        h ^= h >> R;
        return h;
    }

    /// <summary>
    /// Where an element goes: the register index is the hash's low 14 bits; the value is the position of the
    /// lowest set bit in the other 50 (1-based), or 51 when they are all zero.
    /// </summary>
    public static int Pattern(ReadOnlySpan<byte> element, out int index)
    {
        ulong hash = Murmur64A(element);
        index = (int)(hash & (HyperLogLog.Registers - 1));
        ulong rest = (hash >> HyperLogLog.IndexBits) | (1UL << HyperLogLog.HashBits);
        return System.Numerics.BitOperations.TrailingZeroCount(rest) + 1;
    }
}
