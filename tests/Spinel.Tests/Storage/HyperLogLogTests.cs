using System.Buffers.Binary;
using System.Text;
using Spinel.Storage;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Storage;

public sealed class HyperLogLogTests
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    /// <summary>Bytes written as redis-cli shows them ("\\x80" is one byte), copied from its output.</summary>
    private static byte[] R(string escaped) => DifferentialScript.Unescape(escaped);

    /// <summary>A sparse HLL in a buffer with the headroom <see cref="HyperLogLogSparse.Set"/> needs.</summary>
    private sealed class Sparse
    {
        public byte[] Buffer = new byte[HyperLogLog.DenseSize + 64];
        public int Length;

        public Sparse()
        {
            var empty = HyperLogLog.CreateEmpty();
            empty.CopyTo(Buffer, 0);
            Length = empty.Length;
        }

        public ReadOnlySpan<byte> Value => Buffer.AsSpan(0, Length);

        public SparseSetResult Set(int index, int count, long maxBytes = long.MaxValue) =>
            HyperLogLogSparse.Set(Buffer, ref Length, index, count, maxBytes);

        public SparseSetResult Add(ReadOnlySpan<byte> element, long maxBytes = long.MaxValue)
        {
            int count = HyperLogLogHash.Pattern(element, out int index);
            return Set(index, count, maxBytes);
        }
    }

    private static byte[] NewDense()
    {
        var dense = new byte[HyperLogLog.DenseSize];
        Assert.True(HyperLogLog.TrySparseToDense(HyperLogLog.CreateEmpty(), dense));
        return dense;
    }

    private static Span<byte> Registers(byte[] dense) => dense.AsSpan(HyperLogLog.HeaderSize);

    // ---- hash ----

    [Fact]
    public void Murmur64A_passes_the_smhasher_verification_value()
    {
        // SMHasher's check: hash {}, {0}, {0,1}, ... {0..254} with seed 256 - length, then hash the 256 results with seed 0.
        var key = new byte[256];
        var hashes = new byte[256 * 8];
        for (int i = 0; i < 256; i++)
        {
            key[i] = (byte)i;
            BinaryPrimitives.WriteUInt64LittleEndian(hashes.AsSpan(i * 8), HyperLogLogHash.Murmur64A(key.AsSpan(0, i), (ulong)(256 - i)));
        }
        ulong final = HyperLogLogHash.Murmur64A(hashes, 0);
        Assert.Equal(0x1F0D3804u, (uint)final);
    }

    [Theory]
    // Registers Redis 7.0.15 set for one PFADD of each element (read back with PFDEBUG DECODE).
    [InlineData("a", 12711, 2)]
    [InlineData("hello", 9216, 1)]
    [InlineData("", 5938, 2)]
    [InlineData("1234567", 10327, 3)]
    [InlineData("0123456789abcdefghij", 2027, 1)]
    public void Pattern_matches_the_register_redis_sets(string element, int expectedIndex, int expectedCount)
    {
        int count = HyperLogLogHash.Pattern(B(element), out int index);
        Assert.Equal(expectedIndex, index);
        Assert.Equal(expectedCount, count);
    }

    [Fact]
    public void Pattern_counts_are_between_1_and_51()
    {
        Span<byte> element = stackalloc byte[8];
        for (long i = 0; i < 100_000; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(element, i);
            int count = HyperLogLogHash.Pattern(element, out int index);
            Assert.InRange(count, 1, HyperLogLog.HashBits + 1);
            Assert.InRange(index, 0, HyperLogLog.Registers - 1);
        }
    }

    // ---- header and validation ----

    [Fact]
    public void A_new_hll_is_one_xzero_with_a_valid_zero_cache()
    {
        var empty = HyperLogLog.CreateEmpty();
        Assert.Equal(R(@"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff"), empty);
        Assert.True(HyperLogLog.IsValid(empty));
        Assert.True(HyperLogLog.IsCacheValid(empty));
        Assert.Equal("Z:16384", HyperLogLogSparse.Decode(empty));
        Assert.True(HyperLogLog.TryCount(empty, out ulong count));
        Assert.Equal(0ul, count);
    }

    [Fact]
    public void Cache_stale_bit_is_the_top_bit_of_the_last_header_byte()
    {
        var hll = HyperLogLog.CreateEmpty();
        HyperLogLog.SetCachedCardinality(hll, 0x0102030405060708);
        Assert.True(HyperLogLog.IsCacheValid(hll));
        Assert.Equal(R(@"\x08\x07\x06\x05\x04\x03\x02\x01"), hll[8..16]);
        HyperLogLog.InvalidateCache(hll);
        Assert.False(HyperLogLog.IsCacheValid(hll));
        Assert.Equal(0x81, hll[15]);
    }

    [Theory]
    [InlineData(@"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", false)] // 15 bytes
    [InlineData(@"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", true)] // header only: valid until walked
    [InlineData(@"HYLX\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff", false)]
    [InlineData(@"HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff", false)]
    [InlineData(@"HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff", false)] // dense of the wrong size
    public void IsValid_follows_redis_checks(string value, bool valid) => Assert.Equal(valid, HyperLogLog.IsValid(R(value)));

    // ---- dense ----

    [Fact]
    public void Dense_registers_round_trip_without_touching_their_neighbours()
    {
        var registers = new byte[HyperLogLog.DenseRegisterBytes];
        var random = new Random(1);
        var expected = new int[HyperLogLog.Registers];
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] = random.Next(64);
                HyperLogLog.SetDense(registers, i, expected[i]);
            }
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], HyperLogLog.GetDense(registers, i));
        }
        // The last register ends exactly at the last byte.
        HyperLogLog.SetDense(registers, HyperLogLog.Registers - 1, 63);
        Assert.Equal(0xfc, registers[^1] & 0xfc);
    }

    [Fact]
    public void UpdateDense_only_raises()
    {
        var dense = NewDense();
        Assert.True(HyperLogLog.UpdateDense(Registers(dense), 5, 3));
        Assert.False(HyperLogLog.UpdateDense(Registers(dense), 5, 3));
        Assert.False(HyperLogLog.UpdateDense(Registers(dense), 5, 2));
        Assert.True(HyperLogLog.UpdateDense(Registers(dense), 5, 40));
        Assert.Equal(40, HyperLogLog.GetDense(Registers(dense), 5));
    }

    // ---- sparse ----

    [Fact]
    public void Sparse_bytes_match_redis_after_the_same_adds()
    {
        var hll = new Sparse();
        foreach (var e in "abcdefghij") Assert.Equal(SparseSetResult.Updated, hll.Add(B(e.ToString())));
        // GET after "PFADD v a b c d e f g h i j" on Redis 7.0.15 (cache bit set by PFADD, not by Set).
        var redis = R(@"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00Fm\x80I\xe8\x80L""\x80D<\x848\x80B=\x80K\x83\x80B\xed\x84I\x8c\x80Bm\x80BZ");
        Assert.Equal(redis, hll.Value.ToArray());
        Assert.True(HyperLogLog.TryCount(hll.Value, out ulong count));
        Assert.Equal(10ul, count);
    }

    [Fact]
    public void Sparse_splits_runs_and_merges_equal_neighbours()
    {
        var hll = new Sparse();
        Assert.Equal(SparseSetResult.Updated, hll.Set(0, 1));
        Assert.Equal("v:1,1 Z:16383", HyperLogLogSparse.Decode(hll.Value));
        Assert.Equal(SparseSetResult.Updated, hll.Set(1, 1));
        Assert.Equal("v:1,2 Z:16382", HyperLogLogSparse.Decode(hll.Value));
        Assert.Equal(SparseSetResult.Updated, hll.Set(3, 1));
        Assert.Equal("v:1,2 z:1 v:1,1 Z:16380", HyperLogLogSparse.Decode(hll.Value));
        Assert.Equal(SparseSetResult.Updated, hll.Set(2, 1));
        Assert.Equal("v:1,4 Z:16380", HyperLogLogSparse.Decode(hll.Value));
        Assert.Equal(SparseSetResult.Updated, hll.Set(4, 1));
        Assert.Equal("v:1,4 v:1,1 Z:16379", HyperLogLogSparse.Decode(hll.Value));
        Assert.Equal(SparseSetResult.Unchanged, hll.Set(2, 1));
        Assert.Equal(SparseSetResult.Updated, hll.Set(2, 5));
        Assert.Equal("v:1,2 v:5,1 v:1,2 Z:16379", HyperLogLogSparse.Decode(hll.Value));
        Assert.Equal(SparseSetResult.Updated, hll.Set(16383, 32));
        Assert.Equal("v:1,2 v:5,1 v:1,2 Z:16378 v:32,1", HyperLogLogSparse.Decode(hll.Value));
        Assert.Equal(SparseSetResult.Updated, hll.Set(100, 2));
        Assert.Equal("v:1,2 v:5,1 v:1,2 Z:95 v:2,1 Z:16282 v:32,1", HyperLogLogSparse.Decode(hll.Value));
        Assert.Equal(SparseSetResult.Updated, hll.Set(50, 2));
        Assert.Equal("v:1,2 v:5,1 v:1,2 z:45 v:2,1 z:49 v:2,1 Z:16282 v:32,1", HyperLogLogSparse.Decode(hll.Value));
    }

    [Fact]
    public void Sparse_asks_for_promotion_above_32_or_past_the_byte_limit_and_changes_nothing()
    {
        var hll = new Sparse();
        var before = hll.Value.ToArray();
        Assert.Equal(SparseSetResult.Promote, hll.Set(7, 33));
        Assert.Equal(before, hll.Value.ToArray());
        // Splitting the XZERO into ZERO(7) VAL XZERO(16376) grows 18 bytes to 20.
        Assert.Equal(SparseSetResult.Promote, hll.Set(7, 1, maxBytes: 19));
        Assert.Equal(before, hll.Value.ToArray());
        Assert.Equal(SparseSetResult.Updated, hll.Set(7, 1, maxBytes: 20));
        Assert.Equal("z:7 v:1,1 Z:16376", HyperLogLogSparse.Decode(hll.Value));
        // An edit that does not grow the value is allowed at any limit.
        Assert.Equal(SparseSetResult.Updated, hll.Set(7, 9, maxBytes: 0));
    }

    [Fact]
    public void Sparse_and_dense_agree_after_random_adds_and_conversion()
    {
        var random = new Random(7);
        var hll = new Sparse();
        var dense = NewDense();
        Span<byte> element = stackalloc byte[12];
        for (int i = 0; i < 3000; i++)
        {
            random.NextBytes(element);
            int count = HyperLogLogHash.Pattern(element, out int index);
            bool denseChanged = HyperLogLog.UpdateDense(Registers(dense), index, count);
            var result = hll.Set(index, count);
            if (result == SparseSetResult.Promote) break; // a value above 32: the sparse form has done its part
            Assert.Equal(denseChanged, result == SparseSetResult.Updated);
        }
        var converted = new byte[HyperLogLog.DenseSize];
        Assert.True(HyperLogLog.TrySparseToDense(hll.Value, converted));
        Assert.Equal(dense.AsSpan(HyperLogLog.HeaderSize).ToArray(), converted.AsSpan(HyperLogLog.HeaderSize).ToArray());
        Assert.True(HyperLogLog.TryCount(hll.Value, out ulong a));
        Assert.True(HyperLogLog.TryCount(dense, out ulong b));
        Assert.Equal(b, a);

        Span<byte> max1 = new byte[HyperLogLog.Registers];
        Span<byte> max2 = new byte[HyperLogLog.Registers];
        Assert.True(HyperLogLog.TryMergeInto(hll.Value, max1));
        Assert.True(HyperLogLog.TryMergeInto(dense, max2));
        Assert.True(max1.SequenceEqual(max2));
        Assert.Equal(b, HyperLogLog.CountRaw(max1));
    }

    // ---- estimator ----

    private static byte[] DenseAll(int value)
    {
        var dense = NewDense();
        for (int i = 0; i < HyperLogLog.Registers; i++) HyperLogLog.SetDense(Registers(dense), i, value);
        return dense;
    }

    [Theory]
    // PFCOUNT on Redis 7.0.15 of a dense HLL whose registers all hold the value.
    [InlineData(0, 0ul)]
    [InlineData(1, 23637ul)]
    [InlineData(30, 12690079782337ul)]
    [InlineData(49, 6653256548922161152ul)]
    [InlineData(50, 9223372036854775808ul)] // too big for a long: llroundl's 2^63
    [InlineData(63, 9223372036854775808ul)] // values above 51 count nowhere: z = 0, an infinite estimate
    public void Estimates_match_redis_at_the_extremes(int value, ulong expected)
    {
        Assert.True(HyperLogLog.TryCount(DenseAll(value), out ulong count));
        Assert.Equal(expected, count);
    }

    [Fact]
    public void Estimate_is_within_2_percent_up_to_10_million()
    {
        var dense = NewDense();
        var registers = Registers(dense);
        Span<byte> element = stackalloc byte[8];
        long seed = 0x1234_5678_9abc;
        long[] checkpoints = [1000, 3000, 10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000, 10_000_000];
        int next = 0;
        for (long j = 1; j <= 10_000_000; j++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(element, unchecked(j * (long)0x9E3779B97F4A7C15UL) ^ seed);
            int count = HyperLogLogHash.Pattern(element, out int index);
            HyperLogLog.UpdateDense(registers, index, count);
            if (j != checkpoints[next]) continue;
            Assert.True(HyperLogLog.TryCount(dense, out ulong estimate));
            double error = Math.Abs((double)estimate - j) / j;
            Assert.True(error < 0.02, $"{estimate} for {j} elements: {error:P2} off");
            next = Math.Min(next + 1, checkpoints.Length - 1);
        }
    }

    [Fact]
    public void Small_sets_count_exactly_in_the_sparse_form()
    {
        var hll = new Sparse();
        for (int i = 0; i < 100; i++) hll.Add(B("member:" + i));
        Assert.True(HyperLogLog.TryCount(hll.Value, out ulong count));
        Assert.InRange(count, 99ul, 101ul);
    }

    // ---- corrupt input ----

    [Fact]
    public void Corrupt_and_truncated_values_are_reported_never_thrown()
    {
        var random = new Random(3);
        var samples = new List<byte[]> { HyperLogLog.CreateEmpty() };
        var hll = new Sparse();
        for (int i = 0; i < 400; i++) hll.Add(B("x" + i));
        samples.Add(hll.Value.ToArray());
        var dense = NewDense();
        for (int i = 0; i < 5000; i++)
        {
            int count = HyperLogLogHash.Pattern(B("y" + i), out int index);
            HyperLogLog.UpdateDense(Registers(dense), index, count);
        }
        samples.Add(dense);

        int corruptSeen = 0;
        var max = new byte[HyperLogLog.Registers];
        var converted = new byte[HyperLogLog.DenseSize];
        for (int trial = 0; trial < 6_000; trial++)
        {
            var value = samples[random.Next(samples.Count)].ToList();
            switch (random.Next(5))
            {
                case 0: value = value.Take(random.Next(16, value.Count)).ToList(); break;
                case 1: for (int k = random.Next(1, 5); k > 0; k--) value[random.Next(16, value.Count)] = (byte)random.Next(256); break;
                case 2: for (int k = random.Next(1, 6); k > 0; k--) value.Add((byte)random.Next(256)); break;
                case 3: value[4] = (byte)random.Next(3); break;
                default: value = value.Take(16).Concat(Enumerable.Range(0, random.Next(40)).Select(_ => (byte)random.Next(256))).ToList(); break;
            }
            var bytes = value.ToArray();
            if (!HyperLogLog.IsValid(bytes)) continue;

            bool countOk = HyperLogLog.TryCount(bytes, out _);
            bool mergeOk = HyperLogLog.TryMergeInto(bytes, max);
            Assert.Equal(countOk, mergeOk);
            if (!countOk) corruptSeen++;
            if (HyperLogLog.IsDense(bytes)) continue;
            Assert.Equal(mergeOk, HyperLogLog.TrySparseToDense(bytes, converted));
            _ = HyperLogLogSparse.Decode(bytes);
            var buffer = new byte[bytes.Length + 64];
            bytes.CopyTo(buffer, 0);
            int length = bytes.Length;
            for (int k = 0; k < 20; k++)
            {
                var result = HyperLogLogSparse.Set(buffer, ref length, random.Next(HyperLogLog.Registers), random.Next(1, 40), 3000);
                if (result == SparseSetResult.Corrupt) break;
                Assert.InRange(length, 0, bytes.Length + 64 - HyperLogLogSparse.SetHeadroom);
            }
        }
        Assert.True(corruptSeen > 50, $"only {corruptSeen} corrupt samples");
    }

    [Fact]
    public void An_xzero_cut_short_reads_its_missing_byte_as_zero()
    {
        // 0x7f alone: XZERO of (0x3f00 + 1) registers, as Redis reads it through the string's NUL terminator.
        var value = R(@"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f");
        Assert.Equal("Z:16129", HyperLogLogSparse.Decode(value));
        Assert.False(HyperLogLog.TryCount(value, out _));
        var full = R(@"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe\x00");
        Assert.True(HyperLogLog.TryCount(full, out ulong zero));
        Assert.Equal(0ul, zero);
    }

    [Fact]
    public void A_sparse_value_with_too_many_registers_is_corrupt_everywhere()
    {
        var value = R(@"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\x80");
        Assert.False(HyperLogLog.TryCount(value, out _));
        Assert.False(HyperLogLog.TryMergeInto(value, new byte[HyperLogLog.Registers]));
        Assert.False(HyperLogLog.TrySparseToDense(value, new byte[HyperLogLog.DenseSize]));
        Assert.Equal("Z:16384 v:1,1", HyperLogLogSparse.Decode(value));
    }

    [Fact]
    public void Selftest_passes() => Assert.Null(HyperLogLogSelfTest.Run());
}
