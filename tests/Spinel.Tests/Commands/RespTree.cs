using System.Text;

namespace Spinel.Tests.Commands;

/// <summary>A parsed RESP2/RESP3 reply that keeps each element's raw bytes, so parts of a reply can be compared byte for byte.</summary>
public sealed class RespTree
{
    public char Type { get; private init; }
    public string Text { get; private init; } = "";
    public List<RespTree> Items { get; } = [];
    public byte[] Raw { get; private set; } = [];

    public static RespTree Parse(byte[] reply)
    {
        int pos = 0;
        var tree = Parse(reply, ref pos);
        if (pos != reply.Length) throw new FormatException("trailing bytes after reply");
        return tree;
    }

    private static RespTree Parse(byte[] data, ref int pos)
    {
        int start = pos;
        char type = (char)data[pos];
        int lineEnd = data.AsSpan(pos).IndexOf("\r\n"u8) + pos;
        string line = Encoding.Latin1.GetString(data, pos + 1, lineEnd - pos - 1);
        pos = lineEnd + 2;
        RespTree node;
        switch (type)
        {
            case '$' or '=' or '!':
                {
                    int length = int.Parse(line);
                    node = new RespTree { Type = type, Text = length < 0 ? "" : Encoding.Latin1.GetString(data, pos, length) };
                    if (length >= 0) pos += length + 2;
                    break;
                }
            case '*' or '~' or '>' or '%' or '|':
                {
                    node = new RespTree { Type = type };
                    int count = int.Parse(line);
                    if (type is '%' or '|') count *= 2;
                    for (int i = 0; i < count; i++) node.Items.Add(Parse(data, ref pos));
                    break;
                }
            default:
                node = new RespTree { Type = type, Text = line };
                break;
        }
        node.Raw = data[start..pos];
        return node;
    }

    /// <summary>The value after <paramref name="key"/> in a map (or a RESP2 flat key/value array).</summary>
    public RespTree? Field(string key)
    {
        for (int i = 0; i + 1 < Items.Count; i += 2)
        {
            if (Items[i].Text == key) return Items[i + 1];
        }
        return null;
    }

    public IEnumerable<string> Keys()
    {
        for (int i = 0; i + 1 < Items.Count; i += 2) yield return Items[i].Text;
    }

    public override string ToString() => Encoding.Latin1.GetString(Raw).Replace("\r\n", " ");
}
