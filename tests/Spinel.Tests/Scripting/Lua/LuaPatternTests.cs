using System.Text;
using Spinel.Scripting.Lua.Libraries;

namespace Spinel.Tests.Scripting.Lua;

public sealed class LuaPatternTests
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static int MatchAt(string subject, string pattern, int start = 0) => new LuaPattern(B(subject), B(pattern)).Match(start);

    [Fact]
    public void Captures_report_start_and_length_and_position_captures_are_flagged()
    {
        var s = B("key:123");
        var m = new LuaPattern(s, B("(%a+):()(%d+)"));
        Assert.Equal(7, m.Match(0));
        Assert.Equal(3, m.Level);
        Assert.Equal((0, 3), m.GetCapture(0, 0, 7));
        Assert.True(m.IsPositionCapture(1));
        Assert.Equal(4, m.GetCapture(1, 0, 7).Start);
        Assert.Equal((4, 3), m.GetCapture(2, 0, 7));
    }

    [Fact]
    public void Whole_match_is_capture_zero_when_there_are_no_captures()
    {
        var m = new LuaPattern(B("abc"), B("b+"));
        Assert.Equal(2, m.Match(1));
        Assert.Equal((1, 1), m.GetCapture(0, 1, 2));
        Assert.Equal("invalid capture index", Assert.Throws<LuaStringException>(() => new LuaPattern(B("abc"), B("b")).GetCapture(1, 1, 2)).Message);
    }

    [Theory]
    [InlineData("%", "malformed pattern (ends with '%')")]
    [InlineData("[a", "malformed pattern (missing ']')")]
    [InlineData("(a", "unfinished capture")]
    [InlineData("a)", "invalid pattern capture")]
    [InlineData("%1", "invalid capture index")]
    [InlineData("%fa", "missing '[' after '%f' in pattern")]
    [InlineData("%b", "unbalanced pattern")]
    public void Malformed_patterns_raise_the_5_1_messages(string pattern, string message)
    {
        var e = Assert.Throws<LuaStringException>(() =>
        {
            var m = new LuaPattern(B("abc"), B(pattern));
            int end = m.Match(0);
            if (end >= 0) m.GetCapture(0, 0, end);
        });
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void More_than_32_captures_is_an_error()
    {
        var pattern = string.Concat(Enumerable.Repeat("()", 33));
        Assert.Equal("too many captures", Assert.Throws<LuaStringException>(() => MatchAt("a", pattern)).Message);
        Assert.Equal(0, MatchAt("a", string.Concat(Enumerable.Repeat("()", 32))));
    }

    [Fact]
    public void The_pattern_ends_at_its_first_zero_byte()
    {
        Assert.Equal(1, MatchAt("a\0b", ".\0zzz"));
        Assert.Equal(1, new LuaPattern(B("x"), B(".\0x")).Pattern.Length);
    }

    [Fact]
    public void Deep_recursion_is_refused_as_too_complex_instead_of_overflowing_the_stack()
    {
        string subject = new('a', 20000);
        string pattern = string.Concat(Enumerable.Repeat("a?", 10000));
        Assert.Equal("pattern too complex", Assert.Throws<LuaStringException>(() => MatchAt(subject, pattern)).Message);
    }

    [Fact]
    public void A_backtracking_explosion_calls_the_hook_which_can_stop_it()
    {
        // 2^30 ways to split: without the hook this would run for a very long time.
        var subject = B(new string('a', 30) + "b");
        var pattern = B(string.Concat(Enumerable.Repeat("a*", 30)) + "c");
        int calls = 0;
        var e = Assert.Throws<TimeoutException>(() =>
            new LuaPattern(subject, pattern, () => { if (++calls == 100) throw new TimeoutException(); }, 1000).Match(0));
        Assert.NotNull(e);
        Assert.Equal(100, calls);
    }

    [Fact]
    public void Frontier_treats_the_ends_of_the_subject_as_zero_bytes()
    {
        Assert.Equal(0, MatchAt("abc", "%f[%w]"));
        Assert.Equal(3, MatchAt("abc", "%f[%W]", 3));
        Assert.Equal(-1, MatchAt("abc", "%f[%w]", 1));
    }

    [Fact]
    public void Back_reference_to_a_position_capture_never_matches()
    {
        Assert.Equal(-1, MatchAt("aa", "()a%1"));
    }

    [Theory]
    [InlineData('a', (byte)'a', true)]
    [InlineData('5', (byte)'d', true)]
    [InlineData('5', (byte)'D', false)]
    [InlineData(0xE9, (byte)'a', false)]
    [InlineData(0xE9, (byte)'A', true)]
    [InlineData(0x7F, (byte)'c', true)]
    [InlineData(' ', (byte)'p', false)]
    [InlineData('~', (byte)'p', true)]
    [InlineData('\v', (byte)'s', true)]
    [InlineData('F', (byte)'x', true)]
    [InlineData('G', (byte)'x', false)]
    [InlineData('.', (byte)'.', true)]
    public void Classes_follow_the_c_locale(int c, byte cls, bool expected) => Assert.Equal(expected, LuaPattern.MatchClass(c, cls));
}
