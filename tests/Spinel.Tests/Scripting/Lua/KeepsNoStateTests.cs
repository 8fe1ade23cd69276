using System.Text;
using Spinel.Scripting.Lua;

namespace Spinel.Tests.Scripting.Lua;

/// <summary>
/// Which functions a call of can be abandoned and made again (a function that runs long on an I/O thread is moved
/// that way): only those that can change no Lua state outliving the call.
/// </summary>
public sealed class KeepsNoStateTests
{
    /// <summary>The function the chunk returns, after the chunk has run (as a library's code has when FCALL comes).</summary>
    private static LuaFunction Returned(string chunk)
    {
        var lua = LuaRunner.NewState();
        var main = lua.Load(Encoding.UTF8.GetBytes(chunk), "@user_function");
        return lua.Call(main, default)[0].AsFunction;
    }

    [Theory]
    [InlineData("return function(keys, args) return #keys end")]
    [InlineData("local prefix, limit, on = 'job:', 10, true return function(k) return prefix .. k, limit, on end")]
    [InlineData("local function helper(x) return x * 2 end return function(n) return helper(n) end")]
    [InlineData("local call = string.upper return function(s) return call(s) end")]
    [InlineData("local function f(n) if n == 0 then return 0 end return f(n - 1) end return f")]
    [InlineData("return function() local t = {} local function bump() t[1] = (t[1] or 0) + 1 end bump() return t[1] end")]
    public void Functions_that_capture_only_values_and_stateless_functions_keep_no_state(string chunk) =>
        Assert.True(LuaClosure.KeepsNoState(Returned(chunk)));

    [Theory]
    [InlineData("local seen = {} return function(k) seen[k] = true end")]
    [InlineData("local n = 0 return function() n = n + 1 return n end")]
    [InlineData("local n = 0 local function bump() n = n + 1 end return function() bump() return n end")]
    [InlineData("local n = 0 return function() local a, b = 1, 2 n, a = a, b return n end")]
    [InlineData("local config = { ttl = 60 } local function ttl() return config.ttl end return function() return ttl() end")]
    [InlineData("local co = coroutine.create(function() end) return function() return coroutine.status(co) end")]
    public void Functions_that_reach_a_table_or_assign_an_outer_variable_keep_state(string chunk) =>
        Assert.False(LuaClosure.KeepsNoState(Returned(chunk)));
}
