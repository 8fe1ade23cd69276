using System.Buffers;
using System.Buffers.Text;

namespace Spinel.Tracking;

/// <summary>
/// The bytes of invalidation messages. A frame is a head chosen by the receiving client (a RESP3 push, or a
/// RESP2 pub/sub message on __redis__:invalidate for a redirect target) followed by a body: the array of keys,
/// or a null for a flush, written in the protocol of the tracking client, as Redis does.
/// </summary>
internal static class InvalidationFrames
{
    public static ReadOnlySpan<byte> PushHead => ">2\r\n$10\r\ninvalidate\r\n"u8;

    public static ReadOnlySpan<byte> MessageHead => "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n"u8;

    public static ReadOnlySpan<byte> NullBody(int protocol) => protocol == 3 ? "_\r\n"u8 : "$-1\r\n"u8;

    /// <summary>The push a RESP3 tracking client gets when its redirect client is gone.</summary>
    public static void WriteRedirectBroken(ArrayBufferWriter<byte> dest, long redirectId)
    {
        dest.Write(">2\r\n$21\r\ntracking-redir-broken\r\n:"u8);
        WriteNumber(dest, redirectId);
    }

    public static void WriteArrayHeader(ArrayBufferWriter<byte> dest, int count)
    {
        dest.Write("*"u8);
        WriteNumber(dest, count);
    }

    public static void WriteBulk(ArrayBufferWriter<byte> dest, ReadOnlySpan<byte> value)
    {
        dest.Write("$"u8);
        WriteNumber(dest, value.Length);
        dest.Write(value);
        dest.Write("\r\n"u8);
    }

    /// <summary>A number and its line end.</summary>
    private static void WriteNumber(ArrayBufferWriter<byte> dest, long value)
    {
        var span = dest.GetSpan(22);
        Utf8Formatter.TryFormat(value, span, out int n);
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        dest.Advance(n);
    }
}
