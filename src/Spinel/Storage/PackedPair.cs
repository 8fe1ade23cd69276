namespace Spinel.Storage;

/// <summary>
/// Byte strings packed behind a length prefix (7 bits a byte, low first; 1 byte up to 127, 5 at most),
/// the building block of the compact encodings: a listpack is a run of them, and a
/// <see cref="PackedPair"/> is a prefixed field followed by its value.
/// </summary>
public static class PackedBytes
{
    /// <summary>Bytes the prefix of a <paramref name="length"/>-byte string takes.</summary>
    public static int PrefixSize(int length)
    {
        int size = 1;
        while ((uint)length >= 0x80)
        {
            length = (int)((uint)length >> 7);
            size++;
        }
        return size;
    }

    /// <summary>Writes the prefix of a <paramref name="length"/>-byte string; returns its size.</summary>
    public static int WritePrefix(Span<byte> to, int length)
    {
        int i = 0;
        uint v = (uint)length;
        while (v >= 0x80)
        {
            to[i++] = (byte)(v | 0x80);
            v >>= 7;
        }
        to[i++] = (byte)v;
        return i;
    }

    /// <summary>Reads the prefix at <paramref name="offset"/>: the string's length, and advances past the prefix.</summary>
    public static int ReadPrefix(ReadOnlySpan<byte> from, ref int offset)
    {
        uint b = from[offset++];
        if (b < 0x80) return (int)b;
        uint length = b & 0x7F;
        int shift = 7;
        do
        {
            b = from[offset++];
            length |= (b & 0x7F) << shift;
            shift += 7;
        }
        while (b >= 0x80);
        return (int)length;
    }

    /// <summary>Writes a prefixed string at <paramref name="offset"/>; returns the offset past it.</summary>
    public static int Write(Span<byte> to, int offset, ReadOnlySpan<byte> value)
    {
        offset += WritePrefix(to[offset..], value.Length);
        value.CopyTo(to[offset..]);
        return offset + value.Length;
    }
}

/// <summary>
/// A hash field and its value in one array: the prefixed field, then the value's bytes. One array per
/// field instead of two saves an object header and a reference per field of a big hash.
/// </summary>
public readonly struct PackedPair : IStoredKey
{
    public static byte[] Create(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        var pair = new byte[PackedBytes.PrefixSize(field.Length) + field.Length + value.Length];
        int offset = PackedBytes.Write(pair, 0, field);
        value.CopyTo(pair.AsSpan(offset));
        return pair;
    }

    /// <summary>The field: the key a hashtable looks up.</summary>
    public static ReadOnlySpan<byte> KeyOf(byte[] stored)
    {
        int offset = 0;
        int length = PackedBytes.ReadPrefix(stored, ref offset);
        return stored.AsSpan(offset, length);
    }

    public static ReadOnlySpan<byte> ValueOf(byte[] pair) => pair.AsSpan(ValueOffset(pair));

    /// <summary>Where the value starts.</summary>
    public static int ValueOffset(byte[] pair)
    {
        int offset = 0;
        int length = PackedBytes.ReadPrefix(pair, ref offset);
        return offset + length;
    }
}
