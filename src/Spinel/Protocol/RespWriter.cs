using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Spinel.Util;

namespace Spinel.Protocol;

/// <summary>
/// Encodes replies into one contiguous, pooled buffer that the connection sends with a single write
/// per pipelined batch. Knows the client's protocol version, so commands describe replies by shape
/// (map, set, double, null) and get RESP2 or RESP3 bytes as appropriate.
/// </summary>
public sealed class RespWriter : IDisposable
{
    private const int InitialSize = 4096;
    private byte[]? _buffer;
    private int _length;

    /// <summary>2 or 3, switched by HELLO.</summary>
    public int Protocol { get; set; } = 2;

    public int Length => _length;

    /// <summary>The buffer's size (0 while none is held, between replies), for CLIENT LIST's rbs.</summary>
    public int Capacity => _buffer?.Length ?? 0;

    private int _peak;

    /// <summary>The most bytes held at once since <see cref="ResetPeak"/> (CLIENT LIST's rbp; the cron resets it, as Redis does every 5 s).</summary>
    public int Peak => Math.Max(_peak, _length);

    /// <summary>Starts a new peak window from what is held now. Called from the cron thread: a lost race only loses one sample.</summary>
    public void ResetPeak() => _peak = _length;

    /// <summary>Counts error replies, so the dispatcher can tell whether a command failed.</summary>
    public long ErrorCount { get; private set; }

    /// <summary>The code of the last error written ("ERR", "WRONGTYPE"), for INFO errorstats.</summary>
    public string LastErrorCode { get; private set; } = "";

    public ReadOnlyMemory<byte> WrittenMemory => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, _length);

    public ReadOnlySpan<byte> WrittenSpan => _buffer is null ? [] : _buffer.AsSpan(0, _length);

    /// <summary>Forgets what was sent; returns the buffer to the pool so idle clients hold none.</summary>
    public void Clear()
    {
        if (_length > _peak) _peak = _length;
        _length = 0;
        if (_buffer is not null)
        {
            ReturnToPool(_buffer);
            _buffer = null;
        }
    }

    /// <summary>Buffers past this size, grown for one huge reply, go to the GC instead: the pool would keep them for good.</summary>
    private const int MaxPooledSize = 1024 * 1024;

    private static void ReturnToPool(byte[] buffer)
    {
        if (buffer.Length <= MaxPooledSize) ArrayPool<byte>.Shared.Return(buffer);
        else DroppedBuffers.Add(buffer);
    }

    /// <summary>Drops everything written after <paramref name="length"/> (used to replace a partial reply).</summary>
    public void Truncate(int length) => _length = Math.Min(_length, length);

    public void Dispose() => Clear();

    public Span<byte> GetSpan(int size)
    {
        if (_buffer is null) _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, InitialSize));
        else if (_buffer.Length - _length < size) Grow(size);
        return _buffer.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    private void Grow(int size)
    {
        long wanted = Math.Max((long)_buffer!.Length * 2, (long)_length + size);
        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(wanted, Array.MaxLength));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ReturnToPool(_buffer);
        _buffer = bigger;
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _length += bytes.Length;
    }

    private void WriteAscii(string s)
    {
        var span = GetSpan(s.Length);
        for (int i = 0; i < s.Length; i++) span[i] = (byte)s[i];
        _length += s.Length;
    }

    private void WriteCrLf()
    {
        var span = GetSpan(2);
        span[0] = (byte)'\r';
        span[1] = (byte)'\n';
        _length += 2;
    }

    private void WritePrefixedNumber(byte prefix, long value)
    {
        var span = GetSpan(24);
        span[0] = prefix;
        Utf8Formatter.TryFormat(value, span[1..], out int n);
        span[n + 1] = (byte)'\r';
        span[n + 2] = (byte)'\n';
        _length += n + 3;
    }

    public void WriteOk() => WriteRaw("+OK\r\n"u8);

    public void WriteSimpleString(string s)
    {
        WriteRaw("+"u8);
        WriteAscii(s);
        WriteCrLf();
    }

    public void WriteSimpleString(ReadOnlySpan<byte> s)
    {
        WriteRaw("+"u8);
        WriteRaw(s);
        WriteCrLf();
    }

    /// <summary>Writes an error reply; the text starts with its code (ERR, WRONGTYPE, ...). Newlines become spaces, as in Redis.</summary>
    public void WriteError(string message)
    {
        ErrorCount++;
        var span = GetSpan(message.Length + 3);
        span[0] = (byte)'-';
        int n = Encoding.Latin1.GetBytes(message, span[1..]);
        LastErrorCode = ErrorCode(message);
        for (int i = 1; i <= n; i++)
        {
            if (span[i] is (byte)'\r' or (byte)'\n') span[i] = (byte)' ';
        }
        span[n + 1] = (byte)'\r';
        span[n + 2] = (byte)'\n';
        _length += n + 3;
    }

    private static string ErrorCode(string message)
    {
        int space = message.IndexOf(' ');
        return space < 0 ? message : message[..space];
    }

    public void WriteInteger(long value)
    {
        switch (value)
        {
            case 0: WriteRaw(":0\r\n"u8); break;
            case 1: WriteRaw(":1\r\n"u8); break;
            default: WritePrefixedNumber((byte)':', value); break;
        }
    }

    public void WriteBulk(ReadOnlySpan<byte> value)
    {
        var span = GetSpan(value.Length + 16);
        span[0] = (byte)'$';
        Utf8Formatter.TryFormat(value.Length, span[1..], out int n);
        int p = n + 1;
        span[p++] = (byte)'\r';
        span[p++] = (byte)'\n';
        value.CopyTo(span[p..]);
        p += value.Length;
        span[p++] = (byte)'\r';
        span[p++] = (byte)'\n';
        _length += p;
    }

    /// <summary>A bulk string of ASCII text (status words, INFO pages, numbers shown as strings).</summary>
    public void WriteBulk(string value)
    {
        int byteCount = Encoding.UTF8.GetByteCount(value);
        WritePrefixedNumber((byte)'$', byteCount);
        Encoding.UTF8.GetBytes(value, GetSpan(byteCount));
        _length += byteCount;
        WriteCrLf();
    }

    public void WriteBulkInteger(long value)
    {
        Span<byte> tmp = stackalloc byte[24];
        Utf8Formatter.TryFormat(value, tmp, out int n);
        WriteBulk(tmp[..n]);
    }

    /// <summary>A missing value: <c>$-1</c> in RESP2, <c>_</c> in RESP3.</summary>
    public void WriteNull()
    {
        if (Protocol == 3) WriteRaw("_\r\n"u8);
        else WriteRaw("$-1\r\n"u8);
    }

    /// <summary>A missing aggregate: <c>*-1</c> in RESP2, <c>_</c> in RESP3.</summary>
    public void WriteNullArray()
    {
        if (Protocol == 3) WriteRaw("_\r\n"u8);
        else WriteRaw("*-1\r\n"u8);
    }

    public void WriteArrayHeader(long count) => WritePrefixedNumber((byte)'*', count);

    /// <summary>A map of <paramref name="pairs"/> entries; a flat array of 2×pairs in RESP2.</summary>
    public void WriteMapHeader(int pairs)
    {
        if (Protocol == 3) WritePrefixedNumber((byte)'%', pairs);
        else WritePrefixedNumber((byte)'*', pairs * 2L);
    }

    public void WriteSetHeader(int count) => WritePrefixedNumber(Protocol == 3 ? (byte)'~' : (byte)'*', count);

    public void WritePushHeader(int count) => WritePrefixedNumber(Protocol == 3 ? (byte)'>' : (byte)'*', count);

    /// <summary>A double: <c>,1.5</c> in RESP3, a bulk string in RESP2; formatted as Redis formats doubles.</summary>
    public void WriteDouble(double value)
    {
        Span<byte> tmp = stackalloc byte[64];
        int n = RedisNumbers.FormatDouble(value, tmp);
        if (Protocol == 3)
        {
            WriteRaw(","u8);
            WriteRaw(tmp[..n]);
            WriteCrLf();
        }
        else WriteBulk(tmp[..n]);
    }

    public void WriteBoolean(bool value)
    {
        if (Protocol == 3) WriteRaw(value ? "#t\r\n"u8 : "#f\r\n"u8);
        else WriteRaw(value ? ":1\r\n"u8 : ":0\r\n"u8);
    }

    /// <summary>Verbatim text (<c>=len\r\ntxt:...</c>) in RESP3, a plain bulk string in RESP2.</summary>
    public void WriteVerbatim(string text)
    {
        if (Protocol != 3)
        {
            WriteBulk(text);
            return;
        }
        int byteCount = Encoding.UTF8.GetByteCount(text);
        WritePrefixedNumber((byte)'=', byteCount + 4);
        WriteRaw("txt:"u8);
        Encoding.UTF8.GetBytes(text, GetSpan(byteCount));
        _length += byteCount;
        WriteCrLf();
    }

    /// <summary>Emits an array of bulk strings from ASCII words (help texts, name lists).</summary>
    public void WriteBulkArray(IReadOnlyList<string> items)
    {
        WriteArrayHeader(items.Count);
        for (int i = 0; i < items.Count; i++) WriteBulk(items[i]);
    }

    /// <summary>Emits help lines the way Redis's HELP subcommands do: an array of status strings.</summary>
    public void WriteHelp(IReadOnlyList<string> lines)
    {
        WriteArrayHeader(lines.Count);
        for (int i = 0; i < lines.Count; i++) WriteSimpleString(lines[i]);
    }
}
