using System.Text;

namespace Spinel.Storage;

/// <summary>What <see cref="HyperLogLogSparse.Set"/> did.</summary>
public enum SparseSetResult
{
    /// <summary>The register already held at least the value.</summary>
    Unchanged,
    Updated,
    /// <summary>Nothing changed: the value does not fit a VAL opcode or the HLL would outgrow hll-sparse-max-bytes; convert to dense and set there.</summary>
    Promote,
    /// <summary>The opcodes do not reach the register.</summary>
    Corrupt,
}

/// <summary>
/// The sparse HLL encoding: after the header, opcodes that each cover a run of consecutive registers.
///   ZERO  00xxxxxx            1..64 registers at 0
///   XZERO 01xxxxxx yyyyyyyy   1..16384 registers at 0 (14-bit length - 1, high bits first)
///   VAL   1vvvvvxx            1..4 registers at 1..32
/// Updates edit the opcodes in place exactly as Redis does (split the covering opcode, then merge equal
/// neighbouring VALs), so the stored bytes match Redis's after the same sequence of adds.
/// </summary>
public static class HyperLogLogSparse
{
    public const int MaxValue = 32;
    public const int ValMaxRun = 4;
    public const int ZeroMaxRun = 64;
    public const int XZeroMaxRun = 16384;

    /// <summary>Bytes of room <see cref="Set"/> needs past the value's end.</summary>
    public const int SetHeadroom = 4;

    /// <summary>One decoded opcode: its size in bytes, its run of registers and their value (0 for ZERO/XZERO).</summary>
    public readonly record struct Op(int Size, int Run, int Value);

    /// <summary>
    /// Decodes the opcode at <paramref name="p"/> (&lt; hll.Length). An XZERO cut short by the end reads its
    /// missing byte from <paramref name="terminator"/>: Redis reads the byte after the string, its NUL
    /// terminator, which an earlier edit of a corrupt HLL may have overwritten (see <see cref="Set"/>).
    /// </summary>
    public static Op Read(ReadOnlySpan<byte> hll, int p, byte terminator = 0)
    {
        byte b = hll[p];
        if ((b & 0x80) != 0) return new Op(1, (b & 3) + 1, ((b >> 2) & 0x1f) + 1);
        if ((b & 0x40) == 0) return new Op(1, (b & 0x3f) + 1, 0);
        int low = p + 1 < hll.Length ? hll[p + 1] : terminator;
        return new Op(2, (((b & 0x3f) << 8) | low) + 1, 0);
    }

    private static byte Val(int value, int run) => (byte)(0x80 | ((value - 1) << 2) | (run - 1));

    /// <summary>Writes the shortest zero run opcode; returns its size.</summary>
    private static int WriteZeros(Span<byte> at, int run)
    {
        if (run > ZeroMaxRun) return WriteXZero(at, run);
        at[0] = (byte)(run - 1);
        return 1;
    }

    internal static int WriteXZero(Span<byte> at, int run)
    {
        at[0] = (byte)(0x40 | ((run - 1) >> 8));
        at[1] = (byte)((run - 1) & 0xff);
        return 2;
    }

    /// <summary>
    /// Counts registers by value into <paramref name="histogram"/> (64 slots). False when the opcodes do not
    /// cover exactly 16384 registers.
    /// </summary>
    public static bool TryHistogram(ReadOnlySpan<byte> hll, Span<int> histogram, byte terminator = 0)
    {
        int index = 0;
        for (int p = HyperLogLog.HeaderSize; p < hll.Length;)
        {
            var op = Read(hll, p, terminator);
            p += op.Size;
            // Like Redis, a VAL run past the last register is corrupt at once; zero runs just add up and the total decides.
            if (op.Value != 0 && op.Run + index > HyperLogLog.Registers) return false;
            index += op.Run;
            histogram[op.Value] += op.Run;
        }
        return index == HyperLogLog.Registers;
    }

    /// <summary>
    /// Raises register <paramref name="index"/> to <paramref name="count"/> in the sparse HLL held in
    /// <paramref name="buffer"/>[0, <paramref name="length"/>), which must have <see cref="SetHeadroom"/> bytes
    /// of room past the end. <paramref name="maxBytes"/> is hll-sparse-max-bytes: an edit that grows the
    /// value beyond it asks for promotion instead. Does not touch the cached cardinality.
    /// buffer[length] plays the part of Redis's NUL terminator, and is kept as Redis keeps it: an edit of an
    /// XZERO cut short by the end (only in corrupt values) writes past the new end, into the terminator, and
    /// later reads of that XZERO see it. Bytes beyond buffer[length] are left zero.
    /// </summary>
    public static SparseSetResult Set(Span<byte> buffer, ref int length, int index, int count, long maxBytes)
    {
        if (buffer.Length < length + SetHeadroom) throw new ArgumentException("sparse HLL buffer lacks headroom", nameof(buffer));
        if (count > MaxValue) return SparseSetResult.Promote;
        int end = length;
        byte terminator = buffer[end];

        // Find the opcode covering the register, and the one before it (where merging will start).
        int p = HyperLogLog.HeaderSize, prev = -1, first = 0;
        Op op = default;
        while (p < end)
        {
            op = Read(buffer[..end], p, terminator);
            if (index <= first + op.Run - 1) break;
            prev = p;
            p += op.Size;
            first += op.Run;
        }
        if (op.Run == 0 || p >= end) return SparseSetResult.Corrupt;
        int next = p + op.Size < end ? p + op.Size : -1;

        if (op.Value != 0)
        {
            if (op.Value >= count) return SparseSetResult.Unchanged;
            if (op.Run == 1)
            {
                buffer[p] = Val(count, 1);
                MergeAdjacent(buffer, ref length, prev);
                return SparseSetResult.Updated;
            }
        }
        else if (op.Size == 1 && op.Run == 1)
        {
            buffer[p] = Val(count, 1);
            MergeAdjacent(buffer, ref length, prev);
            return SparseSetResult.Updated;
        }

        // Split the run into (before, our register, after): at worst XZERO VAL XZERO, 5 bytes.
        Span<byte> seq = stackalloc byte[5];
        int n = 0;
        int last = first + op.Run - 1;
        if (op.Value == 0)
        {
            if (index != first) n += WriteZeros(seq[n..], index - first);
            seq[n++] = Val(count, 1);
            if (index != last) n += WriteZeros(seq[n..], last - index);
        }
        else
        {
            if (index != first) seq[n++] = Val(op.Value, index - first);
            seq[n++] = Val(count, 1);
            if (index != last) seq[n++] = Val(op.Value, last - index);
        }

        int delta = n - op.Size;
        if (delta > 0 && (long)length + delta > maxBytes) return SparseSetResult.Promote;
        if (delta != 0 && next >= 0) buffer[next..end].CopyTo(buffer[(next + delta)..]);
        length += delta;
        buffer[length] = 0;
        seq[..n].CopyTo(buffer[p..]);
        MergeAdjacent(buffer, ref length, prev);
        // What the split wrote past the terminator (a cut-short XZERO) is never read: clear it.
        int dirtyEnd = Math.Max(end + 1, p + n);
        if (dirtyEnd > length + 1) buffer[(length + 1)..dirtyEnd].Clear();
        return SparseSetResult.Updated;
    }

    /// <summary>
    /// After an edit, joins neighbouring VALs of equal value while the run fits, looking at no more than five
    /// opcodes from the one before the edit (Redis's exact window, which decides the bytes).
    /// </summary>
    private static void MergeAdjacent(Span<byte> buffer, ref int length, int prev)
    {
        int end = length;
        int p = prev >= 0 ? prev : HyperLogLog.HeaderSize;
        int scan = 5;
        while (p < end && scan-- > 0)
        {
            byte b = buffer[p];
            if ((b & 0xc0) == 0x40)
            {
                p += 2;
                continue;
            }
            if ((b & 0x80) == 0)
            {
                p++;
                continue;
            }
            if (p + 1 < end && (buffer[p + 1] & 0x80) != 0)
            {
                int v1 = ((b >> 2) & 0x1f) + 1, v2 = ((buffer[p + 1] >> 2) & 0x1f) + 1;
                int run = (b & 3) + 1 + (buffer[p + 1] & 3) + 1;
                if (v1 == v2 && run <= ValMaxRun)
                {
                    buffer[p + 1] = Val(v1, run);
                    buffer[(p + 1)..end].CopyTo(buffer[p..]);
                    end--;
                    // The value shrank by one byte: its old last byte becomes the (zero) terminator.
                    buffer[end] = 0;
                    buffer[end + 1] = 0;
                    // Stay here: the merged opcode may merge again with the next one.
                    continue;
                }
            }
            p++;
        }
        length = end;
    }

    /// <summary>PFDEBUG DECODE: "z:N" (ZERO), "Z:N" (XZERO), "v:VALUE,N" (VAL), space separated.</summary>
    public static string Decode(ReadOnlySpan<byte> hll, byte terminator = 0)
    {
        var text = new StringBuilder();
        for (int p = HyperLogLog.HeaderSize; p < hll.Length;)
        {
            var op = Read(hll, p, terminator);
            if (text.Length > 0) text.Append(' ');
            if (op.Value != 0) text.Append("v:").Append(op.Value).Append(',').Append(op.Run);
            else text.Append(op.Size == 1 ? "z:" : "Z:").Append(op.Run);
            p += op.Size;
        }
        return text.ToString();
    }
}
