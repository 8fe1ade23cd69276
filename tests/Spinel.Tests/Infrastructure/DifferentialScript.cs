using System.Text;
using System.Text.RegularExpressions;
using Spinel.Protocol;

namespace Spinel.Tests.Infrastructure;

/// <summary>
/// Runs a command script against Spinel and redis-server and compares the raw reply bytes.
/// Script lines: a command in redis-cli syntax (quotes and \xHH escapes for binary), optionally
/// prefixed by a directive that narrows the comparison for replies Redis itself leaves unordered
/// or random:
///   !sorted CMD    compare the reply's array elements as a multiset
///   !type CMD      compare only the reply's type byte
///   !nocompare CMD run on both, compare nothing (setup with a nondeterministic reply)
///   !sleep MS      wait, e.g. for keys to expire
///   !raw TEXT      send TEXT (with \r \n \xHH escapes) as raw bytes, compare one reply
///   !replies N CMD compare N replies (SUBSCRIBE a b c confirms each channel separately)
///   !client CMD    CLIENT INFO/LIST lines: compare every field but those that differ between two processes (ids,
///                  addresses, ages) or measure each server's own buffers (qbuf-free, rbs, rbp, tot-mem), which
///                  must only both be numbers; bulk and verbatim lengths are left out with them
/// Lines starting with # are comments.
/// </summary>
public static partial class DifferentialScript
{
    public static async Task RunAsync(string name, string script, RawClient spinel, RawClient redis)
    {
        var failures = new List<string>();
        var lines = script.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            string directive = "";
            if (line[0] == '!')
            {
                int space = line.IndexOf(' ');
                directive = space < 0 ? line[1..] : line[1..space];
                line = space < 0 ? "" : line[(space + 1)..].Trim();
            }
            if (directive == "sleep")
            {
                await Task.Delay(int.Parse(line));
                continue;
            }

            int replies = 1;
            if (directive == "replies")
            {
                int space = line.IndexOf(' ');
                replies = int.Parse(line[..space]);
                line = line[(space + 1)..].Trim();
                directive = "";
            }
            byte[] a, b;
            if (directive == "raw")
            {
                var bytes = Unescape(line);
                await spinel.SendRawAsync(bytes);
                await redis.SendRawAsync(bytes);
            }
            else
            {
                var args = Split(line);
                await spinel.SendAsync(args);
                await redis.SendAsync(args);
            }
            for (int r = 0; r < replies; r++)
            {
                a = await spinel.ReadReplyAsync();
                b = await redis.ReadReplyAsync();
                if (!Same(directive, a, b))
                    failures.Add($"{name}:{n + 1}: {line}\n   spinel: {Show(a)}\n   redis:  {Show(b)}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} replies differ:\n" + string.Join("\n", failures));
    }

    public static byte[][] Split(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var scratch = new byte[bytes.Length];
        var args = new ArgumentList();
        args.Reset(scratch);
        if (!InlineSplitter.Split(bytes, scratch, args)) throw new FormatException("unbalanced quotes: " + line);
        return args.ToArrays();
    }

    private static bool Same(string directive, byte[] a, byte[] b) => directive switch
    {
        "" => a.AsSpan().SequenceEqual(b),
        "sorted" => SortedElements(a).SequenceEqual(SortedElements(b)),
        "type" => a.Length > 0 && b.Length > 0 && a[0] == b[0],
        "nocompare" => true,
        "raw" => a.AsSpan().SequenceEqual(b),
        "client" => MaskClientFields(a) == MaskClientFields(b),
        _ => throw new FormatException("unknown directive !" + directive),
    };

    private static string MaskClientFields(byte[] reply)
    {
        string text = Encoding.Latin1.GetString(reply);
        text = PerProcessNumber().Replace(text, "$1=#");
        text = PerProcessAddress().Replace(text, "$1=*");
        return Length().Replace(text, "$1?\r\n");
    }

    [GeneratedRegex(@"(?<![\w-])(id|fd|age|idle|qbuf-free|rbs|rbp|tot-mem)=\d+")]
    private static partial Regex PerProcessNumber();

    [GeneratedRegex(@"(?<![\w-])(addr|laddr)=\S+")]
    private static partial Regex PerProcessAddress();

    [GeneratedRegex(@"(?m)^([$=])\d+\r\n")]
    private static partial Regex Length();

    /// <summary>The header plus the sorted top-level elements of an aggregate reply.</summary>
    private static List<string> SortedElements(byte[] reply)
    {
        var text = Encoding.Latin1.GetString(reply);
        int headerEnd = text.IndexOf("\r\n", StringComparison.Ordinal) + 2;
        var parts = new List<string>();
        var reader = new RespReader(new MemoryStream(reply, headerEnd, reply.Length - headerEnd));
        int count = int.Parse(text[1..(headerEnd - 2)]);
        for (int i = 0; i < count; i++) parts.Add(Encoding.Latin1.GetString(reader.ReadReplyAsync().GetAwaiter().GetResult()));
        parts.Sort(StringComparer.Ordinal);
        parts.Insert(0, text[..headerEnd]);
        return parts;
    }

    public static byte[] Unescape(string text)
    {
        var ms = new MemoryStream();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                char e = text[++i];
                switch (e)
                {
                    case 'r': ms.WriteByte((byte)'\r'); break;
                    case 'n': ms.WriteByte((byte)'\n'); break;
                    case 'x': ms.WriteByte(Convert.ToByte(text.Substring(i + 1, 2), 16)); i += 2; break;
                    default: ms.WriteByte((byte)e); break;
                }
            }
            else ms.WriteByte((byte)c);
        }
        return ms.ToArray();
    }

    public static string Show(byte[] reply)
    {
        var sb = new StringBuilder();
        foreach (byte x in reply.Length > 400 ? reply[..400] : reply)
        {
            sb.Append(x switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                < 32 or > 126 => $"\\x{x:x2}",
                _ => ((char)x).ToString(),
            });
        }
        if (reply.Length > 400) sb.Append("...");
        return sb.ToString();
    }
}
