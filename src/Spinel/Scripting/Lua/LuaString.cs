using System.Text;

namespace Spinel.Scripting.Lua;

/// <summary>An immutable Lua string: raw bytes, compared bytewise, with its hash computed once.</summary>
public sealed class LuaString : IEquatable<LuaString>, IComparable<LuaString>
{
    public static readonly LuaString Empty = new([]);

    private readonly byte[] _bytes;
    private int _hash;
    private uint _luaHash; // 0: not computed yet (or 0 itself, then computed each time)

    private LuaString(byte[] bytes) => _bytes = bytes;

    /// <summary>Wraps <paramref name="bytes"/> without copying; the caller must not change them afterwards.</summary>
    public static LuaString Own(byte[] bytes) => bytes.Length == 0 ? Empty : new LuaString(bytes);

    public static LuaString From(ReadOnlySpan<byte> bytes) => bytes.Length == 0 ? Empty : new LuaString(bytes.ToArray());

    public static LuaString FromAscii(string s)
    {
        var b = new byte[s.Length];
        for (var i = 0; i < s.Length; i++)
            b[i] = (byte)s[i];
        return Own(b);
    }

    public ReadOnlySpan<byte> Span => _bytes;
    public int Length => _bytes.Length;
    public byte this[int index] => _bytes[index];

    /// <summary>The backing array; callers must not modify it.</summary>
    internal byte[] Bytes => _bytes;

    public bool Equals(LuaString? other)
    {
        if (ReferenceEquals(this, other))
            return true;
        if (other is null || other._bytes.Length != _bytes.Length)
            return false;
        if (_hash != 0 && other._hash != 0 && _hash != other._hash)
            return false;
        return _bytes.AsSpan().SequenceEqual(other._bytes);
    }

    public override bool Equals(object? obj) => obj is LuaString s && Equals(s);

    /// <summary>5.1's string hash (<c>luaS_newlstr</c>): seeded with the length, over at most 32 bytes sampled from the end.</summary>
    internal uint LuaHash
    {
        get
        {
            var h = _luaHash;
            if (h != 0)
                return h;
            var l = _bytes.Length;
            h = (uint)l;
            var step = (l >> 5) + 1;
            for (var l1 = l; l1 >= step; l1 -= step)
                h ^= (h << 5) + (h >> 2) + _bytes[l1 - 1];
            _luaHash = h;
            return h;
        }
    }

    public override int GetHashCode()
    {
        var h = _hash;
        if (h == 0)
        {
            h = (int)System.IO.Hashing.XxHash3.HashToUInt64(_bytes);
            if (h == 0)
                h = 1;
            _hash = h;
        }
        return h;
    }

    /// <summary>Byte order, as <c>strcoll</c> compares in the C locale.</summary>
    public int CompareTo(LuaString? other) => other is null ? 1 : _bytes.AsSpan().SequenceCompareTo(other._bytes);

    public bool EqualsAscii(string s)
    {
        if (s.Length != _bytes.Length)
            return false;
        for (var i = 0; i < s.Length; i++)
        {
            if (_bytes[i] != s[i])
                return false;
        }
        return true;
    }

    /// <summary>For messages and debugging only: valid UTF-8 decodes as such, anything else as Latin-1.</summary>
    public override string ToString()
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(_bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(_bytes);
        }
    }

    /// <summary>Each byte as one char: lossless, for building messages that go back into Lua strings.</summary>
    internal string ToLatin1() => Encoding.Latin1.GetString(_bytes);

    internal static LuaString Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var r = new byte[a.Length + b.Length];
        a.CopyTo(r);
        b.CopyTo(r.AsSpan(a.Length));
        return Own(r);
    }
}
