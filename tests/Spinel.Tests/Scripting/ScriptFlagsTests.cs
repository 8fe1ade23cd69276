using System.Text;
using Spinel.Scripting;

namespace Spinel.Tests.Scripting;

public sealed class ScriptFlagsTests
{
    private static (bool Ok, ScriptFlags Flags, string? Error) Parse(string body)
    {
        bool ok = ScriptFlagNames.TryParseEvalShebang(Encoding.ASCII.GetBytes(body), out var flags, out var error);
        return (ok, flags, error);
    }

    [Fact]
    public void Script_without_shebang_keeps_the_old_rules()
    {
        Assert.Equal((true, ScriptFlags.NoShebang, (string?)null), Parse("return 1"));
    }

    [Fact]
    public void Shebang_flags_are_read_from_a_comma_list()
    {
        Assert.Equal((true, ScriptFlags.NoWrites | ScriptFlags.AllowOom, (string?)null), Parse("#!lua flags=no-writes,allow-oom\nreturn 1"));
        Assert.Equal((true, ScriptFlags.None, (string?)null), Parse("#!lua\nreturn 1"));
        Assert.Equal((true, ScriptFlags.None, (string?)null), Parse("#!lua flags=\nreturn 1"));
        Assert.Equal((true, ScriptFlags.NoWrites, (string?)null), Parse("#!lua  flags=no-writes  \nreturn 1"));
        Assert.Equal(ScriptFlags.AllowStale | ScriptFlags.NoCluster | ScriptFlags.AllowCrossSlotKeys,
            Parse("#!lua flags=allow-cross-slot-keys,allow-stale,no-cluster\nreturn 1").Flags);
    }

    [Theory]
    [InlineData("#!lua flags=bogus\nreturn 1", "ERR Unexpected flag in script shebang: bogus")]
    [InlineData("#!lua flags=no-writes,,allow-oom\nreturn 1", "ERR Unexpected flag in script shebang: ")]
    [InlineData("#!lua name=x\nreturn 1", "ERR Unknown lua shebang option: name=x")]
    [InlineData("#!luax\nreturn 1", "ERR Unexpected engine in script shebang: #!luax")]
    [InlineData("#!lua", "ERR Invalid script shebang")]
    public void Bad_shebangs_fail_with_redis_errors(string body, string error)
    {
        Assert.Equal((false, error), (Parse(body).Ok, Parse(body).Error));
    }

    [Fact]
    public void Shebang_line_becomes_a_comment_so_line_numbers_hold()
    {
        var source = ScriptRuntime.CommentOutShebang("#!lua\nreturn x"u8);
        Assert.Equal("--lua\nreturn x", Encoding.ASCII.GetString(source));
        Assert.Equal("return 1", Encoding.ASCII.GetString(ScriptRuntime.CommentOutShebang("return 1"u8)));
    }
}
