using System.Text;
using Spinel.Scripting;

namespace Spinel.Tests.Scripting;

public sealed class FunctionHeaderTests
{
    private static (string? Name, string? Error) Parse(string code)
    {
        var name = FunctionLibraries.ParseHeader(Encoding.ASCII.GetBytes(code), out var error);
        return (name, error);
    }

    [Fact]
    public void Library_name_comes_from_the_shebang()
    {
        Assert.Equal(("mylib", (string?)null), Parse("#!lua name=mylib\nreturn 1"));
        Assert.Equal(("t3", (string?)null), Parse("#!lua name=t3 \nreturn 1"));
        Assert.Equal(("t4", (string?)null), Parse("#!lua  name=t4\nreturn 1"));
        // Redis splits the line with its inline-command rules: quotes are removed, "name=" and the engine have no case.
        Assert.Equal(("foo", (string?)null), Parse("#!lua name=\"foo\"\nreturn 1"));
        Assert.Equal(("foo", (string?)null), Parse("#!LUA NAME='foo'\nreturn 1"));
    }

    [Theory]
    [InlineData("return 1", "ERR Missing library metadata")]
    [InlineData("#!lua\nreturn 1", "ERR Library name was not given")]
    [InlineData("#!lua name=\nreturn 1", "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long")]
    [InlineData("#!lua name=a-b\nreturn 1", "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long")]
    [InlineData("#!lua name=ab foo=1\nreturn 1", "ERR Invalid metadata value given: foo=1")]
    [InlineData("#!js name=cd\nreturn 1", "ERR Engine 'js' not found")]
    [InlineData("#!lua name=t5", "ERR Invalid library metadata")]
    [InlineData("#! name=test\nreturn 1", "ERR Engine '' not found")]
    [InlineData("#!lua name=foo name=bar\nreturn 1", "ERR Invalid metadata value, name argument was given multiple times")]
    [InlineData("#!lua name=\"foo\nreturn 1", "ERR Invalid library metadata")]
    [InlineData("#!js name=a-b\nreturn 1", "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long")]
    public void Bad_headers_fail_with_redis_errors(string code, string error)
    {
        Assert.Equal(((string?)null, error), Parse(code));
    }
}
