using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Spinel.Util;

/// <summary>
/// Bit-level work over byte spans, for the bitmap commands. Bits are numbered as Redis numbers them:
/// bit 0 is the most significant bit of byte 0. Counting and scanning use popcount and vector
/// instructions, so no loop here walks a large span bit by bit.
/// </summary>
public static class BitOps
{
    /// <summary>The number of set bits.</summary>
    public static long PopCount(ReadOnlySpan<byte> data)
    {
        long count = 0;
        int i = 0;
        if (Avx2.IsSupported && data.Length >= 64) count = PopCountAvx2(data, out i);
        ref byte start = ref MemoryMarshal.GetReference(data);
        for (; i + 8 <= data.Length; i += 8)
            count += BitOperations.PopCount(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
        for (; i < data.Length; i++) count += BitOperations.PopCount(data[i]);
        return count;
    }

    /// <summary>
    /// Counts with a 4-bit lookup table in each byte lane (vpshufb), summing the per-byte counts into
    /// 64-bit lanes (vpsadbw) before a byte lane could overflow. Returns how many bytes it consumed.
    /// </summary>
    private static long PopCountAvx2(ReadOnlySpan<byte> data, out int consumed)
    {
        var table = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var lowNibble = Vector256.Create((byte)0x0F);
        var total = Vector256<ulong>.Zero;
        ref byte start = ref MemoryMarshal.GetReference(data);
        int whole = data.Length & ~63;
        int i = 0;
        while (i < whole)
        {
            // Each step adds at most 16 to a byte lane (two vectors of at most 8): 15 steps stay below 256.
            int blockEnd = Math.Min(whole, i + 15 * 64);
            var acc = Vector256<byte>.Zero;
            for (; i < blockEnd; i += 64)
            {
                var a = Vector256.LoadUnsafe(ref start, (nuint)i);
                var b = Vector256.LoadUnsafe(ref start, (nuint)(i + 32));
                acc += Avx2.Shuffle(table, a & lowNibble) + Avx2.Shuffle(table, Vector256.ShiftRightLogical(a.AsUInt16(), 4).AsByte() & lowNibble);
                acc += Avx2.Shuffle(table, b & lowNibble) + Avx2.Shuffle(table, Vector256.ShiftRightLogical(b.AsUInt16(), 4).AsByte() & lowNibble);
            }
            total += Avx2.SumAbsoluteDifferences(acc, Vector256<byte>.Zero).AsUInt64();
        }
        consumed = whole;
        return (long)Vector256.Sum(total);
    }

    /// <summary>The number of set bits among bits <paramref name="startBit"/>..<paramref name="endBit"/> (inclusive, within the span).</summary>
    public static long PopCount(ReadOnlySpan<byte> data, long startBit, long endBit)
    {
        if (startBit > endBit) return 0;
        int first = (int)(startBit >> 3), last = (int)(endBit >> 3);
        int head = 0xFF >> (int)(startBit & 7);
        int tail = (0xFF << (7 - (int)(endBit & 7))) & 0xFF;
        if (first == last) return BitOperations.PopCount((uint)(data[first] & head & tail));
        return BitOperations.PopCount((uint)(data[first] & head))
            + PopCount(data.Slice(first + 1, last - first - 1))
            + BitOperations.PopCount((uint)(data[last] & tail));
    }

    /// <summary>
    /// The position of the first bit equal to <paramref name="bit"/> among bits <paramref name="startBit"/>..<paramref name="endBit"/>
    /// (inclusive, within the span), or -1.
    /// </summary>
    public static long FindBit(ReadOnlySpan<byte> data, long startBit, long endBit, bool bit)
    {
        if (startBit > endBit) return -1;
        int first = (int)(startBit >> 3), last = (int)(endBit >> 3);
        int head = 0xFF >> (int)(startBit & 7);
        int tail = (0xFF << (7 - (int)(endBit & 7))) & 0xFF;
        // Searching for 0 is searching the complement for 1.
        int flip = bit ? 0 : 0xFF;
        if (first == last) return At(first, (data[first] ^ flip) & head & tail);
        long found = At(first, (data[first] ^ flip) & head);
        if (found >= 0) return found;
        var middle = data.Slice(first + 1, last - first - 1);
        int index = middle.IndexOfAnyExcept((byte)flip);
        if (index >= 0) return At(first + 1 + index, middle[index] ^ flip);
        return At(last, (data[last] ^ flip) & tail);

        static long At(int byteIndex, int bits) =>
            bits == 0 ? -1 : (long)byteIndex * 8 + BitOperations.LeadingZeroCount((uint)bits) - 24;
    }

    public static bool GetBit(ReadOnlySpan<byte> data, long bit)
    {
        long index = bit >> 3;
        return index < data.Length && (data[(int)index] & (0x80 >> (int)(bit & 7))) != 0;
    }

    /// <summary>Sets or clears one bit (which must lie within the span); returns its previous value.</summary>
    public static bool SetBit(Span<byte> data, long bit, bool on)
    {
        ref byte b = ref data[(int)(bit >> 3)];
        int mask = 0x80 >> (int)(bit & 7);
        bool was = (b & mask) != 0;
        b = (byte)(on ? b | mask : b & ~mask);
        return was;
    }

    /// <summary>
    /// Reads <paramref name="bits"/> (1..64) bits starting at bit <paramref name="offset"/>, most significant
    /// first, as an unsigned number; bits past the end of the span read as 0.
    /// </summary>
    public static ulong ReadBits(ReadOnlySpan<byte> data, long offset, int bits)
    {
        long first = offset >> 3;
        int shift = (int)(offset & 7);
        // A field of up to 64 bits at any bit alignment lies within 9 bytes.
        UInt128 window = ReadWindow(data, first);
        return (ulong)(window >> (72 - shift - bits)) & Mask(bits);
    }

    /// <summary>Writes the low <paramref name="bits"/> bits of <paramref name="value"/> at bit <paramref name="offset"/>; the span must hold them.</summary>
    public static void WriteBits(Span<byte> data, long offset, int bits, ulong value)
    {
        int first = (int)(offset >> 3);
        int shift = (int)(offset & 7);
        int position = 72 - shift - bits;
        UInt128 mask = (UInt128)Mask(bits) << position;
        UInt128 window = (ReadWindow(data, first) & ~mask) | (((UInt128)(value & Mask(bits))) << position);
        int touched = (shift + bits + 7) >> 3;
        for (int i = 0; i < touched; i++) data[first + i] = (byte)(window >> (64 - 8 * i));
    }

    private static ulong Mask(int bits) => bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;

    /// <summary>The 9 bytes from <paramref name="first"/>, big-endian, zero past the end of the span.</summary>
    private static UInt128 ReadWindow(ReadOnlySpan<byte> data, long first)
    {
        if (first + 9 <= data.Length)
        {
            int f = (int)first;
            return ((UInt128)BinaryPrimitives.ReadUInt64BigEndian(data.Slice(f, 8)) << 8) | data[f + 8];
        }
        UInt128 window = 0;
        for (long i = first; i < first + 9; i++) window = (window << 8) | (i < data.Length ? data[(int)i] : 0u);
        return window;
    }

    /// <summary>destination = ~source (same lengths).</summary>
    public static void Not(Span<byte> destination, ReadOnlySpan<byte> source)
    {
        var dst = MemoryMarshal.Cast<byte, Vector<byte>>(destination);
        var src = MemoryMarshal.Cast<byte, Vector<byte>>(source[..destination.Length]);
        for (int i = 0; i < dst.Length; i++) dst[i] = ~src[i];
        for (int i = dst.Length * Vector<byte>.Count; i < destination.Length; i++) destination[i] = (byte)~source[i];
    }

    /// <summary>destination[i] &amp;= source[i] over the source's length (no longer than the destination).</summary>
    public static void AndInto(Span<byte> destination, ReadOnlySpan<byte> source)
    {
        var dst = MemoryMarshal.Cast<byte, Vector<byte>>(destination[..source.Length]);
        var src = MemoryMarshal.Cast<byte, Vector<byte>>(source);
        for (int i = 0; i < dst.Length; i++) dst[i] &= src[i];
        for (int i = dst.Length * Vector<byte>.Count; i < source.Length; i++) destination[i] &= source[i];
    }

    /// <summary>destination[i] |= source[i] over the source's length (no longer than the destination).</summary>
    public static void OrInto(Span<byte> destination, ReadOnlySpan<byte> source)
    {
        var dst = MemoryMarshal.Cast<byte, Vector<byte>>(destination[..source.Length]);
        var src = MemoryMarshal.Cast<byte, Vector<byte>>(source);
        for (int i = 0; i < dst.Length; i++) dst[i] |= src[i];
        for (int i = dst.Length * Vector<byte>.Count; i < source.Length; i++) destination[i] |= source[i];
    }

    /// <summary>destination[i] ^= source[i] over the source's length (no longer than the destination).</summary>
    public static void XorInto(Span<byte> destination, ReadOnlySpan<byte> source)
    {
        var dst = MemoryMarshal.Cast<byte, Vector<byte>>(destination[..source.Length]);
        var src = MemoryMarshal.Cast<byte, Vector<byte>>(source);
        for (int i = 0; i < dst.Length; i++) dst[i] ^= src[i];
        for (int i = dst.Length * Vector<byte>.Count; i < source.Length; i++) destination[i] ^= source[i];
    }
}
