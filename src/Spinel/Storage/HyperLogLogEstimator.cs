namespace Spinel.Storage;

/// <summary>
/// The cardinality estimator Redis 7 uses: Otmar Ertl's "improved raw estimator" ("New cardinality
/// estimation algorithms for HyperLogLog sketches", arXiv:1702.01284), computed from the histogram of
/// register values. Every operation is plain IEEE double arithmetic in Redis's order, so results match
/// Redis to the last digit.
/// </summary>
public static class HyperLogLogEstimator
{
    /// <summary>alpha_inf = 1 / (2 ln 2).</summary>
    private const double AlphaInf = 0.721347520444481703680;

    /// <summary>
    /// The estimate from <paramref name="histogram"/> (slot v: how many registers hold v; only 0..51 can
    /// count). As in Redis, an estimate that does not fit a signed 64-bit integer (or is infinite) becomes 2^63.
    /// </summary>
    public static ulong Estimate(ReadOnlySpan<int> histogram)
    {
        const double m = HyperLogLog.Registers;
        const int q = HyperLogLog.HashBits;
        double z = m * Tau((m - histogram[q + 1]) / m);
        for (int j = q; j >= 1; j--)
        {
            z += histogram[j];
            z *= 0.5;
        }
        z += m * Sigma(histogram[0] / m);
        double e = AlphaInf * m * m / z;
        // Redis rounds with llroundl, whose out-of-range result on x86-64 is the "integer indefinite" 2^63.
        if (!(Math.Abs(e) < 9.2233720368547758e18)) return 1UL << 63;
        return unchecked((ulong)(long)Math.Round(e, MidpointRounding.AwayFromZero));
    }

    /// <summary>sigma(x) = x + sum over k >= 1 of x^(2^k) * 2^(k-1), summed until it stops changing.</summary>
    internal static double Sigma(double x)
    {
        if (x == 1.0) return double.PositiveInfinity;
        double y = 1, z = x, previous;
        do
        {
            x *= x;
            previous = z;
            z += x * y;
            y += y;
        }
        while (previous != z);
        return z;
    }

    /// <summary>tau(x) = (1 - x - sum over k >= 1 of (1 - x^(2^-k))^2 * 2^-k) / 3, summed until it stops changing.</summary>
    internal static double Tau(double x)
    {
        if (x == 0.0 || x == 1.0) return 0.0;
        double y = 1.0, z = 1 - x, previous;
        do
        {
            x = Math.Sqrt(x);
            previous = z;
            y *= 0.5;
            double d = 1 - x;
            z -= d * d * y;
        }
        while (previous != z);
        return z / 3;
    }
}
