using System.Buffers.Binary;

namespace Spinel.Storage;

/// <summary>
/// PFSELFTEST: checks the register packing, that sparse and dense encodings agree, and the estimate's error
/// up to 10 million elements. Returns null when all pass, else what failed (the reply says "TESTFAILED ...").
/// </summary>
public static class HyperLogLogSelfTest
{
    public static string? Run()
    {
        var random = new Random(0x5eed);
        return Registers(random) ?? SparseMatchesDense(random) ?? Accuracy(random);
    }

    /// <summary>Every register keeps its own value however its neighbours (which share bytes with it) are set.</summary>
    private static string? Registers(Random random)
    {
        var registers = new byte[HyperLogLog.DenseRegisterBytes];
        var expected = new byte[HyperLogLog.Registers];
        for (int cycle = 0; cycle < 100; cycle++)
        {
            for (int i = 0; i < HyperLogLog.Registers; i++)
            {
                expected[i] = (byte)random.Next(HyperLogLog.RegisterMax + 1);
                HyperLogLog.SetDense(registers, i, expected[i]);
            }
            for (int i = 0; i < HyperLogLog.Registers; i++)
            {
                if (HyperLogLog.GetDense(registers, i) != expected[i]) return $"Register error at {i}";
            }
        }
        return null;
    }

    /// <summary>The same adds to a sparse HLL (promoted when it outgrows its limit) and a dense one give the same registers and count.</summary>
    private static string? SparseMatchesDense(Random random)
    {
        var sparse = new byte[HyperLogLog.DenseSize + HyperLogLogSparse.SetHeadroom];
        var empty = HyperLogLog.CreateEmpty();
        empty.CopyTo(sparse, 0);
        int length = empty.Length;
        var dense = new byte[HyperLogLog.DenseSize];
        Span<byte> element = stackalloc byte[8];
        for (int n = 0; n < 2000; n++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(element, random.NextInt64());
            int count = HyperLogLogHash.Pattern(element, out int index);
            HyperLogLog.UpdateDense(dense.AsSpan(HyperLogLog.HeaderSize), index, count);
            var result = HyperLogLogSparse.Set(sparse, ref length, index, count, HyperLogLog.DenseSize);
            if (result is SparseSetResult.Corrupt or SparseSetResult.Promote) return "Sparse encoding update failed";
        }
        var converted = new byte[HyperLogLog.DenseSize];
        if (!HyperLogLog.TrySparseToDense(sparse.AsSpan(0, length), converted)) return "Sparse encoding is corrupt";
        if (!converted.AsSpan(HyperLogLog.HeaderSize).SequenceEqual(dense.AsSpan(HyperLogLog.HeaderSize))) return "Sparse and dense registers differ";
        if (!HyperLogLog.TryCount(sparse.AsSpan(0, length), out ulong a) || !HyperLogLog.TryCount(dense, out ulong b) || a != b)
            return "Sparse and dense cardinality differ";
        return null;
    }

    /// <summary>At each power of ten the estimate is within 5 standard errors (1.04/sqrt(m) each).</summary>
    private static string? Accuracy(Random random)
    {
        var dense = new byte[HyperLogLog.DenseSize];
        var registers = dense.AsSpan(HyperLogLog.HeaderSize);
        Span<byte> element = stackalloc byte[8];
        long seed = random.NextInt64();
        double maxError = 5 * 1.04 / Math.Sqrt(HyperLogLog.Registers);
        long checkpoint = 1;
        for (long j = 1; j <= 10_000_000; j++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(element, j ^ seed);
            int count = HyperLogLogHash.Pattern(element, out int index);
            HyperLogLog.UpdateDense(registers, index, count);
            if (j != checkpoint) continue;
            HyperLogLog.TryCount(dense, out ulong estimate);
            double error = Math.Abs((double)estimate - j) / j;
            // Below a few hundred elements the estimate is near-exact but one off is a big relative error.
            if (j >= 100 && error > maxError) return $"Approximation error too big at {j}: {estimate}";
            checkpoint *= 10;
        }
        return null;
    }
}
