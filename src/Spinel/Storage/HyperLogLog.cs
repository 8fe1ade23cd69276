using System.Buffers.Binary;

namespace Spinel.Storage;

/// <summary>
/// Redis's HyperLogLog string format, as pure functions on spans (the value is an ordinary string).
/// Layout: "HYLL", an encoding byte (0 dense, 1 sparse), 3 unused bytes, then the cached cardinality as
/// 8 little-endian bytes whose top bit (byte 15, bit 7) marks the cache stale. After the 16-byte header come
/// 16384 registers: dense packs them in 6 bits each (register i at bit 6*i, least significant bits first);
/// sparse run-length codes them (see <see cref="HyperLogLogSparse"/>).
/// Corrupt input never throws: every reader bounds-checks and reports "corrupt" instead.
/// </summary>
public static class HyperLogLog
{
    public const int HeaderSize = 16;
    public const int IndexBits = 14;
    public const int Registers = 1 << IndexBits;
    /// <summary>Hash bits left for the run of zeros; a register holds at most HashBits + 1.</summary>
    public const int HashBits = 64 - IndexBits;
    public const int RegisterBits = 6;
    public const int RegisterMax = (1 << RegisterBits) - 1;
    public const int DenseRegisterBytes = (Registers * RegisterBits + 7) / 8;
    public const int DenseSize = HeaderSize + DenseRegisterBytes;

    public const byte EncodingDense = 0;
    public const byte EncodingSparse = 1;

    private const int EncodingOffset = 4;
    private const int CacheOffset = 8;
    private const byte CacheStaleBit = 0x80;

    /// <summary>
    /// What Redis accepts as an HLL before looking at the registers: at least a header, the magic, a known
    /// encoding, and exactly the dense size when dense. A sparse body is only checked when it is walked.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<byte> value)
    {
        if (value.Length < HeaderSize) return false;
        if (value[0] != (byte)'H' || value[1] != (byte)'Y' || value[2] != (byte)'L' || value[3] != (byte)'L') return false;
        byte encoding = value[EncodingOffset];
        if (encoding > EncodingSparse) return false;
        return encoding != EncodingDense || value.Length == DenseSize;
    }

    public static bool IsDense(ReadOnlySpan<byte> hll) => hll[EncodingOffset] == EncodingDense;

    public static bool IsCacheValid(ReadOnlySpan<byte> hll) => (hll[CacheOffset + 7] & CacheStaleBit) == 0;

    public static ulong CachedCardinality(ReadOnlySpan<byte> hll) => BinaryPrimitives.ReadUInt64LittleEndian(hll.Slice(CacheOffset, 8));

    /// <summary>Stores a computed cardinality. Redis stores all 64 bits, so a huge one leaves the stale bit set.</summary>
    public static void SetCachedCardinality(Span<byte> hll, ulong cardinality) =>
        BinaryPrimitives.WriteUInt64LittleEndian(hll.Slice(CacheOffset, 8), cardinality);

    public static void InvalidateCache(Span<byte> hll) => hll[CacheOffset + 7] |= CacheStaleBit;

    /// <summary>A new, empty HLL as Redis creates it: sparse, one XZERO covering every register, cache valid at 0.</summary>
    public static byte[] CreateEmpty()
    {
        var hll = new byte[HeaderSize + 2];
        "HYLL"u8.CopyTo(hll);
        hll[EncodingOffset] = EncodingSparse;
        HyperLogLogSparse.WriteXZero(hll.AsSpan(HeaderSize), Registers);
        return hll;
    }

    // ---- dense registers ----

    public static int GetDense(ReadOnlySpan<byte> registers, int index)
    {
        int bit = index * RegisterBits;
        int b = bit >> 3, shift = bit & 7;
        int word = registers[b];
        // A register straddles two bytes unless it fits in the first (the last register always does).
        if (shift > 8 - RegisterBits) word |= registers[b + 1] << 8;
        return (word >> shift) & RegisterMax;
    }

    public static void SetDense(Span<byte> registers, int index, int value)
    {
        int bit = index * RegisterBits;
        int b = bit >> 3, shift = bit & 7;
        registers[b] = (byte)((registers[b] & ~(RegisterMax << shift)) | (value << shift));
        if (shift > 8 - RegisterBits)
        {
            int high = 8 - shift;
            registers[b + 1] = (byte)((registers[b + 1] & ~(RegisterMax >> high)) | (value >> high));
        }
    }

    /// <summary>Raises register <paramref name="index"/> to <paramref name="count"/>; false when it already was at least that.</summary>
    public static bool UpdateDense(Span<byte> registers, int index, int count)
    {
        if (GetDense(registers, index) >= count) return false;
        SetDense(registers, index, count);
        return true;
    }

    /// <summary>Counts dense registers by value (values above 63 cannot occur; the histogram has 64 slots).</summary>
    public static void DenseHistogram(ReadOnlySpan<byte> registers, Span<int> histogram)
    {
        // Four registers per three bytes.
        for (int b = 0; b + 2 < DenseRegisterBytes; b += 3)
        {
            int w = registers[b] | (registers[b + 1] << 8) | (registers[b + 2] << 16);
            histogram[w & 63]++;
            histogram[(w >> 6) & 63]++;
            histogram[(w >> 12) & 63]++;
            histogram[w >> 18]++;
        }
    }

    /// <summary>Raises each of <paramref name="max"/> (one byte per register) to the dense register's value.</summary>
    private static void DenseMergeInto(ReadOnlySpan<byte> registers, Span<byte> max)
    {
        for (int b = 0, r = 0; b + 2 < DenseRegisterBytes; b += 3, r += 4)
        {
            int w = registers[b] | (registers[b + 1] << 8) | (registers[b + 2] << 16);
            Raise(max, r, w & 63);
            Raise(max, r + 1, (w >> 6) & 63);
            Raise(max, r + 2, (w >> 12) & 63);
            Raise(max, r + 3, w >> 18);
        }
    }

    private static void Raise(Span<byte> max, int i, int value)
    {
        if (value > max[i]) max[i] = (byte)value;
    }

    // ---- whole values ----

    // The sparse walkers take the byte after the value (see HyperLogLogSparse.Read) as terminator.

    /// <summary>
    /// Merges a valid (<see cref="IsValid"/>) HLL into <paramref name="max"/> (16384 bytes, one per register).
    /// False when a sparse body does not cover exactly 16384 registers; <paramref name="max"/> may then be partly raised.
    /// </summary>
    public static bool TryMergeInto(ReadOnlySpan<byte> hll, Span<byte> max, byte terminator = 0)
    {
        if (IsDense(hll))
        {
            DenseMergeInto(hll[HeaderSize..], max);
            return true;
        }
        int index = 0;
        for (int p = HeaderSize; p < hll.Length;)
        {
            var op = HyperLogLogSparse.Read(hll, p, terminator);
            p += op.Size;
            if (op.Value == 0)
            {
                index += op.Run;
                continue;
            }
            // A VAL run past the last register is corrupt whatever the total (zero runs are only checked by it).
            if (index < 0 || op.Run + index > Registers) return false;
            for (int end = index + op.Run; index < end; index++) Raise(max, index, op.Value);
        }
        return index == Registers;
    }

    /// <summary>A sparse HLL as dense (<paramref name="dense"/>: <see cref="DenseSize"/> bytes); false when the body is corrupt.</summary>
    public static bool TrySparseToDense(ReadOnlySpan<byte> sparse, Span<byte> dense, byte terminator = 0)
    {
        // The header, cached cardinality and unused bytes included, carries over.
        sparse[..HeaderSize].CopyTo(dense);
        dense[EncodingOffset] = EncodingDense;
        var registers = dense.Slice(HeaderSize, DenseRegisterBytes);
        registers.Clear();
        int index = 0;
        for (int p = HeaderSize; p < sparse.Length;)
        {
            var op = HyperLogLogSparse.Read(sparse, p, terminator);
            p += op.Size;
            if (op.Value == 0)
            {
                index += op.Run;
                continue;
            }
            if (index < 0 || op.Run + index > Registers) return false;
            for (int end = index + op.Run; index < end; index++) SetDense(registers, index, op.Value);
        }
        return index == Registers;
    }

    /// <summary>
    /// Computes the cardinality of a valid HLL (ignoring the cache). False when a sparse body is corrupt.
    /// The result is Redis's 64-bit value: an estimate too large for a signed 64-bit number comes out as 2^63.
    /// </summary>
    public static bool TryCount(ReadOnlySpan<byte> hll, out ulong cardinality, byte terminator = 0)
    {
        Span<int> histogram = stackalloc int[64];
        histogram.Clear();
        cardinality = 0;
        if (IsDense(hll)) DenseHistogram(hll[HeaderSize..], histogram);
        else if (!HyperLogLogSparse.TryHistogram(hll, histogram, terminator)) return false;
        cardinality = HyperLogLogEstimator.Estimate(histogram);
        return true;
    }

    /// <summary>The cardinality of registers held one per byte (PFCOUNT of several keys).</summary>
    public static ulong CountRaw(ReadOnlySpan<byte> max)
    {
        Span<int> histogram = stackalloc int[64];
        histogram.Clear();
        foreach (byte r in max[..Registers]) histogram[r & 63]++;
        return HyperLogLogEstimator.Estimate(histogram);
    }
}
