using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Differential;

/// <summary>Malformed input sent to Spinel and redis-server: the same reply bytes, and both close the connection.</summary>
[Collection(DifferentialCollection.Name)]
public sealed class ProtocolErrorDifferentialTests(DifferentialFixture fixture)
{
    public static TheoryData<string> Inputs() =>
    [
        "*abc\\r\\n",
        "*1\\r\\n+PING\\r\\n",
        "*1\\r\\n$-5\\r\\n",
        "*1\\r\\n$x\\r\\n",
        "*1\\r\\n$9999999999\\r\\n",
        "*3000000000\\r\\n",
        "*1\\r\\n$04\\r\\nPING\\r\\n",
        "*01\\r\\n$4\\r\\nPING\\r\\n",
        "*1\\r\\n$+4\\r\\nPING\\r\\n",
        "SET \"a\"b\\r\\n",
        "SET 'a\\r\\n",
        "*2\\r\\n$4\\r\\nECHO\\r\\n$3\\r\\nabc\\r\\n*1\\r\\n:1\\r\\n",
    ];

    [SkippableTheory]
    [MemberData(nameof(Inputs))]
    public async Task Malformed_request_gets_the_same_error_and_close(string escaped)
    {
        fixture.Oracle.RequireAvailable();
        var bytes = DifferentialScript.Unescape(escaped);
        await using var spinel = await fixture.Spinel.ConnectAsync();
        await using var redis = await fixture.Oracle.ConnectAsync();
        await spinel.SendRawAsync(bytes);
        await redis.SendRawAsync(bytes);
        var expected = new List<string>();
        var actual = new List<string>();
        // Read replies until the server closes the connection.
        for (int i = 0; i < 4; i++)
        {
            if (!await redis.IsClosedAsync(1000)) expected.Add(DifferentialScript.Show(await redis.ReadReplyAsync()));
            if (!await spinel.IsClosedAsync(1000)) actual.Add(DifferentialScript.Show(await spinel.ReadReplyAsync()));
        }
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
        Assert.True(await spinel.IsClosedAsync(), "Spinel kept the connection open");
    }
}
