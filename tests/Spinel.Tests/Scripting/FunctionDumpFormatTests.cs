using System.Text;
using Spinel.Scripting;
using Spinel.Util;

namespace Spinel.Tests.Scripting;

public sealed class FunctionDumpFormatTests
{
    private const string LibraryCode = "#!lua name=mylib\nredis.register_function(\"f1\", function(keys, args) return 1 end)";

    /// <summary>FUNCTION DUMP of that one library on redis-server 7.0.15.</summary>
    private static readonly byte[] RedisDump =
    [
        0xf5, 0x40, 0x51, .. Encoding.ASCII.GetBytes(LibraryCode),
        0x0a, 0x00, 0xf7, 0xeb, 0xa8, 0x5e, 0x00, 0x9e, 0xb3, 0xbf,
    ];

    [Fact]
    public void Crc64_is_redis_jones_crc()
    {
        Assert.Equal(0xe9c6d914c4b8d9caUL, Crc64.Compute("123456789"u8));
    }

    [Fact]
    public void Dump_is_byte_for_byte_what_redis_writes()
    {
        Assert.Equal(RedisDump, FunctionDumpFormat.Write([Encoding.ASCII.GetBytes(LibraryCode)]));
    }

    [Fact]
    public void Empty_dump_is_version_and_checksum_only()
    {
        byte[] expected = [0x0a, 0x00, 0x5d, 0x9b, 0x5c, 0x40, 0x0f, 0x7f, 0xa2, 0xda];
        Assert.Equal(expected, FunctionDumpFormat.Write([]));
    }

    [Fact]
    public void Redis_dump_reads_back_its_library_code()
    {
        var codes = FunctionDumpFormat.TryRead(RedisDump, out var error);
        Assert.Null(error);
        Assert.Equal(LibraryCode, Encoding.ASCII.GetString(Assert.Single(codes!)));
    }

    [Fact]
    public void Corrupt_payload_fails_the_checksum()
    {
        var corrupt = (byte[])RedisDump.Clone();
        corrupt[10] ^= 1;
        Assert.Null(FunctionDumpFormat.TryRead(corrupt, out var error));
        Assert.Equal("ERR DUMP payload version or checksum are wrong", error);
        Assert.Null(FunctionDumpFormat.TryRead([0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0], out error));
        Assert.Equal("ERR DUMP payload version or checksum are wrong", error);
    }

    [Fact]
    public void Long_library_codes_use_the_wider_length_encodings()
    {
        var big = new byte[70_000];
        big.AsSpan().Fill((byte)'a');
        var codes = FunctionDumpFormat.TryRead(FunctionDumpFormat.Write([big, [1, 2, 3]]), out _);
        Assert.Equal(2, codes!.Count);
        Assert.Equal(big, codes[0]);
        Assert.Equal(new byte[] { 1, 2, 3 }, codes[1]);
    }

    [Fact]
    public void Lzf_expands_literals_and_back_references()
    {
        // "abcabcabc": literal run "abc", then a 6-byte back reference at distance 3.
        byte[] compressed = [0x02, (byte)'a', (byte)'b', (byte)'c', (4 << 5) | 0, 0x02];
        var output = new byte[9];
        Assert.True(Lzf.TryDecompress(compressed, output));
        Assert.Equal("abcabcabc", Encoding.ASCII.GetString(output));
        Assert.False(Lzf.TryDecompress([0x05, (byte)'a'], new byte[6]));
    }
}
