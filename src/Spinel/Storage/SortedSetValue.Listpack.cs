using System.Buffers.Binary;

namespace Spinel.Storage;

// The listpack encoding: entries in rank order, each the member's length (7 bits a byte, as PackedBytes), its
// bytes, the 8-byte score, and the length again with its bytes reversed, so the array can be walked both ways.
// An entry is addressed by the offset where it starts.
public sealed partial class SortedSetValue
{
    private byte[] _packed = [];
    private int _packedLength;
    private int _listCount;

    private static int PrefixSize(int length) => length < 0x80 ? 1 : PackedBytes.PrefixSize(length);

    private static int EntrySize(int memberLength) => memberLength + ScoredMember.ScoreSize + 2 * PrefixSize(memberLength);

    /// <summary>Reads the entry at <paramref name="offset"/>.</summary>
    private void ReadEntry(int offset, out ReadOnlySpan<byte> member, out double score)
    {
        int length = PackedBytes.ReadPrefix(_packed, ref offset);
        member = _packed.AsSpan(offset, length);
        score = BinaryPrimitives.ReadDoubleLittleEndian(_packed.AsSpan(offset + length));
    }

    /// <summary>The offset just past the entry at <paramref name="offset"/>.</summary>
    private int EntryEnd(int offset)
    {
        int length = PackedBytes.ReadPrefix(_packed, ref offset);
        return offset + length + ScoredMember.ScoreSize + PrefixSize(length);
    }

    /// <summary>The next entry's offset, or -1 after the last.</summary>
    private int NextEntry(int offset)
    {
        int end = EntryEnd(offset);
        return end < _packedLength ? end : -1;
    }

    /// <summary>The previous entry's offset, or -1 before the first.</summary>
    private int PreviousEntry(int offset)
    {
        if (offset == 0) return -1;
        int end = offset;
        // The trailing length, its bytes reversed: the last byte holds the low 7 bits.
        uint b = _packed[--end];
        uint length = b & 0x7F;
        int shift = 7;
        while (b >= 0x80)
        {
            b = _packed[--end];
            length |= (b & 0x7F) << shift;
            shift += 7;
        }
        return end - ScoredMember.ScoreSize - (int)length - PrefixSize((int)length);
    }

    private int OffsetOfRank(int rank)
    {
        int offset = 0;
        for (int i = 0; i < rank; i++) offset = EntryEnd(offset);
        return offset;
    }

    /// <summary>The offset of <paramref name="member"/>'s entry, or -1.</summary>
    private int FindInListpack(ReadOnlySpan<byte> member, out double score)
    {
        var packed = _packed;
        int offset = 0;
        while (offset < _packedLength)
        {
            int start = offset;
            int length = PackedBytes.ReadPrefix(packed, ref offset);
            if (length == member.Length && packed.AsSpan(offset, length).SequenceEqual(member))
            {
                score = BinaryPrimitives.ReadDoubleLittleEndian(packed.AsSpan(offset + length));
                return start;
            }
            offset += length + ScoredMember.ScoreSize + PrefixSize(length);
        }
        score = 0;
        return -1;
    }

    private int ListpackRankOf(ReadOnlySpan<byte> member)
    {
        int rank = 0;
        for (var walk = Walk(); walk.MoveNext(); rank++)
        {
            if (walk.Member.SequenceEqual(member)) return rank;
        }
        return -1;
    }

    /// <summary>Inserts a member known to be absent at its place in the order.</summary>
    private void InsertIntoListpack(ReadOnlySpan<byte> member, double score)
    {
        // A listpack keeps an integral score as an integer, which has no negative zero.
        if (score == 0) score = 0;
        int at = 0;
        while (at < _packedLength)
        {
            ReadEntry(at, out var m, out double s);
            if (SortedSetOrder.Compare(s, m, score, member) > 0) break;
            at = EntryEnd(at);
        }
        int size = EntrySize(member.Length);
        EnsureCapacity(_packedLength + size);
        if (at < _packedLength) _packed.AsSpan(at, _packedLength - at).CopyTo(_packed.AsSpan(at + size));
        WriteEntry(at, member, score);
        _packedLength += size;
        _listCount++;
    }

    /// <summary>Adds a member after all others (its place when copying an ordered source).</summary>
    private void AppendToListpack(ReadOnlySpan<byte> member, double score)
    {
        if (score == 0) score = 0;
        int size = EntrySize(member.Length);
        EnsureCapacity(_packedLength + size);
        WriteEntry(_packedLength, member, score);
        _packedLength += size;
        _listCount++;
    }

    private void WriteEntry(int at, ReadOnlySpan<byte> member, double score)
    {
        var packed = _packed.AsSpan();
        int prefix = PackedBytes.WritePrefix(packed[at..], member.Length);
        int offset = at + prefix;
        member.CopyTo(packed[offset..]);
        offset += member.Length;
        BinaryPrimitives.WriteDoubleLittleEndian(packed[offset..], score);
        offset += ScoredMember.ScoreSize;
        for (int k = prefix - 1; k >= 0; k--) packed[offset++] = packed[at + k];
    }

    private void RemoveFromListpack(int at)
    {
        int end = EntryEnd(at);
        _packed.AsSpan(end, _packedLength - end).CopyTo(_packed.AsSpan(at));
        _packedLength -= end - at;
        _listCount--;
    }

    private void RemoveListpackRange(int start, int count)
    {
        int from = OffsetOfRank(start);
        int to = from;
        for (int i = 0; i < count; i++) to = EntryEnd(to);
        _packed.AsSpan(to, _packedLength - to).CopyTo(_packed.AsSpan(from));
        _packedLength -= to - from;
        _listCount -= count;
    }

    /// <summary>Grows by a quarter at a time: little slack, as with an allocator's size classes.</summary>
    private void EnsureCapacity(int length)
    {
        if (length <= _packed.Length) return;
        Array.Resize(ref _packed, Math.Max(length, Math.Max(32, _packed.Length + _packed.Length / 4)));
    }
}
