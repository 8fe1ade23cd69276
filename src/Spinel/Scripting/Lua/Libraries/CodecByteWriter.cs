using System.Buffers;

namespace Spinel.Scripting.Lua.Libraries;

/// <summary>
/// A growing output buffer rented from the shared pool, for the codec libraries (cjson, cmsgpack, struct):
/// encoders append bytes here and copy the result into one Lua string at the end. A class, not the stack-first
/// <see cref="LuaByteBuffer"/> ref struct, because the cjson encoder and decoder keep their buffer in a field for the
/// whole walk of a nested value.
/// </summary>
internal sealed class CodecByteWriter : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public CodecByteWriter(int capacity = 256) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Write(byte b)
    {
        if (_length == _buffer.Length) Grow(1);
        _buffer[_length++] = b;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (_buffer.Length - _length < bytes.Length) Grow(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Room for <paramref name="size"/> bytes at the end; commit what was used with <see cref="Advance"/>.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - _length < size) Grow(size);
        return _buffer.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public void Clear() => _length = 0;

    private void Grow(int needed)
    {
        long wanted = Math.Max((long)_buffer.Length * 2, (long)_length + needed);
        if (wanted > Array.MaxLength) wanted = Math.Max(Array.MaxLength, _length + needed);
        var bigger = ArrayPool<byte>.Shared.Rent((int)wanted);
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        if (_buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _length = 0;
    }
}
