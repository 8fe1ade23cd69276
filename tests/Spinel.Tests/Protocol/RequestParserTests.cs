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
}
