namespace Spinel.Storage;

public enum RedisType
{
    String,
    List,
    Set,
    ZSet,
    Hash,
    Stream,
}

/// <summary>Facts about stored values of any type.</summary>
public static class ValueModel
{
    /// <summary>
    /// A cheap, rough size of a value: exact for strings, a per-element guess for the other types (no walk). Only
    /// used to tell when enough memory was freed to be worth handing back to the operating system.
    /// </summary>
    public static long ApproximateBytes(object value) => value switch
    {
        byte[] bytes => bytes.Length,
        StringBuffer buffer => buffer.Data.Length,
        ListValue list => list.Count * 16,
        HashValue hash => hash.Count * 48L,
        SetValue set => set.Count * 32L,
        SortedSetValue zset => zset.Count * 64L,
        _ => 0,
    };
}

/// <summary>
/// Base of every non-string value (hashes, lists, sets, ...). Strings are stored as a bare
/// <c>byte[]</c> (immutable, shared freely) or a <see cref="StringBuffer"/> (grown in place by
/// APPEND and SETRANGE), so the commonest value costs one array and no wrapper object.
/// </summary>
public abstract class DataObject
{
    public abstract RedisType Type { get; }

    /// <summary>The name OBJECT ENCODING reports.</summary>
    public abstract string Encoding { get; }

    /// <summary>A deep copy, for COPY.</summary>
    public abstract DataObject Clone();

    /// <summary>The hash table of a big set or hash, whose member lookups a pipelined batch prefetches; null otherwise.</summary>
    public virtual IPrefetchable? Elements => null;
}

/// <summary>A string that APPEND or SETRANGE grows in place, with spare capacity; Redis calls it "raw".</summary>
public sealed class StringBuffer : DataObject
{
    public byte[] Data;
    public int Length;

    public StringBuffer(ReadOnlySpan<byte> initial, int capacity)
    {
        Data = new byte[Math.Max(capacity, initial.Length)];
        initial.CopyTo(Data);
        Length = initial.Length;
    }

    public override RedisType Type => RedisType.String;

    public override string Encoding => "raw";

    public Span<byte> Span => Data.AsSpan(0, Length);

    /// <summary>Grows to at least <paramref name="length"/> bytes, zero-filling, doubling small strings like Redis's sds does.</summary>
    public void EnsureLength(int length)
    {
        if (length <= Length) return;
        if (length > Data.Length)
        {
            long capacity = length < 1024 * 1024 ? (long)length * 2 : (long)length + 1024 * 1024;
            Array.Resize(ref Data, (int)Math.Min(capacity, Array.MaxLength));
        }
        else Data.AsSpan(Length, length - Length).Clear();
        Length = length;
    }

    public override DataObject Clone() => new StringBuffer(Span, Length);
}

public static class Values
{
    public static RedisType TypeOf(object value) => value switch
    {
        byte[] => RedisType.String,
        DataObject d => d.Type,
        _ => throw new InvalidOperationException("unknown value kind " + value.GetType()),
    };

    public static string TypeName(RedisType type) => type switch
    {
        RedisType.String => "string",
        RedisType.List => "list",
        RedisType.Set => "set",
        RedisType.ZSet => "zset",
        RedisType.Hash => "hash",
        RedisType.Stream => "stream",
        _ => "none",
    };

    /// <summary>The bytes of a string value, or false when the value is of another type.</summary>
    public static bool TryGetString(object? value, out ReadOnlySpan<byte> bytes)
    {
        switch (value)
        {
            case byte[] a:
                bytes = a;
                return true;
            case StringBuffer b:
                bytes = b.Span;
                return true;
            default:
                bytes = default;
                return false;
        }
    }

    /// <summary>A copy that shares nothing mutable with the original.</summary>
    public static object Clone(object value) => value switch
    {
        byte[] a => a,
        DataObject d => d.Clone(),
        _ => value,
    };
}
