namespace Spinel.Protocol;

public enum ParseStatus
{
    /// <summary>A whole command was parsed (it may have zero arguments: an empty line or <c>*0</c>).</summary>
    Complete,
    /// <summary>More bytes are needed; <see cref="RequestParser.BytesNeeded"/> hints how many.</summary>
    Incomplete,
    /// <summary>The input is malformed; <see cref="RequestParser.Error"/> holds the reply text.</summary>
    Error,
}

/// <summary>
/// Parses client requests (RESP multibulk or inline) from a byte buffer into an <see cref="ArgumentList"/>.
/// Multibulk parsing is resumable: a command that arrives in pieces is not re-scanned from its start,
/// so a command with many arguments or one huge argument costs linear time.
/// Limits and error texts follow Redis 7.0.
/// <para>
/// A bulk of <see cref="BigArgumentMin"/> bytes or more that has not fully arrived is received into an array of its
/// own (as Redis does past 32 KB), grown as its bytes arrive (see <see cref="GrowBigArgument"/>), so that the input buffer never has to grow to hold it and a string command can keep
/// that very array as the value (<see cref="ArgumentList.ToValueArray"/>): one copy of a 512 MB value, not three.
/// The caller then receives into <see cref="BigArgumentSpace"/> until the array is full.
/// </para>
/// </summary>
public sealed class RequestParser
{
    public const int InlineMaxSize = 64 * 1024;

    private bool _inMultibulk;
    private int _remaining;
    private long _bulkLength = -1;
    private int _pos;
    private byte[]? _big; // the big argument being received, while the command is in progress
    private int _bigFilled;
    private int _bigLength; // its declared length: _big grows to it as bytes arrive

    /// <summary>The smallest bulk that is received into an array of its own (<see cref="BigArgumentsAllowed"/>).</summary>
    public int BigArgumentMin { get; set; } = 32 * 1024;

    /// <summary>
    /// Set by the caller when it can drop a big argument's bytes from its buffer: it will never parse this command
    /// again from the buffer (the command is the first of its batch, see ClientConnection).
    /// </summary>
    public bool BigArgumentsAllowed { get; set; }

    /// <summary>True while a big argument's array is not yet full: the caller receives into <see cref="BigArgumentSpace"/>.</summary>
    public bool ReceivingBigArgument => _big is not null && _bigFilled < _bigLength;

    /// <summary>Where the big argument began in the buffer. Every byte from there on was moved into its array, so the caller's buffer ends there.</summary>
    public int BigArgumentAt => _pos;

    /// <summary>The part of the big argument's array still to be received.</summary>
    public Memory<byte> BigArgumentSpace
    {
        get
        {
            if (_bigFilled == _big!.Length) GrowBigArgument();
            return _big.AsMemory(_bigFilled);
        }
    }

    /// <summary>True when parsing stopped before a big bulk only because <see cref="BigArgumentsAllowed"/> was false.</summary>
    public bool AwaitsBigArgument => _inMultibulk && _big is null && _bulkLength >= BigArgumentMin;

    /// <summary>The big argument's array and how much of it has arrived (0 and 0 when there is none), for CLIENT LIST's qbuf.</summary>
    public (int Received, int Size) BigArgumentProgress => _big is null ? (0, 0) : (_bigFilled, _big.Length);

    /// <summary>
    /// The array grows with what has arrived, not to the declared length at once: a client that declares 500 MB and
    /// sends nothing (or a thousand such clients) must not reserve it. It grows fourfold, and to the exact declared
    /// length once that is at most twice the next step, so the value still ends in an array of its own size, the
    /// copies add up to less than the value, and the last growth holds under 1.5 times it.
    /// </summary>
    private void GrowBigArgument()
    {
        long next = Math.Max(BigArgumentMin, (long)_big!.Length * 4);
        if (next * 2 >= _bigLength) next = _bigLength;
        var bigger = GC.AllocateUninitializedArray<byte>((int)next);
        _big.AsSpan(0, _bigFilled).CopyTo(bigger);
        _big = bigger;
    }

    /// <summary><paramref name="count"/> bytes were received into <see cref="BigArgumentSpace"/>.</summary>
    public void BigArgumentReceived(int count) => _bigFilled += count;

    public long MaxBulkLength { get; set; } = 512L * 1024 * 1024;

    /// <summary>Before AUTH, Redis accepts only small requests (10 arguments, 16 KB each).</summary>
    public bool Unauthenticated { get; set; }

    public string? Error { get; private set; }

    /// <summary>After Incomplete: total bytes from the command's start that are known to be needed.</summary>
    public long BytesNeeded { get; private set; }

    /// <summary>True while a multibulk command has been partly parsed.</summary>
    public bool InProgress => _inMultibulk;

    /// <summary>Parses one command from <c>buffer[start..end)</c>; on Complete, <paramref name="consumed"/> bytes were used.</summary>
    public ParseStatus Parse(byte[] buffer, int start, int end, ArgumentList args, out int consumed)
    {
        consumed = 0;
        if (!_inMultibulk)
        {
            if (start >= end)
            {
                BytesNeeded = 1;
                return ParseStatus.Incomplete;
            }
            if (buffer[start] != (byte)'*') return ParseInline(buffer, start, end, args, out consumed);

            int cr = IndexOfCr(buffer, start, end);
            if (cr < 0 || cr + 1 >= end)
            {
                if (cr < 0 && end - start > InlineMaxSize) return Fail("Protocol error: too big mbulk count string");
                BytesNeeded = end - start + 1;
                return ParseStatus.Incomplete;
            }
            if (!TryParseLength(buffer.AsSpan(start + 1, cr - start - 1), out long count) || count > int.MaxValue)
                return Fail("Protocol error: invalid multibulk length");
            if (count > 10 && Unauthenticated) return Fail("Protocol error: unauthenticated multibulk length");
            args.Reset(buffer);
            if (count <= 0)
            {
                consumed = cr + 2 - start;
                return ParseStatus.Complete;
            }
            _inMultibulk = true;
            _remaining = (int)count;
            _bulkLength = -1;
            _pos = cr + 2;
        }

        while (_remaining > 0)
        {
            if (_big is not null)
            {
                // The array is full once the caller has received into it; the bulk's CRLF then arrives in the buffer.
                if (_bigFilled < _bigLength || _pos + 2 > end) return NeedMore(start, _pos + 2);
                args.AddOwned(_big);
                _big = null;
                _pos += 2;
                _remaining--;
                continue;
            }
            if (_bulkLength < 0)
            {
                if (_pos >= end) return NeedMore(start, _pos + 1);
                if (buffer[_pos] != (byte)'$')
                    return Fail($"Protocol error: expected '$', got '{Printable(buffer[_pos])}'");
                int cr = IndexOfCr(buffer, _pos, end);
                if (cr < 0 || cr + 1 >= end)
                {
                    if (cr < 0 && end - _pos > InlineMaxSize) return Fail("Protocol error: too big bulk count string");
                    return NeedMore(start, end + 1);
                }
                if (!TryParseLength(buffer.AsSpan(_pos + 1, cr - _pos - 1), out long length) || length < 0 || length > MaxBulkLength)
                    return Fail("Protocol error: invalid bulk length");
                if (length > 16384 && Unauthenticated) return Fail("Protocol error: unauthenticated bulk length");
                _bulkLength = length;
                _pos = cr + 2;
            }
            long dataEnd = _pos + _bulkLength + 2;
            if (dataEnd > end)
            {
                if (_bulkLength >= BigArgumentMin && BigArgumentsAllowed && end - _pos < _bulkLength) StartBigArgument(buffer, end);
                return NeedMore(start, dataEnd);
            }
            args.Add(_pos, (int)_bulkLength);
            _pos = (int)dataEnd;
            _bulkLength = -1;
            _remaining--;
        }

        _inMultibulk = false;
        consumed = _pos - start;
        return ParseStatus.Complete;
    }

    /// <summary>Moves what has arrived of the bulk at <c>_pos</c> into an array of its exact size (see <see cref="BigArgumentAt"/>).</summary>
    private void StartBigArgument(byte[] buffer, int end)
    {
        // Not zeroed: every byte is received into before the argument is used.
        _bigLength = (int)_bulkLength;
        _bigFilled = end - _pos;
        long size = Math.Max(BigArgumentMin, (long)_bigFilled * 4);
        _big = GC.AllocateUninitializedArray<byte>((int)(size * 2 >= _bigLength ? _bigLength : size));
        buffer.AsSpan(_pos, _bigFilled).CopyTo(_big);
        _bulkLength = -1;
    }

    /// <summary>The caller moved the unparsed bytes <paramref name="shift"/> positions towards the buffer's start.</summary>
    public void Rebase(byte[] buffer, int shift, ArgumentList args)
    {
        if (!_inMultibulk) return;
        _pos -= shift;
        args.Rebase(buffer, shift);
    }

    public void Reset()
    {
        _inMultibulk = false;
        _remaining = 0;
        _bulkLength = -1;
        _big = null;
        Error = null;
    }

    private ParseStatus NeedMore(int start, long absoluteEnd)
    {
        BytesNeeded = absoluteEnd - start;
        return ParseStatus.Incomplete;
    }

    private ParseStatus Fail(string message)
    {
        Error = message;
        _inMultibulk = false;
        _big = null;
        return ParseStatus.Error;
    }

    private static int IndexOfCr(byte[] buffer, int from, int end)
    {
        int i = buffer.AsSpan(from, end - from).IndexOf((byte)'\r');
        return i < 0 ? -1 : from + i;
    }

    private static char Printable(byte b) => b is (byte)'\r' or (byte)'\n' ? ' ' : (char)b;

    /// <summary>Lengths in headers follow Redis's strict integer syntax (no '+', no leading zeros, optional '-').</summary>
    private static bool TryParseLength(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 20) return false;
        bool negative = s[0] == (byte)'-';
        int i = negative ? 1 : 0;
        if (i == s.Length) return false;
        if (s[i] == (byte)'0' && s.Length > i + 1) return false;
        ulong acc = 0;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9) return false;
            if (acc > (ulong.MaxValue - d) / 10) return false;
            acc = acc * 10 + d;
        }
        if (negative)
        {
            if (acc > (ulong)long.MaxValue + 1) return false;
            value = acc == 0 ? 0 : (long)(0 - acc);
            return acc != 0 || s.Length == 1;
        }
        if (acc > long.MaxValue) return false;
        value = (long)acc;
        return true;
    }

    private ParseStatus ParseInline(byte[] buffer, int start, int end, ArgumentList args, out int consumed)
    {
        consumed = 0;
        int nl = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
        if (nl < 0)
        {
            if (end - start > InlineMaxSize) return Fail("Protocol error: too big inline request");
            BytesNeeded = end - start + 1;
            return ParseStatus.Incomplete;
        }
        int lineEnd = start + nl;
        if (lineEnd > start && buffer[lineEnd - 1] == (byte)'\r') lineEnd--;
        var scratch = args.Scratch(lineEnd - start);
        args.Reset(scratch);
        if (!InlineSplitter.Split(buffer.AsSpan(start, lineEnd - start), scratch, args))
            return Fail("Protocol error: unbalanced quotes in request");
        consumed = nl + 1;
        return ParseStatus.Complete;
    }
}
