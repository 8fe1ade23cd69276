using Spinel.Util;

namespace Spinel.Storage;

/// <summary>
/// The encoding name OBJECT ENCODING reports for a value. A byte[] string reports what Redis would have
/// chosen when it stored those bytes: "int" for a canonical integer that fits in a long (at most 20
/// characters, no sign other than '-', no leading zeros), "embstr" up to 44 bytes, "raw" beyond; a
/// <see cref="StringBuffer"/> (a string APPEND or SETRANGE worked on) is always "raw".
/// </summary>
public static class StringEncoding
{
    /// <summary>The longest string Redis embeds in the object header.</summary>
    public const int EmbstrLimit = 44;

    public static string Of(object value) => value switch
    {
        byte[] bytes => OfBytes(bytes),
        DataObject d => d.Encoding,
        _ => throw new InvalidOperationException("unknown value kind " + value.GetType()),
    };

    public static string OfBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= 20 && RedisNumbers.TryParseInt64(bytes, out _)) return "int";
        return bytes.Length <= EmbstrLimit ? "embstr" : "raw";
    }
}
