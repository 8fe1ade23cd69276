using System.Text;

namespace Spinel.Commands;

/// <summary>
/// Where a command's keys are, in Redis 7's key-spec form: a begin search (an argument index, or a
/// keyword to look for) and a find-keys rule (a range, or a count argument). COMMAND GETKEYS,
/// COMMAND INFO, ACL key checks and cluster routing all read these.
/// Declared as text: "RW ACCESS: index 1 range 0 1 0", "RO: keyword STORE 1 range 0 1 0",
/// "RO: index 2 keynum 0 1 1", "RW INCOMPLETE: unknown unknown".
/// </summary>
public sealed class KeySpec
{
    public KeySpecFlags Flags { get; init; }
    public string? Notes { get; init; }

    public BeginKind Begin { get; init; }
    public int Index { get; init; }           // index: the argument position
    public string Keyword { get; init; } = ""; // keyword: the token to find
    public int StartFrom { get; init; }       // keyword: where to start looking (negative: from the end)

    public FindKind Find { get; init; }
    public int LastKey { get; init; }         // range: last key relative to the first (-1: the last argument)
    public int KeyStep { get; init; }         // range and keynum
    public int Limit { get; init; }           // range: with LastKey -1, take 1/limit of the remaining args
    public int KeyNumIndex { get; init; }     // keynum: the argument holding the count, relative to begin
    public int FirstKey { get; init; }        // keynum: the first key, relative to begin

    public enum BeginKind { Index, Keyword, Unknown }

    public enum FindKind { Range, KeyNum, Unknown }

    public static KeySpec Parse(string text)
    {
        int colon = text.IndexOf(':');
        var flags = FlagWords.ParseKeySpecFlags(text[..colon]);
        var w = text[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int p = 0;
        BeginKind begin;
        int index = 0, startFrom = 0;
        string keyword = "";
        switch (w[p++])
        {
            case "index": begin = BeginKind.Index; index = int.Parse(w[p++]); break;
            case "keyword": begin = BeginKind.Keyword; keyword = w[p++]; startFrom = int.Parse(w[p++]); break;
            case "unknown": begin = BeginKind.Unknown; break;
            default: throw new ArgumentException("bad key spec " + text);
        }
        FindKind find;
        int lastKey = 0, step = 0, limit = 0, keyNumIndex = 0, firstKey = 0;
        switch (w[p++])
        {
            case "range": find = FindKind.Range; lastKey = int.Parse(w[p++]); step = int.Parse(w[p++]); limit = int.Parse(w[p++]); break;
            case "keynum": find = FindKind.KeyNum; keyNumIndex = int.Parse(w[p++]); firstKey = int.Parse(w[p++]); step = int.Parse(w[p++]); break;
            case "unknown": find = FindKind.Unknown; break;
            default: throw new ArgumentException("bad key spec " + text);
        }
        return new KeySpec
        {
            Flags = flags, Begin = begin, Index = index, Keyword = keyword, StartFrom = startFrom,
            Find = find, LastKey = lastKey, KeyStep = step, Limit = limit, KeyNumIndex = keyNumIndex, FirstKey = firstKey,
        };
    }

    /// <summary>Adds the argument positions of this spec's keys in <paramref name="args"/> (argv[0] is the command).</summary>
    public void CollectKeys(IReadOnlyList<byte[]> args, List<int> positions)
    {
        int argc = args.Count;
        int first;
        switch (Begin)
        {
            case BeginKind.Index:
                first = Index;
                break;
            case BeginKind.Keyword:
                first = -1;
                int start = StartFrom >= 0 ? StartFrom : argc + StartFrom;
                int stepDir = StartFrom >= 0 ? 1 : -1;
                for (int i = start; i > 0 && i < argc; i += stepDir)
                {
                    if (Encoding.ASCII.GetString(args[i]).Equals(Keyword, StringComparison.OrdinalIgnoreCase))
                    {
                        first = i + 1;
                        break;
                    }
                }
                if (first < 0) return;
                break;
            default:
                return;
        }
        if (first >= argc) return;
        switch (Find)
        {
            case FindKind.Range:
            {
                int last;
                if (LastKey >= 0) last = first + LastKey;
                else if (Limit <= 1) last = argc + LastKey;
                else last = first + ((argc - first) / Limit) + LastKey;
                for (int i = first; i <= last && i < argc; i += Math.Max(KeyStep, 1)) positions.Add(i);
                break;
            }
            case FindKind.KeyNum:
            {
                int countAt = first + KeyNumIndex;
                if (countAt >= argc || !long.TryParse(Encoding.ASCII.GetString(args[countAt]), out long count) || count < 0) return;
                int k = first + FirstKey;
                for (long n = 0; n < count && k < argc; n++, k += Math.Max(KeyStep, 1)) positions.Add(k);
                break;
            }
        }
    }
}
