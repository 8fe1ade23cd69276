using Spinel.Util;

namespace Spinel.Storage;

/// <summary>
/// The order of a sorted set: by score, then by member bytes compared as unsigned bytes (a shorter member
/// first when one is a prefix of the other). -0 and 0 are the same score, as in C.
/// </summary>
public static class SortedSetOrder
{
    public static int Compare(double score, ReadOnlySpan<byte> member, double otherScore, ReadOnlySpan<byte> otherMember)
    {
        if (score < otherScore) return -1;
        if (score > otherScore) return 1;
        return member.SequenceCompareTo(otherMember);
    }
}

/// <summary>
/// A score interval as ZRANGEBYSCORE, ZCOUNT and ZREMRANGEBYSCORE take it: each end inclusive, or exclusive
/// when written with a leading "(".
/// </summary>
public readonly struct ScoreRange
{
    public ScoreRange(double min, bool minExclusive, double max, bool maxExclusive)
    {
        Min = min;
        MinExclusive = minExclusive;
        Max = max;
        MaxExclusive = maxExclusive;
    }

    public double Min { get; }
    public bool MinExclusive { get; }
    public double Max { get; }
    public bool MaxExclusive { get; }

    /// <summary>Ranges no score can fall in (min above max, or equal ends with one excluded).</summary>
    public bool IsEmpty => Min > Max || (Min == Max && (MinExclusive || MaxExclusive));

    public bool GteMin(double score) => MinExclusive ? score > Min : score >= Min;

    public bool LteMax(double score) => MaxExclusive ? score < Max : score <= Max;

    /// <summary>
    /// Parses the two bounds as Redis 7.0 does (strtod, so leading spaces, overflow to ±inf and even an empty
    /// string are accepted; NaN is not). False when either is invalid: the caller replies "min or max is not a float".
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out ScoreRange range)
    {
        range = default;
        if (!TryParseBound(min, out double lo, out bool loEx) || !TryParseBound(max, out double hi, out bool hiEx)) return false;
        range = new ScoreRange(lo, loEx, hi, hiEx);
        return true;
    }

    private static bool TryParseBound(ReadOnlySpan<byte> text, out double value, out bool exclusive)
    {
        exclusive = text.Length > 0 && text[0] == (byte)'(';
        if (exclusive) text = text[1..];
        return RedisNumbers.TryParseStrtod(text, out value);
    }
}

/// <summary>
/// A member interval as ZRANGEBYLEX, ZLEXCOUNT and ZREMRANGEBYLEX take it: "[x" inclusive, "(x" exclusive,
/// "-" and "+" for below and above every member. The bound bytes are slices of the command's arguments.
/// </summary>
public readonly ref struct LexRange
{
    private enum Kind : byte { Value, MinusInfinity, PlusInfinity }

    private readonly Kind _minKind;
    private readonly Kind _maxKind;

    private LexRange(Kind minKind, ReadOnlySpan<byte> min, bool minExclusive, Kind maxKind, ReadOnlySpan<byte> max, bool maxExclusive)
    {
        _minKind = minKind;
        Min = min;
        MinExclusive = minExclusive;
        _maxKind = maxKind;
        Max = max;
        MaxExclusive = maxExclusive;
    }

    public ReadOnlySpan<byte> Min { get; }
    public bool MinExclusive { get; }
    public ReadOnlySpan<byte> Max { get; }
    public bool MaxExclusive { get; }

    /// <summary>-1 when min is "-", +1 when it is "+", 0 for a value.</summary>
    public int MinInfinity => InfinityOf(_minKind);

    /// <summary>-1 when max is "-", +1 when it is "+", 0 for a value.</summary>
    public int MaxInfinity => InfinityOf(_maxKind);

    private static int InfinityOf(Kind kind) => kind == Kind.MinusInfinity ? -1 : kind == Kind.PlusInfinity ? 1 : 0;

    /// <summary>False for a bound that is not "-", "+", or starts with "(" or "[": the caller replies "min or max not valid string range item".</summary>
    public static bool TryParse(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out LexRange range)
    {
        range = default;
        if (!TryParseBound(min, out var minKind, out var minValue, out bool minEx)
            || !TryParseBound(max, out var maxKind, out var maxValue, out bool maxEx)) return false;
        range = new LexRange(minKind, minValue, minEx, maxKind, maxValue, maxEx);
        return true;
    }

    private static bool TryParseBound(ReadOnlySpan<byte> text, out Kind kind, out ReadOnlySpan<byte> value, out bool exclusive)
    {
        kind = Kind.Value;
        value = default;
        exclusive = true;
        if (text.Length == 0) return false;
        switch (text[0])
        {
            // Redis reads the argument as a C string: "+" followed by a NUL byte still counts as "+".
            case (byte)'+' or (byte)'-':
                if (text.Length > 1 && text[1] != 0) return false;
                kind = text[0] == (byte)'+' ? Kind.PlusInfinity : Kind.MinusInfinity;
                return true;
            case (byte)'(':
                value = text[1..];
                return true;
            case (byte)'[':
                exclusive = false;
                value = text[1..];
                return true;
            default:
                return false;
        }
    }

    /// <summary>Compares a member with a bound, the infinities below and above everything.</summary>
    private static int CompareWith(ReadOnlySpan<byte> member, Kind kind, ReadOnlySpan<byte> bound) => kind switch
    {
        Kind.MinusInfinity => 1,
        Kind.PlusInfinity => -1,
        _ => member.SequenceCompareTo(bound),
    };

    public bool GteMin(ReadOnlySpan<byte> member)
    {
        int c = CompareWith(member, _minKind, Min);
        return MinExclusive ? c > 0 : c >= 0;
    }

    public bool LteMax(ReadOnlySpan<byte> member)
    {
        int c = CompareWith(member, _maxKind, Max);
        return MaxExclusive ? c < 0 : c <= 0;
    }

    /// <summary>Ranges no member can fall in: min above max, or equal ends with one excluded ("-" equals "-").</summary>
    public bool IsEmpty
    {
        get
        {
            int c;
            if (_minKind == _maxKind && _minKind != Kind.Value) c = 0;
            else if (_minKind == Kind.MinusInfinity || _maxKind == Kind.PlusInfinity) c = -1;
            else if (_minKind == Kind.PlusInfinity || _maxKind == Kind.MinusInfinity) c = 1;
            else c = Min.SequenceCompareTo(Max);
            return c > 0 || (c == 0 && (MinExclusive || MaxExclusive));
        }
    }
}
