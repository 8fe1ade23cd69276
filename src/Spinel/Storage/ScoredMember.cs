using System.Buffers.Binary;

namespace Spinel.Storage;

/// <summary>
/// A member of a big sorted set in one array: its 8-byte score, then its bytes. The hash table finds it by
/// the bytes after the score (so a score lookup is one probe), and the tree holds a reference to the same
/// array: one array per member, shared by both structures.
/// </summary>
public readonly struct ScoredMember : IStoredKey
{
    public const int ScoreSize = 8;

    public static byte[] Create(ReadOnlySpan<byte> member, double score)
    {
        var stored = GC.AllocateUninitializedArray<byte>(ScoreSize + member.Length);
        BinaryPrimitives.WriteDoubleLittleEndian(stored, score);
        member.CopyTo(stored.AsSpan(ScoreSize));
        return stored;
    }

    /// <summary>The member's bytes: the key the hash table looks up.</summary>
    public static ReadOnlySpan<byte> KeyOf(byte[] stored) => stored.AsSpan(ScoreSize);

    public static double ScoreOf(byte[] stored) => BinaryPrimitives.ReadDoubleLittleEndian(stored);

    public static void SetScore(byte[] stored, double score) => BinaryPrimitives.WriteDoubleLittleEndian(stored, score);
}
