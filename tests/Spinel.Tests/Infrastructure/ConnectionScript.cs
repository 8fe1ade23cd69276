using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Spinel.Tests.Infrastructure;

/// <summary>
/// Several named connections to one server, driven by a script, recording what each step brings back: replies and
/// any pushes or pub/sub messages, in arrival order, as text. Built for comparing asynchronous output (client
/// tracking invalidations) between Spinel and redis-server. Each step's output ends with a PING round trip on the
/// same connection, sent after the step's own replies arrived: whatever the step caused for that connection is
/// queued before the PONG, on both servers.
/// Step syntax: <c>a: GET k</c> (one command on connection a), <c>a: MULTI; GET k; EXEC</c> (sent together),
/// <c>r: drain</c> (only the PING round trip), <c>a: await</c> (drain until something arrives, for expiry),
/// <c>close r</c>, <c>pause 200</c>, <c>settle</c> (waits until the server lists only this script's connections).
/// <c>{r}</c> in an argument is connection r's client id, <c>{r.addr}</c> and <c>{r.laddr}</c> its addresses. A step
/// starting with <c>!</c> runs but is left out of the transcript (HELLO, whose reply names the server). A connection
/// the server closes shows as <c>(closed)</c>; naming it again opens a new one.
/// </summary>
public sealed partial class ConnectionScript : IAsyncDisposable
{
    private readonly int _port;
    private readonly Dictionary<string, RawClient> _clients = [];
    private readonly Dictionary<string, long> _ids = [];
    private readonly Dictionary<string, string> _addresses = []; // "r.addr" and "r.laddr"

    private ConnectionScript(int port) => _port = port;

    public static async Task<string> RunAsync(int port, IEnumerable<string> steps)
    {
        await using var script = new ConnectionScript(port);
        var transcript = new StringBuilder();
        foreach (var step in steps)
        {
            bool hidden = step.StartsWith('!');
            string output = await script.StepAsync(hidden ? step[1..] : step);
            if (!hidden) transcript.Append(step).Append(" => ").Append(output).Append('\n');
        }
        return transcript.ToString();
    }

    private async Task<RawClient> ClientAsync(string name)
    {
        if (_clients.TryGetValue(name, out var client)) return client;
        client = await RawClient.ConnectAsync(_port);
        _clients[name] = client;
        string info = await client.CallAsync("CLIENT", "INFO");
        _ids[name] = long.Parse(InfoField(info, "id"));
        _addresses[name + ".addr"] = InfoField(info, "addr");
        _addresses[name + ".laddr"] = InfoField(info, "laddr");
        return client;
    }

    private async Task<string> StepAsync(string step)
    {
        if (step.StartsWith("pause ", StringComparison.Ordinal))
        {
            await Task.Delay(int.Parse(step[6..]));
            return "";
        }
        if (step == "settle")
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            var any = _clients.Values.First();
            while (Regex.Count(await any.CallAsync("CLIENT", "LIST"), "(?m)^(?:txt:)?id=") > _clients.Count && DateTime.UtcNow < deadline) await Task.Delay(50);
            return "";
        }
        if (step.StartsWith("close ", StringComparison.Ordinal))
        {
            string name = step[6..];
            await _clients[name].DisposeAsync();
            _clients.Remove(name);
            await Task.Delay(200); // let the server notice the disconnect
            return "";
        }
        int colon = step.IndexOf(": ", StringComparison.Ordinal);
        string conn = step[..colon];
        string body = step[(colon + 2)..];
        var client = await ClientAsync(conn);
        var output = new StringBuilder();
        try
        {
            await RunStepAsync(client, body, output);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            output.Append("(closed)"); // killed (CLIENT KILL), or closed after its reply
            await client.DisposeAsync();
            _clients.Remove(conn);
        }
        return Flatten(output.ToString());
    }

    private async Task RunStepAsync(RawClient client, string body, StringBuilder output)
    {
        if (body == "await")
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            do output.Append(await DrainAsync(client));
            while (output.Length == 0 && DateTime.UtcNow < deadline);
            return;
        }
        if (body != "drain")
        {
            var commands = body.Split("; ");
            var bytes = new List<byte>();
            foreach (var command in commands)
            {
                var args = command.Split(' ').Select(Substitute).ToArray();
                bytes.AddRange(RawClient.Encode(RawClient.Args(args)));
            }
            await client.SendRawAsync(bytes.ToArray());
            int replies = 0;
            while (replies < commands.Length)
            {
                string frame = Encoding.Latin1.GetString(await client.ReadReplyAsync());
                if (!IsPush(frame)) replies++;
                // Only where an id is expected: a small id could otherwise match an ordinary integer reply.
                output.Append(body.Contains("GETREDIR", StringComparison.OrdinalIgnoreCase) ? Normalize(frame) : Summarize(frame));
            }
        }
        output.Append(await DrainAsync(client));
    }

    /// <summary>A RESP3 push that is not the reply to a command (RESP3 (un)subscribe confirmations are pushes too).</summary>
    private static bool IsPush(string frame) => frame.StartsWith('>') && !SubscribeConfirmation().IsMatch(frame);

    /// <summary>Frames that arrive before the reply to a PING sent now.</summary>
    private async Task<string> DrainAsync(RawClient client)
    {
        await client.SendAsync("PING");
        var output = new StringBuilder();
        while (true)
        {
            string frame = Encoding.Latin1.GetString(await client.ReadReplyAsync());
            if (frame is "+PONG\r\n" or "*2\r\n$4\r\npong\r\n$0\r\n\r\n") return output.ToString();
            output.Append(Summarize(frame));
        }
    }

    private string Substitute(string arg) => IdToken().Replace(arg, m => m.Groups[2].Success
        ? _addresses[m.Groups[1].Value + m.Groups[2].Value]
        : _ids[m.Groups[1].Value].ToString());

    private static string InfoField(string info, string name) => Regex.Match(info, $@"(?<![\w-]){name}=(\S*)").Groups[1].Value;

    /// <summary>Client ids differ between servers: they are shown by connection name.</summary>
    private string Normalize(string text)
    {
        foreach (var (name, id) in _ids) text = text.Replace($":{id}\r\n", $":<{name}>\r\n").Replace($"redir={id};", $"redir=<{name}>;");
        return text;
    }

    private static string Flatten(string text) => text.Replace("\r\n", "|");

    /// <summary>CLIENT INFO/LIST lines shrink to their flags and redirect; INFO to its tracking fields.</summary>
    private string Summarize(string frame)
    {
        if (frame.Contains("laddr=")) return Normalize(string.Join(";", ClientFields().Matches(frame).Select(m => m.Value)) + ";\r\n");
        if (frame.Contains("redirect") || frame.Contains("tracking-redir-broken")) return Normalize(frame);
        if (frame.Contains("tracking_clients")) return string.Join(";", TrackingFields().Matches(frame).Select(m => m.Value)) + "\r\n";
        return frame;
    }

    [GeneratedRegex(@"^>3\r\n\$\d+\r\n[ps]?(un)?subscribe\r\n")]
    private static partial Regex SubscribeConfirmation();

    [GeneratedRegex(@"\{(\w+)(\.l?addr)?\}")]
    private static partial Regex IdToken();

    [GeneratedRegex(@"(flags|redir)=\S+")]
    private static partial Regex ClientFields();

    [GeneratedRegex(@"tracking_\w+:\d+")]
    private static partial Regex TrackingFields();

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values) await client.DisposeAsync();
    }
}
