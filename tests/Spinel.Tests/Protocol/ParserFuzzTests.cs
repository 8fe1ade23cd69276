using System.Text;
using Spinel.Protocol;

namespace Spinel.Tests.Protocol;

/// <summary>Random, truncated and corrupted input must never throw, hang or make the parser claim bytes it was not given.</summary>
public sealed class ParserFuzzTests
{
    private static readonly string[] Fragments =
    [
        "*", "$", "\r\n", "\r", "\n", "1", "0", "-1", "2000000000", "99999999999999999999", "abc", " ", "\"", "'", "\\x4", "\\",
        "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "+OK", ":5", "\0", "PING", "*-5\r\n", "$-0\r\n", "*1\r\n$0\r\n\r\n",
    ];

    [Fact]
    public void Random_garbage_never_throws_and_consumes_within_bounds()
    {
        var random = new Random(12345);
        for (int round = 0; round < 20000; round++)
        {
            var sb = new StringBuilder();
            int pieces = random.Next(1, 12);
            for (int i = 0; i < pieces; i++)
            {
                if (random.Next(4) == 0) sb.Append((char)random.Next(256));
                else sb.Append(Fragments[random.Next(Fragments.Length)]);
            }
            var bytes = Encoding.Latin1.GetBytes(sb.ToString());
            RunToExhaustion(bytes);
        }
    }

    [Fact]
    public void Valid_commands_cut_at_every_point_parse_identically_when_completed()
    {
        var random = new Random(7);
        for (int round = 0; round < 300; round++)
        {
            var args = new List<byte[]>();
            int n = random.Next(1, 6);
            for (int i = 0; i < n; i++)
            {
                var a = new byte[random.Next(0, 40)];
                random.NextBytes(a);
                args.Add(a);
            }
            var encoded = Infrastructure.RawClient.Encode(args);
            for (int cut = 0; cut < encoded.Length; cut++)
            {
                var parser = new RequestParser();
                var list = new ArgumentList();
                var buffer = new byte[encoded.Length];
                Buffer.BlockCopy(encoded, 0, buffer, 0, cut);
                Assert.Equal(ParseStatus.Incomplete, parser.Parse(buffer, 0, cut, list, out _));
                Buffer.BlockCopy(encoded, cut, buffer, cut, encoded.Length - cut);
                Assert.Equal(ParseStatus.Complete, parser.Parse(buffer, 0, encoded.Length, list, out int consumed));
                Assert.Equal(encoded.Length, consumed);
                Assert.Equal(args.Count, list.Count);
                for (int i = 0; i < args.Count; i++) Assert.True(list[i].SequenceEqual(args[i]));
            }
        }
    }

    [Fact]
    public void Corrupting_one_byte_of_a_valid_stream_never_throws()
    {
        var random = new Random(99);
        var valid = Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n*2\r\n$3\r\nGET\r\n$3\r\nkey\r\nPING\r\n");
        for (int round = 0; round < 20000; round++)
        {
            var bytes = (byte[])valid.Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            RunToExhaustion(bytes);
        }
    }

    private static void RunToExhaustion(byte[] bytes)
    {
        var parser = new RequestParser();
        var args = new ArgumentList();
        int start = 0;
        for (int guard = 0; guard <= bytes.Length + 1; guard++)
        {
            var status = parser.Parse(bytes, start, bytes.Length, args, out int consumed);
            if (status != ParseStatus.Complete) return;
            Assert.InRange(consumed, 1, bytes.Length - start);
            for (int i = 0; i < args.Count; i++) Assert.True(args[i].Length <= bytes.Length);
            start += consumed;
        }
        Assert.Fail("parser did not make progress");
    }
}
