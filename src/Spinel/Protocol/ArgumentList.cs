using Spinel.Util;

namespace Spinel.Protocol;

/// <summary>
/// The arguments of one parsed command, as slices of a buffer the list does not own.
/// Reused across commands on a connection, so parsing allocates nothing once warmed up.
/// A big argument that arrived in pieces is received into an array of its own instead (see
/// <see cref="RequestParser.BigArgumentMin"/>): its offset is then negative, <c>~index</c> into <c>_owned</c>.
/// </summary>
public sealed class ArgumentList
{
    private int[] _offsets = new int[16];
    private int[] _lengths = new int[16];
    private byte[] _scratch = [];
    private byte[]?[] _owned = [];
    private int _ownedCount;

    public byte[] Buffer { get; private set; } = [];
    public int Count { get; private set; }

    /// <summary>The arguments' bytes, kept as they are added: CLIENT LIST's argv-mem of a command still arriving is read after every read of it.</summary>
    public long ByteCount { get; private set; }

    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            int offset = _offsets[index];
            return offset >= 0 ? Buffer.AsSpan(offset, _lengths[index]) : _owned[~offset];
        }
    }

    /// <summary>True when some argument is an array of its own rather than a slice of <see cref="Buffer"/>.</summary>
    public bool HasOwnedArguments => _ownedCount > 0;

    /// <summary>The argument as a new array, for values that outlive the request.</summary>
    public byte[] ToArray(int index) => this[index].ToArray();

    /// <summary>
    /// The argument as an array the caller may keep as a value. A big argument received into an array of its own is
    /// handed over as it is, without a copy: nothing writes to it after it was received, and the list lets go of it
    /// when its command is done. Any other argument is copied.
    /// </summary>
    public byte[] ToValueArray(int index)
    {
        int offset = _offsets[index];
        return offset >= 0 ? Buffer.AsSpan(offset, _lengths[index]).ToArray() : _owned[~offset]!;
    }

    internal void Reset(byte[] buffer)
    {
        Buffer = buffer;
        Count = 0;
        ByteCount = 0;
        ReleaseOwned();
    }

    /// <summary>Drops the references to big arguments' arrays, so a value deleted later is not kept alive by the last request.</summary>
    internal void ReleaseOwned()
    {
        if (_ownedCount == 0) return;
        Array.Clear(_owned, 0, _ownedCount);
        _ownedCount = 0;
        Count = 0;
        ByteCount = 0;
    }

    /// <summary>Appends an argument that is the whole of <paramref name="array"/>, not a slice of the buffer.</summary>
    internal void AddOwned(byte[] array)
    {
        if (_ownedCount == _owned.Length) Array.Resize(ref _owned, Math.Max(4, _ownedCount * 2));
        _owned[_ownedCount] = array;
        Add(~_ownedCount, array.Length);
        _ownedCount++;
    }

    internal void Add(int offset, int length)
    {
        if (Count == _offsets.Length)
        {
            DroppedBuffers.Add(_offsets);
            DroppedBuffers.Add(_lengths);
            Array.Resize(ref _offsets, Count * 2);
            Array.Resize(ref _lengths, Count * 2);
        }
        _offsets[Count] = offset;
        _lengths[Count] = length;
        Count++;
        ByteCount += length;
    }

    /// <summary>Moves every offset down by <paramref name="shift"/> after the buffer was compacted.</summary>
    internal void Rebase(byte[] buffer, int shift)
    {
        Buffer = buffer;
        for (int i = 0; i < Count; i++)
        {
            if (_offsets[i] >= 0) _offsets[i] -= shift;
        }
    }

    /// <summary>Space owned by this list for arguments that are not slices of the input (unescaped inline commands).</summary>
    internal byte[] Scratch(int size)
    {
        if (_scratch.Length < size) _scratch = new byte[Math.Max(size, 256)];
        return _scratch;
    }

    /// <summary>Drops oversized arrays after an unusually long command.</summary>
    internal void Trim()
    {
        if (_scratch.Length > 4096) _scratch = [];
        if (_owned.Length > 64) _owned = [];
        if (_offsets.Length > 1024)
        {
            DroppedBuffers.Add(_offsets);
            DroppedBuffers.Add(_lengths);
            _offsets = new int[16];
            _lengths = new int[16];
        }
    }

    /// <summary>A copy that owns its bytes, for a command that outlives its input buffer (a blocked client's).</summary>
    public ArgumentList CopyOwned()
    {
        var copy = new ArgumentList();
        CopyOwnedInto(copy);
        return copy;
    }

    /// <summary>Makes <paramref name="target"/> an owning copy of this list, reusing its buffer when big enough; returns the arguments' bytes.</summary>
    internal int CopyOwnedInto(ArgumentList target)
    {
        int total = (int)ByteCount;
        target.Reset(target.Buffer.Length >= total ? target.Buffer : new byte[total]);
        int at = 0;
        for (int i = 0; i < Count; i++)
        {
            this[i].CopyTo(target.Buffer.AsSpan(at));
            target.Add(at, _lengths[i]);
            at += _lengths[i];
        }
        return total;
    }

    /// <summary>The bytes of <see cref="WriteMultibulk"/>: the command as a client sends it.</summary>
    internal long MultibulkLength()
    {
        long total = HeaderLength(Count);
        for (int i = 0; i < Count; i++) total += HeaderLength(_lengths[i]) + _lengths[i] + 2;
        return total;
    }

    /// <summary>Writes the command back in RESP multibulk form (for a command whose input must be parsed again).</summary>
    internal int WriteMultibulk(Span<byte> target)
    {
        int at = WriteHeader(target, '*', Count);
        for (int i = 0; i < Count; i++)
        {
            at += WriteHeader(target[at..], '$', _lengths[i]);
            this[i].CopyTo(target[at..]);
            at += _lengths[i];
            target[at++] = (byte)'\r';
            target[at++] = (byte)'\n';
        }
        return at;
    }

    private static int HeaderLength(int number) => 1 + RedisNumbers.DigitCount(number) + 2;

    private static int WriteHeader(Span<byte> target, char kind, int number)
    {
        target[0] = (byte)kind;
        System.Buffers.Text.Utf8Formatter.TryFormat(number, target[1..], out int digits);
        target[1 + digits] = (byte)'\r';
        target[2 + digits] = (byte)'\n';
        return digits + 3;
    }

    /// <summary>Test and tooling helper: the arguments as arrays.</summary>
    public byte[][] ToArrays()
    {
        var result = new byte[Count][];
        for (int i = 0; i < Count; i++) result[i] = ToArray(i);
        return result;
    }
}
