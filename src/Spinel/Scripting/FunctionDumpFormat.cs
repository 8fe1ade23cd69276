using System.Buffers.Binary;
using Spinel.Util;

namespace Spinel.Scripting;

/// <summary>
/// The FUNCTION DUMP payload as Redis 7.0 writes it, so dumps move between Spinel and Redis: for each library,
/// the RDB function opcode (245) and the library's code as an RDB string; then the RDB version (10) as two
/// little-endian bytes and a CRC-64 of everything before it, little-endian.
/// </summary>
public static class FunctionDumpFormat
{
    private const byte FunctionOpcode = 245;
    private const ushort RdbVersion = 10;

    public static byte[] Write(IEnumerable<byte[]> libraryCodes)
    {
        var output = new List<byte>();
        foreach (var code in libraryCodes)
        {
            output.Add(FunctionOpcode);
            WriteLength(output, code.Length);
            output.AddRange(code);
        }
        output.Add((byte)(RdbVersion & 0xff));
        output.Add((byte)(RdbVersion >> 8));
        var body = output.ToArray();
        var result = new byte[body.Length + 8];
        body.CopyTo(result, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(body.Length), Crc64.Compute(body));
        return result;
    }

    /// <summary>RDB length encoding: 6 bits, 14 bits, or a 32/64-bit big-endian length.</summary>
    private static void WriteLength(List<byte> output, long length)
    {
        if (length < 1 << 6) output.Add((byte)length);
        else if (length < 1 << 14)
        {
            output.Add((byte)(0x40 | (length >> 8)));
            output.Add((byte)length);
        }
        else if (length <= uint.MaxValue)
        {
            output.Add(0x80);
            Span<byte> be = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(be, (uint)length);
            output.AddRange(be.ToArray());
        }
        else
        {
            output.Add(0x81);
            Span<byte> be = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(be, (ulong)length);
            output.AddRange(be.ToArray());
        }
    }

    /// <summary>
    /// Reads a payload back into library codes; null (with Redis's error) when the footer or the content is wrong.
    /// Accepts any RDB version up to 10, and LZF-compressed or integer-encoded strings as Redis may write them.
    /// </summary>
    public static List<byte[]>? TryRead(ReadOnlySpan<byte> payload, out string? error)
    {
        error = "ERR DUMP payload version or checksum are wrong";
        if (payload.Length < 10) return null;
        var footer = payload[^10..];
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(footer);
        if (version > RdbVersion) return null;
        ulong crc = BinaryPrimitives.ReadUInt64LittleEndian(footer[2..]);
        if (crc != Crc64.Compute(payload[..^8])) return null;
        var body = payload[..^10];
        var libraries = new List<byte[]>();
        int at = 0;
        while (at < body.Length)
        {
            if (body[at++] != FunctionOpcode)
            {
                error = "ERR given type is not a function";
                return null;
            }
            var code = ReadString(body, ref at);
            if (code is null)
            {
                error = "ERR failed loading the given functions payload";
                return null;
            }
            libraries.Add(code);
        }
        error = null;
        return libraries;
    }

    private static byte[]? ReadString(ReadOnlySpan<byte> data, ref int at)
    {
        if (at >= data.Length) return null;
        byte first = data[at];
        int kind = first >> 6;
        if (kind == 3)
        {
            at++;
            return (first & 0x3f) switch
            {
                0 => ReadInteger(data, ref at, 1),
                1 => ReadInteger(data, ref at, 2),
                2 => ReadInteger(data, ref at, 4),
                3 => ReadCompressed(data, ref at),
                _ => null,
            };
        }
        long length = ReadLength(data, ref at);
        if (length < 0 || length > data.Length - at) return null;
        var result = data.Slice(at, (int)length).ToArray();
        at += (int)length;
        return result;
    }

    private static long ReadLength(ReadOnlySpan<byte> data, ref int at)
    {
        if (at >= data.Length) return -1;
        byte first = data[at++];
        switch (first >> 6)
        {
            case 0:
                return first & 0x3f;
            case 1:
                if (at >= data.Length) return -1;
                return ((first & 0x3f) << 8) | data[at++];
            default:
                if (first == 0x80 && at + 4 <= data.Length)
                {
                    at += 4;
                    return BinaryPrimitives.ReadUInt32BigEndian(data[(at - 4)..]);
                }
                if (first == 0x81 && at + 8 <= data.Length)
                {
                    at += 8;
                    ulong value = BinaryPrimitives.ReadUInt64BigEndian(data[(at - 8)..]);
                    return value > int.MaxValue ? -1 : (long)value;
                }
                return -1;
        }
    }

    private static byte[]? ReadInteger(ReadOnlySpan<byte> data, ref int at, int size)
    {
        if (at + size > data.Length) return null;
        long value = size switch
        {
            1 => (sbyte)data[at],
            2 => BinaryPrimitives.ReadInt16LittleEndian(data[at..]),
            _ => BinaryPrimitives.ReadInt32LittleEndian(data[at..]),
        };
        at += size;
        return System.Text.Encoding.ASCII.GetBytes(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static byte[]? ReadCompressed(ReadOnlySpan<byte> data, ref int at)
    {
        long compressedLength = ReadLength(data, ref at);
        long length = ReadLength(data, ref at);
        if (compressedLength < 0 || length < 0 || compressedLength > data.Length - at || length > 512L * 1024 * 1024) return null;
        var output = new byte[length];
        bool ok = Lzf.TryDecompress(data.Slice(at, (int)compressedLength), output);
        at += (int)compressedLength;
        return ok ? output : null;
    }
}
