namespace Spinel.Protocol;

/// <summary>
/// The arguments of one parsed command, as slices of a buffer the list does not own.
/// Reused across commands on a connection, so parsing allocates nothing once warmed up.
/// </summary>
public sealed class ArgumentList
{
    private int[] _offsets = new int[16];
    private int[] _lengths = new int[16];
    private byte[] _scratch = [];

    public byte[] Buffer { get; private set; } = [];
    public int Count { get; private set; }

    public ReadOnlySpan<byte> this[int index] => Buffer.AsSpan(_offsets[index], _lengths[index]);

    /// <summary>The argument as a new array, for values that outlive the request.</summary>
    public byte[] ToArray(int index) => this[index].ToArray();

    internal void Reset(byte[] buffer)
    {
        Buffer = buffer;
        Count = 0;
    }

    internal void Add(int offset, int length)
    {
        if (Count == _offsets.Length)
        {
            Array.Resize(ref _offsets, Count * 2);
            Array.Resize(ref _lengths, Count * 2);
        }
        _offsets[Count] = offset;
        _lengths[Count] = length;
        Count++;
    }

    /// <summary>Moves every offset down by <paramref name="shift"/> after the buffer was compacted.</summary>
    internal void Rebase(byte[] buffer, int shift)
    {
        Buffer = buffer;
        for (int i = 0; i < Count; i++) _offsets[i] -= shift;
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
        if (_offsets.Length > 1024)
        {
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
        int total = 0;
        for (int i = 0; i < Count; i++) total += _lengths[i];
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

    /// <summary>The arguments' bytes, for CLIENT LIST's argv-mem (of a command still arriving).</summary>
    internal long ByteCount
    {
        get
        {
            long total = 0;
            for (int i = 0; i < Count; i++) total += _lengths[i];
            return total;
        }
    }

    /// <summary>Test and tooling helper: the arguments as arrays.</summary>
    public byte[][] ToArrays()
    {
        var result = new byte[Count][];
        for (int i = 0; i < Count; i++) result[i] = ToArray(i);
        return result;
    }
}
