using System.Text;
using Spinel.Protocol;

namespace Spinel.Tests.Protocol;

public sealed class RequestParserTests
{
    private static (ParseStatus Status, string[] Args, int Consumed, string? Error) Parse(string input, RequestParser? parser = null)
    {
        parser ??= new RequestParser();
        var bytes = Encoding.Latin1.GetBytes(input);
        var args = new ArgumentList();
        var status = parser.Parse(bytes, 0, bytes.Length, args, out int consumed);
        var list = status == ParseStatus.Complete ? Array.ConvertAll(args.ToArrays(), a => Encoding.Latin1.GetString(a)) : [];
        return (status, list, consumed, parser.Error);
    }

    [Fact]
    public void Multibulk_command_is_split_into_binary_safe_arguments()
    {
        var r = Parse("*3\r\n$3\r\nSET\r\n$4\r\na\r\nb\r\n$0\r\n\r\n");
        Assert.Equal(ParseStatus.Complete, r.Status);
        Assert.Equal(["SET", "a\r\nb", ""], r.Args);
        Assert.Equal(29, r.Consumed);
    }

    [Fact]
    public void Only_the_first_of_pipelined_commands_is_consumed()
    {
        var r = Parse("*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n");
        Assert.Equal(ParseStatus.Complete, r.Status);
        Assert.Equal(14, r.Consumed);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("*2\r")]
    [InlineData("*2\r\n$3\r\nGET\r\n")]
    [InlineData("*2\r\n$3\r\nGET\r\n$5\r\nab")]
    [InlineData("*1\r\n$4\r\nPING\r")]
    [InlineData("PING")]
    public void Truncated_input_is_incomplete_not_an_error(string input)
    {
        Assert.Equal(ParseStatus.Incomplete, Parse(input).Status);
    }

    [Fact]
    public void Resuming_after_more_bytes_arrive_does_not_rescan_parsed_arguments()
    {
        var parser = new RequestParser();
        var args = new ArgumentList();
        var whole = Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n");
        for (int end = 1; end < whole.Length; end++)
            Assert.Equal(ParseStatus.Incomplete, parser.Parse(whole, 0, end, args, out _));
        Assert.Equal(ParseStatus.Complete, parser.Parse(whole, 0, whole.Length, args, out int consumed));
        Assert.Equal(whole.Length, consumed);
        Assert.Equal("value", Encoding.ASCII.GetString(args[2]));
    }

    [Fact]
    public void Needed_bytes_hint_covers_a_large_bulk_argument()
    {
        var parser = new RequestParser();
        var bytes = Encoding.ASCII.GetBytes("*2\r\n$3\r\nSET\r\n$100000\r\nabc");
        Assert.Equal(ParseStatus.Incomplete, parser.Parse(bytes, 0, bytes.Length, new ArgumentList(), out _));
        Assert.Equal(13 + 9 + 100000 + 2, parser.BytesNeeded);
    }

    [Theory]
    [InlineData("*abc\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*-\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*3000000000\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*1\r\n+foo\r\n", "Protocol error: expected '$', got '+'")]
    [InlineData("*1\r\n$-1\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$abc\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$600000000\r\n", "Protocol error: invalid bulk length")]
    [InlineData("SET \"a b\"c\r\n", "Protocol error: unbalanced quotes in request")]
    [InlineData("SET \"abc\r\n", "Protocol error: unbalanced quotes in request")]
    [InlineData("SET 'abc\r\n", "Protocol error: unbalanced quotes in request")]
    public void Malformed_requests_get_redis_protocol_errors(string input, string error)
    {
        var r = Parse(input);
        Assert.Equal(ParseStatus.Error, r.Status);
        Assert.Equal(error, r.Error);
    }

    [Fact]
    public void Huge_multibulk_count_without_data_waits_without_error()
    {
        Assert.Equal(ParseStatus.Incomplete, Parse("*2000000000\r\n").Status);
    }

    [Fact]
    public void Unauthenticated_clients_are_limited_to_small_requests()
    {
        var parser = new RequestParser { Unauthenticated = true };
        Assert.Equal("Protocol error: unauthenticated multibulk length", Parse("*11\r\n", parser).Error);
        parser = new RequestParser { Unauthenticated = true };
        Assert.Equal("Protocol error: unauthenticated bulk length", Parse("*1\r\n$16385\r\n", parser).Error);
    }

    [Fact]
    public void Oversized_headers_without_newline_are_rejected()
    {
        Assert.Equal("Protocol error: too big mbulk count string", Parse("*" + new string('1', 70000)).Error);
        Assert.Equal("Protocol error: too big bulk count string", Parse("*1\r\n$" + new string('1', 70000)).Error);
        Assert.Equal("Protocol error: too big inline request", Parse(new string('a', 70000)).Error);
    }

    [Theory]
    [InlineData("PING\r\n", new[] { "PING" })]
    [InlineData("PING\n", new[] { "PING" })]
    [InlineData("  SET   a  b  \r\n", new[] { "SET", "a", "b" })]
    [InlineData("SET \"a b\" 'c d'\r\n", new[] { "SET", "a b", "c d" })]
    [InlineData("ECHO \"\\x41\\n\\t\\\\\\\"\"\r\n", new[] { "ECHO", "A\n\t\\\"" })]
    [InlineData("ECHO 'it\\'s'\r\n", new[] { "ECHO", "it's" })]
    [InlineData("ECHO ab\"c d\"\r\n", new[] { "ECHO", "abc d" })]
    [InlineData("ECHO \"\"\r\n", new[] { "ECHO", "" })]
    public void Inline_commands_split_like_redis_cli(string input, string[] expected)
    {
        var r = Parse(input);
        Assert.Equal(ParseStatus.Complete, r.Status);
        Assert.Equal(expected, r.Args);
    }

    [Fact]
    public void Empty_inline_line_and_zero_count_multibulk_are_skipped()
    {
        Assert.Empty(Parse("\r\n").Args);
        Assert.Equal(ParseStatus.Complete, Parse("*0\r\n").Status);
        Assert.Equal(ParseStatus.Complete, Parse("*-1\r\n").Status);
    }

    [Fact]
    public void A_big_bulk_that_has_not_fully_arrived_is_received_into_an_array_of_its_own_and_kept_as_the_value()
    {
        var parser = new RequestParser { BigArgumentMin = 100, BigArgumentsAllowed = true };
        var args = new ArgumentList();
        var value = new byte[1000];
        new Random(7).NextBytes(value);
        var header = Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000\r\n");
        // The buffer holds the header and the value's first 300 bytes.
        var buffer = new byte[4096];
        header.CopyTo(buffer, 0);
        value.AsSpan(0, 300).CopyTo(buffer.AsSpan(header.Length));
        Assert.Equal(ParseStatus.Incomplete, parser.Parse(buffer, 0, header.Length + 300, args, out _));
        Assert.True(parser.ReceivingBigArgument);
        Assert.Equal(header.Length, parser.BigArgumentAt); // the caller's buffer now ends where the value began

        // The rest goes straight into the argument's array, in pieces, never through the buffer.
        for (int at = 300; at < 1000; at += 350)
        {
            var space = parser.BigArgumentSpace;
            int n = Math.Min(350, 1000 - at);
            value.AsSpan(at, n).CopyTo(space.Span);
            parser.BigArgumentReceived(n);
            Assert.Equal(ParseStatus.Incomplete, parser.Parse(buffer, 0, header.Length, args, out _));
        }
        Assert.False(parser.ReceivingBigArgument);
        // Then the bulk's CRLF and the next command arrive in the buffer, after the header.
        "\r\n*1\r\n$4\r\nPING\r\n"u8.CopyTo(buffer.AsSpan(header.Length));
        Assert.Equal(ParseStatus.Complete, parser.Parse(buffer, 0, header.Length + 16, args, out int consumed));
        Assert.Equal(header.Length + 2, consumed);
        Assert.Equal(value, args[2].ToArray());
        Assert.Equal("k", Encoding.ASCII.GetString(args[1]));
        Assert.True(args.HasOwnedArguments);
        // No copy: the value stored is the array the bytes were received into.
        Assert.Same(args.ToValueArray(2), args.ToValueArray(2));
        Assert.NotSame(args.ToValueArray(1), args.ToValueArray(1));

        // The command written back (for a command that must run again from its input) parses to the same arguments.
        var written = new byte[args.MultibulkLength()];
        Assert.Equal(written.Length, args.WriteMultibulk(written));
        var again = new ArgumentList();
        Assert.Equal(ParseStatus.Complete, new RequestParser().Parse(written, 0, written.Length, again, out consumed));
        Assert.Equal(written.Length, consumed);
        Assert.Equal(args.ToArrays(), again.ToArrays());

        // The list lets go of the array with the command, so a deleted value is not kept alive by the last request.
        args.ReleaseOwned();
        Assert.False(args.HasOwnedArguments);
    }

    [Fact]
    public void A_big_bulk_reserves_memory_as_its_bytes_arrive_not_as_declared_and_ends_in_an_array_of_its_size()
    {
        var parser = new RequestParser { BigArgumentMin = 1024, BigArgumentsAllowed = true };
        var args = new ArgumentList();
        var buffer = Encoding.ASCII.GetBytes("*2\r\n$4\r\nECHO\r\n$100000000\r\nabc");
        Assert.Equal(ParseStatus.Incomplete, parser.Parse(buffer, 0, buffer.Length, args, out _));
        Assert.True(parser.ReceivingBigArgument);
        Assert.Equal((3, 1024), parser.BigArgumentProgress); // 100 MB declared, 1 KB reserved

        long received = 3, reserved = 1024, grown = 0;
        var chunk = new byte[1 << 20];
        while (parser.ReceivingBigArgument)
        {
            var space = parser.BigArgumentSpace;
            int n = (int)Math.Min(Math.Min(space.Length, chunk.Length), 100_000_000 - received);
            chunk.AsSpan(0, n).CopyTo(space.Span);
            parser.BigArgumentReceived(n);
            received += n;
            var (_, size) = parser.BigArgumentProgress;
            if (size != reserved) grown++;
            reserved = size;
            Assert.True(reserved <= Math.Max(1024, received * 4) || reserved == 100_000_000, $"{reserved} reserved for {received} received");
        }
        Assert.Equal((100_000_000, 100_000_000), parser.BigArgumentProgress);
        Assert.True(grown < 12, $"{grown} growths");
    }

    [Fact]
    public void A_big_bulk_stays_in_the_buffer_when_its_command_is_not_first_or_has_fully_arrived()
    {
        var parser = new RequestParser { BigArgumentMin = 100, BigArgumentsAllowed = false };
        var args = new ArgumentList();
        var bytes = Encoding.ASCII.GetBytes("*2\r\n$4\r\nECHO\r\n$200\r\n" + new string('x', 50));
        Assert.Equal(ParseStatus.Incomplete, parser.Parse(bytes, 0, bytes.Length, args, out _));
        Assert.False(parser.ReceivingBigArgument);
        Assert.True(parser.AwaitsBigArgument); // the caller parses it again once it can be first

        var whole = Encoding.ASCII.GetBytes("*2\r\n$4\r\nECHO\r\n$200\r\n" + new string('x', 200) + "\r\n");
        parser = new RequestParser { BigArgumentMin = 100, BigArgumentsAllowed = true };
        Assert.Equal(ParseStatus.Complete, parser.Parse(whole, 0, whole.Length, args, out _));
        Assert.False(args.HasOwnedArguments);
    }

    [Fact]
    public void Input_buffer_growth_is_geometric_so_a_command_of_many_arguments_is_copied_a_logarithmic_number_of_times()
    {
        // The parser of a command of 1M small arguments asks for one byte more each time it runs out (the next header):
        // each growth copies the pending command, so the number of growths must not follow the argument count.
        int length = 4096, growths = 0;
        while (length < 16 * 1024 * 1024)
        {
            length = Spinel.Networking.ClientConnection.GrownSize(length, length + 1);
            growths++;
        }
        Assert.Equal(12, growths);
        // A known need bigger than double (a bulk's announced length) is met in one step.
        Assert.Equal(10_000_000, Spinel.Networking.ClientConnection.GrownSize(4096, 10_000_000));
    }
}
