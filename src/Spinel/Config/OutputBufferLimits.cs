using System.Globalization;

namespace Spinel.Config;

/// <summary>One class's client-output-buffer-limit: a hard limit, and a soft limit tolerated for SoftSeconds. 0 disables a limit.</summary>
public readonly record struct OutputBufferLimit(long Hard, long Soft, long SoftSeconds)
{
    public static readonly OutputBufferLimit None = new(0, 0, 0);

    /// <summary>
    /// Reads one class from the stored, normalized setting ("normal 0 0 0 slave ... pubsub 33554432 8388608 60").
    /// </summary>
    public static OutputBufferLimit Parse(string setting, string clientClass)
    {
        var words = setting.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i + 3 < words.Length; i += 4)
        {
            if (words[i] != clientClass) continue;
            return new OutputBufferLimit(Number(words[i + 1]), Number(words[i + 2]), Number(words[i + 3]));
        }
        return None;
    }

    private static long Number(string word) => long.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : 0;
}
