using Spinel.Util;

namespace Spinel.Tests.Util;

/// <summary>
/// The vectorized span helpers against naive bit-by-bit references, on random data of odd lengths and
/// at unaligned starts (each span is a slice of a larger array), so every head, body and tail path runs.
/// </summary>
public class BitOpsTests
{
    private static readonly int[] s_lengths = [0, 1, 2, 7, 8, 9, 31, 32, 33, 63, 64, 65, 127, 129, 960, 961, 1023, 2049, 4097, 70_001];

    private static bool RefBit(ReadOnlySpan<byte> data, long bit) => (data[(int)(bit >> 3)] >> (7 - (int)(bit & 7)) & 1) == 1;

    private static long RefCount(ReadOnlySpan<byte> data, long startBit, long endBit)
    {
        long count = 0;
        for (long b = startBit; b <= endBit; b++) count += RefBit(data, b) ? 1 : 0;
        return count;
    }

    private static long RefFind(ReadOnlySpan<byte> data, long startBit, long endBit, bool bit)
    {
        for (long b = startBit; b <= endBit; b++)
        {
            if (RefBit(data, b) == bit) return b;
        }
        return -1;
    }

    /// <summary>Random bytes, biased toward 0x00 and 0xFF runs so scans have something to skip.</summary>
    private static byte[] RandomData(Random random, int length, int offset, out ArraySegment<byte> slice)
    {
        var buffer = new byte[length + offset + 3];
        int mode = random.Next(4);
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = mode switch
            {
                0 => (byte)random.Next(256),
                1 => random.Next(50) == 0 ? (byte)random.Next(256) : (byte)0,
                2 => random.Next(50) == 0 ? (byte)random.Next(256) : (byte)0xFF,
                _ => random.Next(2) == 0 ? (byte)0 : (byte)0xFF,
            };
        }
        slice = new ArraySegment<byte>(buffer, offset, length);
        return buffer;
    }

    public static TheoryData<int> Seeds() => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void PopCount_matches_a_bit_by_bit_count(int seed)
    {
        var random = new Random(seed);
        foreach (int length in s_lengths)
        {
            RandomData(random, length, random.Next(1, 40), out var data);
            Assert.Equal(RefCount(data, 0, (long)length * 8 - 1), BitOps.PopCount(data));
        }
    }

    [Fact]
    public void PopCount_of_all_ones_past_the_vector_lanes_byte_limit()
    {
        // 255 set bits per lane would overflow a byte counter that is never flushed.
        var data = new byte[100_003];
        Array.Fill(data, (byte)0xFF);
        Assert.Equal(800_024, BitOps.PopCount(data));
        Assert.Equal(800_000, BitOps.PopCount(data.AsSpan(3)));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Ranged_PopCount_and_FindBit_match_the_references(int seed)
    {
        var random = new Random(seed);
        foreach (int length in s_lengths)
        {
            if (length == 0) continue;
            RandomData(random, length, random.Next(1, 40), out var data);
            long bits = (long)length * 8;
            for (int trial = 0; trial < 20; trial++)
            {
                long start = random.NextInt64(bits), end = random.NextInt64(bits);
                if (trial % 5 == 0) end = start + random.Next(0, 9);
                end = Math.Min(end, bits - 1);
                Assert.Equal(RefCount(data, start, end), BitOps.PopCount(data, start, end));
                Assert.Equal(RefFind(data, start, end, true), BitOps.FindBit(data, start, end, true));
                Assert.Equal(RefFind(data, start, end, false), BitOps.FindBit(data, start, end, false));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ReadBits_and_WriteBits_match_per_bit_reads_and_writes(int seed)
    {
        var random = new Random(seed);
        var data = new byte[40];
        random.NextBytes(data);
        for (int trial = 0; trial < 2000; trial++)
        {
            int width = random.Next(1, 65);
            long offset = random.Next(0, 40 * 8 + 16);
            // Reads past the end see zeros.
            ulong expected = 0;
            for (int b = 0; b < width; b++)
            {
                long at = offset + b;
                expected = (expected << 1) | (at < data.Length * 8 && RefBit(data, at) ? 1UL : 0);
            }
            Assert.Equal(expected, BitOps.ReadBits(data, offset, width));

            if (offset + width > data.Length * 8) continue;
            var before = (byte[])data.Clone();
            ulong value = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
            BitOps.WriteBits(data, offset, width, value);
            for (long b = 0; b < data.Length * 8; b++)
            {
                bool inField = b >= offset && b < offset + width;
                bool want = inField ? ((value >> (int)(width - 1 - (b - offset))) & 1) == 1 : RefBit(before, b);
                Assert.Equal(want, RefBit(data, b));
            }
        }
    }

    [Fact]
    public void GetBit_reads_zero_past_the_end_and_SetBit_returns_the_previous_bit()
    {
        byte[] data = [0b1000_0001, 0];
        Assert.True(BitOps.GetBit(data, 0));
        Assert.True(BitOps.GetBit(data, 7));
        Assert.False(BitOps.GetBit(data, 8));
        Assert.False(BitOps.GetBit(data, 4_294_967_295));
        Assert.False(BitOps.SetBit(data, 9, true));
        Assert.True(BitOps.SetBit(data, 9, true));
        Assert.Equal(0b0100_0000, data[1]);
        Assert.True(BitOps.SetBit(data, 0, false));
        Assert.Equal(0b0000_0001, data[0]);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void And_Or_Xor_Not_match_bytewise_operations(int seed)
    {
        var random = new Random(seed);
        foreach (int length in s_lengths)
        {
            RandomData(random, length, random.Next(1, 40), out var a);
            int shorter = random.Next(length + 1);
            RandomData(random, shorter, random.Next(1, 40), out var b);
            byte[] and = a.ToArray(), or = a.ToArray(), xor = a.ToArray(), not = new byte[length];
            BitOps.AndInto(and, b);
            BitOps.OrInto(or, b);
            BitOps.XorInto(xor, b);
            BitOps.Not(not, a);
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(i < shorter ? (byte)(a[i] & b[i]) : a[i], and[i]);
                Assert.Equal(i < shorter ? (byte)(a[i] | b[i]) : a[i], or[i]);
                Assert.Equal(i < shorter ? (byte)(a[i] ^ b[i]) : a[i], xor[i]);
                Assert.Equal((byte)~a[i], not[i]);
            }
        }
    }
}
