using System.Buffers;

namespace Spinel.Scripting.Lua.Libraries;

/// <summary>
/// A growable byte buffer for building string results: starts in caller-provided (usually stack) memory and
/// moves to a pooled array when that fills, so only the final result string is allocated. Dispose returns the pooled array.
/// A ref struct so that string.format and gsub, which mostly build short results, never touch the pool; that also means
/// it cannot live in a class field, which is why the codecs use the heap-held <see cref="CodecByteWriter"/> instead.
/// </summary>
public ref struct LuaByteBuffer
{
    private Span<byte> _span;
    private byte[]? _rented;
    private int _length;

    public LuaByteBuffer(Span<byte> initial)
    {
        _span = initial;
        _rented = null;
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<byte> Written => _span[.._length];

    public void Append(byte b)
    {
        if (_length == _span.Length) Grow(1);
        _span[_length++] = b;
    }

    public void Append(scoped ReadOnlySpan<byte> bytes)
    {
        if (_span.Length - _length < bytes.Length) Grow(bytes.Length);
        bytes.CopyTo(_span[_length..]);
        _length += bytes.Length;
    }

    public void Append(byte b, int count)
    {
        if (count <= 0) return;
        if (_span.Length - _length < count) Grow(count);
        _span.Slice(_length, count).Fill(b);
        _length += count;
    }

    /// <summary>Cuts the content back to <paramref name="length"/> bytes.</summary>
    public void Truncate(int length) => _length = Math.Min(_length, length);

    /// <summary>Reserves <paramref name="count"/> bytes at the end and returns them for the caller to fill.</summary>
    public Span<byte> AppendSpan(int count)
    {
        if (_span.Length - _length < count) Grow(count);
        var slice = _span.Slice(_length, count);
        _length += count;
        return slice;
    }

    private void Grow(int extra)
    {
        long needed = (long)_length + extra;
        if (needed > Array.MaxLength) throw new OutOfMemoryException("string too large");
        int size = (int)Math.Min(Array.MaxLength, Math.Max(needed, Math.Max(256L, _span.Length * 2L)));
        var next = ArrayPool<byte>.Shared.Rent(size);
        _span[.._length].CopyTo(next);
        if (_rented is not null) ArrayPool<byte>.Shared.Return(_rented);
        _rented = next;
        _span = next;
    }

    public void Dispose()
    {
        if (_rented is not null) ArrayPool<byte>.Shared.Return(_rented);
        _rented = null;
        _span = default;
        _length = 0;
    }
}
