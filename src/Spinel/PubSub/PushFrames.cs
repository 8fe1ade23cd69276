using System.Buffers.Text;

namespace Spinel.PubSub;

/// <summary>
/// Encodes the frames a subscriber receives (message, pmessage, smessage, and the keyspace events built on
/// them): an array in RESP2, a push ('>') in RESP3. Written straight into the target buffer, so a delivery
/// costs one copy of the message.
/// </summary>
internal static class PushFrames
{
    public static int Size(ReadOnlySpan<byte> kind, ReadOnlySpan<byte> pattern, bool hasPattern, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
    {
        int size = 4 + BulkSize(kind.Length) + BulkSize(channel.Length) + BulkSize(message.Length);
        if (hasPattern) size += BulkSize(pattern.Length);
        return size;
    }

    private static int BulkSize(int length) => length + 5 + Digits(length);

    private static int Digits(int n)
    {
        int digits = 1;
        while (n >= 10)
        {
            n /= 10;
            digits++;
        }
        return digits;
    }

    /// <summary>Writes the frame into <paramref name="dest"/> (at least <see cref="Size"/> bytes); returns its length.</summary>
    public static int Write(Span<byte> dest, int protocol, ReadOnlySpan<byte> kind, ReadOnlySpan<byte> pattern, bool hasPattern, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
    {
        dest[0] = protocol == 3 ? (byte)'>' : (byte)'*';
        dest[1] = hasPattern ? (byte)'4' : (byte)'3';
        dest[2] = (byte)'\r';
        dest[3] = (byte)'\n';
        int p = 4;
        p += WriteBulk(dest[p..], kind);
        if (hasPattern) p += WriteBulk(dest[p..], pattern);
        p += WriteBulk(dest[p..], channel);
        p += WriteBulk(dest[p..], message);
        return p;
    }

    private static int WriteBulk(Span<byte> dest, ReadOnlySpan<byte> value)
    {
        dest[0] = (byte)'$';
        Utf8Formatter.TryFormat(value.Length, dest[1..], out int n);
        int p = n + 1;
        dest[p++] = (byte)'\r';
        dest[p++] = (byte)'\n';
        value.CopyTo(dest[p..]);
        p += value.Length;
        dest[p++] = (byte)'\r';
        dest[p++] = (byte)'\n';
        return p;
    }
}
