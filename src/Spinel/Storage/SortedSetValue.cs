namespace Spinel.Storage;

/// <summary>ZADD's options, as Redis 7.0's zsetAdd takes them.</summary>
[Flags]
public enum ZAddFlags
{
    None = 0,

    /// <summary>Only add new members.</summary>
    NX = 1,

    /// <summary>Only update existing members.</summary>
    XX = 2,

    /// <summary>Only update when the new score is greater.</summary>
    GT = 4,

    /// <summary>Only update when the new score is less.</summary>
    LT = 8,

    /// <summary>The score is an increment of the current one (0 for a new member).</summary>
    Incr = 16,
}

/// <summary>What <see cref="SortedSetValue.Add"/> did.</summary>
public enum ZAddResult
{
    /// <summary>A new member.</summary>
    Added,

    /// <summary>An existing member got a different score.</summary>
    Updated,

    /// <summary>An existing member, whose score was already the new one.</summary>
    Unchanged,

    /// <summary>Nothing done because of NX, XX, GT or LT (Redis's "NOP").</summary>
    Skipped,

    /// <summary>The increment made the score NaN; nothing changed.</summary>
    NaN,
}

/// <summary>
/// A sorted set, encoded as Redis 7.0 encodes it. While small (at most zset-max-listpack-entries members, none
/// longer than zset-max-listpack-value bytes) it is a "listpack": one byte array of (member, score) entries in
/// order, searched linearly. Past those limits it converts, for good, to "skiplist" (as OBJECT ENCODING calls
/// it): a <see cref="KeyTable{TValue, TKey}"/> from member to score for O(1) lookups plus a
/// <see cref="SortedSetTree"/> for order, sharing one <see cref="ScoredMember"/> array per member.
/// Positions are ranks: 0 is the lowest (score, member).
/// </summary>
public sealed partial class SortedSetValue : DataObject
{
    private KeyTable<byte, ScoredMember>? _table;
    private SortedSetTree? _tree;

    /// <summary>An empty listpack-encoded set.</summary>
    public SortedSetValue()
    {
    }

    /// <summary>An empty set in the big encoding from the start.</summary>
    public static SortedSetValue CreateSkiplist()
    {
        var set = new SortedSetValue();
        set.ConvertToSkiplist();
        return set;
    }

    /// <summary>
    /// A new, empty set for a command's stored result of about <paramref name="expectedCount"/> members (-1 when
    /// unknown), encoded as Redis 7.0 starts one (ZRANGESTORE): a listpack unless the count is known to pass
    /// <paramref name="maxEntries"/>. Adding with the usual limits converts it later if needed.
    /// </summary>
    public static SortedSetValue CreateForResult(long expectedCount, long maxEntries) =>
        expectedCount > maxEntries ? CreateSkiplist() : new SortedSetValue();

    public override RedisType Type => RedisType.ZSet;

    public override string Encoding => _tree is null ? "listpack" : "skiplist";

    public bool IsListpack => _tree is null;

    public int Count => _tree?.Count ?? _listCount;

    /// <summary>The member table of the big encoding (null for a listpack): ZSCAN walks its buckets.</summary>
    public KeyTable<byte, ScoredMember>? Table => _table;

    /// <summary>The member table of the big encoding, whose lookups a pipelined batch may prefetch.</summary>
    public override IPrefetchable? Elements => _table;

    public bool Contains(ReadOnlySpan<byte> member) => TryGetScore(member, out _);

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        if (_table is null) return FindInListpack(member, out score) >= 0;
        int index = _table.Find(member);
        score = index < 0 ? 0 : ScoredMember.ScoreOf(_table.KeyAt(index));
        return index >= 0;
    }

    /// <summary>
    /// Adds or updates a member with Redis 7.0's ZADD semantics (see <see cref="ZAddFlags"/>; NX with GT or LT,
    /// or GT with LT, are the caller's to refuse). <paramref name="newScore"/> is the member's score after the
    /// call whenever the result is Added, Updated or Unchanged. A new member that would make the set pass
    /// <paramref name="maxEntries"/> members, or is longer than <paramref name="maxValue"/> bytes, converts a
    /// listpack first. <paramref name="score"/> must not be NaN.
    /// </summary>
    public ZAddResult Add(ReadOnlySpan<byte> member, double score, ZAddFlags flags, long maxEntries, long maxValue, out double newScore)
    {
        newScore = score;
        if (_table is null)
        {
            int at = FindInListpack(member, out double current);
            if (at >= 0)
            {
                if (!TryApply(flags, current, ref score, out var refused)) return refused;
                newScore = score;
                if (score == current) return ZAddResult.Unchanged;
                RemoveFromListpack(at);
                InsertIntoListpack(member, score);
                return ZAddResult.Updated;
            }
            if ((flags & ZAddFlags.XX) != 0) return ZAddResult.Skipped;
            if (_listCount + 1 <= maxEntries && member.Length <= maxValue)
            {
                InsertIntoListpack(member, score);
                return ZAddResult.Added;
            }
            ConvertToSkiplist();
        }

        var table = _table!;
        int hash = KeyHash.Of(member);
        int index = table.Find(member, hash);
        if (index >= 0)
        {
            byte[] stored = table.KeyAt(index);
            double current = ScoredMember.ScoreOf(stored);
            if (!TryApply(flags, current, ref score, out var refused)) return refused;
            newScore = score;
            if (score == current) return ZAddResult.Unchanged;
            _tree!.Remove(current, stored);
            ScoredMember.SetScore(stored, score);
            _tree.Insert(score, stored);
            return ZAddResult.Updated;
        }
        if ((flags & ZAddFlags.XX) != 0) return ZAddResult.Skipped;
        byte[] created = ScoredMember.Create(member, score);
        table.Insert(created, hash, 0);
        _tree!.Insert(score, created);
        return ZAddResult.Added;
    }

    /// <summary>For an existing member: NX refuses, INCR adds the current score, GT/LT compare. False with the refusal.</summary>
    private static bool TryApply(ZAddFlags flags, double current, ref double score, out ZAddResult refused)
    {
        refused = ZAddResult.Skipped;
        if ((flags & ZAddFlags.NX) != 0) return false;
        if ((flags & ZAddFlags.Incr) != 0)
        {
            score += current;
            if (double.IsNaN(score))
            {
                refused = ZAddResult.NaN;
                return false;
            }
        }
        if (((flags & ZAddFlags.LT) != 0 && score >= current) || ((flags & ZAddFlags.GT) != 0 && score <= current)) return false;
        return true;
    }

    /// <summary>Sets a member's score, adding it if new (the building block of stored results); true when it was new.</summary>
    public bool Set(ReadOnlySpan<byte> member, double score, long maxEntries, long maxValue) =>
        Add(member, score, ZAddFlags.None, maxEntries, maxValue, out _) == ZAddResult.Added;

    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (_table is null)
        {
            int at = FindInListpack(member, out _);
            if (at < 0) return false;
            RemoveFromListpack(at);
            return true;
        }
        int hash = KeyHash.Of(member);
        int index = _table.Find(member, hash);
        if (index < 0) return false;
        byte[] stored = _table.KeyAt(index);
        _tree!.Remove(ScoredMember.ScoreOf(stored), stored);
        _table.RemoveAt(index);
        return true;
    }

    /// <summary>The member's rank (0 = lowest, or highest when <paramref name="reverse"/>), or -1 when absent.</summary>
    public int RankOf(ReadOnlySpan<byte> member, bool reverse = false)
    {
        int rank;
        if (_table is null) rank = ListpackRankOf(member);
        else
        {
            int index = _table.Find(member);
            if (index < 0) return -1;
            byte[] stored = _table.KeyAt(index);
            rank = _tree!.RankOf(ScoredMember.ScoreOf(stored), stored);
        }
        return rank < 0 ? -1 : reverse ? Count - 1 - rank : rank;
    }

    /// <summary>
    /// Removes <paramref name="count"/> members from rank <paramref name="start"/> on (the range must lie inside
    /// the set). Walk the range first if its members are needed: they are gone afterwards.
    /// </summary>
    public void RemoveRange(int start, int count)
    {
        if (count <= 0) return;
        if (_table is null)
        {
            RemoveListpackRange(start, count);
            return;
        }
        var tree = _tree!;
        for (int i = 0; i < count; i++)
        {
            var cursor = tree.At(start);
            byte[] stored = cursor.Stored;
            var member = ScoredMember.KeyOf(stored);
            _table.Remove(member, KeyHash.Of(member));
            tree.RemoveAt(start);
        }
    }

    /// <summary>One-way switch to the big encoding.</summary>
    public void ConvertToSkiplist()
    {
        if (_table is not null) return;
        var table = new KeyTable<byte, ScoredMember>();
        var tree = new SortedSetTree();
        for (var walk = Walk(); walk.MoveNext();)
        {
            byte[] stored = ScoredMember.Create(walk.Member, walk.Score);
            table.Insert(stored, KeyHash.Of(walk.Member), 0);
            tree.Insert(walk.Score, stored);
        }
        _packed = [];
        _packedLength = 0;
        _listCount = 0;
        _table = table;
        _tree = tree;
    }

    /// <summary>
    /// Converts a big set back to a listpack when it fits the limits, as Redis 7.0 does for the results of
    /// ZUNIONSTORE, ZINTERSTORE and ZDIFFSTORE (built big, then shrunk). No other command converts back.
    /// </summary>
    public void ConvertToListpackIfFits(long maxEntries, long maxValue)
    {
        if (_tree is null || _tree.Count > maxEntries) return;
        for (var walk = Walk(); walk.MoveNext();)
        {
            if (walk.Member.Length > maxValue) return;
        }
        var tree = _tree;
        _table = null;
        _tree = null;
        for (var cursor = new TreeCursor(tree.First, 0); cursor.IsValid; cursor.MoveNext())
        {
            AppendToListpack(cursor.Member, cursor.Score);
        }
    }

    // ---- ranges ----

    /// <summary>The rank of the lowest member whose score is in <paramref name="range"/>, or -1.</summary>
    public int FirstInRange(in ScoreRange range)
    {
        if (range.IsEmpty || Count == 0) return -1;
        int rank;
        double score;
        if (_tree is null)
        {
            rank = 0;
            var walk = Walk();
            while (walk.MoveNext() && !range.GteMin(walk.Score)) rank++;
            if (rank == _listCount) return -1;
            score = walk.Score;
        }
        else
        {
            var search = new ScoreAtLeast(range);
            rank = _tree.Find(ref search, out var cursor);
            if (!cursor.IsValid) return -1;
            score = cursor.Score;
        }
        return range.LteMax(score) ? rank : -1;
    }

    /// <summary>The rank of the highest member whose score is in <paramref name="range"/>, or -1.</summary>
    public int LastInRange(in ScoreRange range)
    {
        if (range.IsEmpty || Count == 0) return -1;
        int rank;
        double score;
        if (_tree is null)
        {
            rank = _listCount - 1;
            var walk = Walk(rank, reverse: true);
            while (walk.MoveNext() && !range.LteMax(walk.Score)) rank--;
            if (rank < 0) return -1;
            score = walk.Score;
        }
        else
        {
            var search = new ScoreAbove(range);
            rank = _tree.Find(ref search, out var cursor) - 1;
            if (rank < 0) return -1;
            if (cursor.IsValid) cursor.MovePrevious();
            else cursor = new TreeCursor(_tree.Last, _tree.Last.Count - 1);
            score = cursor.Score;
        }
        return range.GteMin(score) ? rank : -1;
    }

    /// <summary>How many members have a score in <paramref name="range"/>.</summary>
    public int CountInRange(in ScoreRange range)
    {
        int first = FirstInRange(range);
        return first < 0 ? 0 : LastInRange(range) - first + 1;
    }

    /// <summary>
    /// The rank of the first member in <paramref name="range"/> by member bytes, or -1. Lex ranges assume all
    /// scores are equal; otherwise the answer is what Redis's walk would give: a listpack is scanned from the
    /// start for the first member at or above min (then checked against max), as Redis 7.0 does.
    /// </summary>
    public int FirstInLexRange(in LexRange range)
    {
        if (range.IsEmpty || Count == 0) return -1;
        if (_tree is null)
        {
            if (!ListpackMayHoldLex(range)) return -1;
            int rank = 0;
            for (var walk = Walk(); walk.MoveNext(); rank++)
            {
                if (range.GteMin(walk.Member)) return range.LteMax(walk.Member) ? rank : -1;
            }
            return -1;
        }
        var search = new LexAtLeast(range);
        int found = _tree.Find(ref search, out var cursor);
        return cursor.IsValid && range.LteMax(cursor.Member) ? found : -1;
    }

    /// <summary>The rank of the last member in <paramref name="range"/> by member bytes, or -1 (see <see cref="FirstInLexRange"/>).</summary>
    public int LastInLexRange(in LexRange range)
    {
        if (range.IsEmpty || Count == 0) return -1;
        if (_tree is null)
        {
            if (!ListpackMayHoldLex(range)) return -1;
            int rank = _listCount - 1;
            for (var walk = Walk(rank, reverse: true); walk.MoveNext(); rank--)
            {
                if (range.LteMax(walk.Member)) return range.GteMin(walk.Member) ? rank : -1;
            }
            return -1;
        }
        var search = new LexAbove(range);
        int end = _tree.Find(ref search, out var cursor);
        if (end == 0) return -1;
        if (cursor.IsValid) cursor.MovePrevious();
        else cursor = new TreeCursor(_tree.Last, _tree.Last.Count - 1);
        return range.GteMin(cursor.Member) ? end - 1 : -1;
    }

    /// <summary>Redis's quick test before a listpack lex walk: the last member reaches min and the first does not pass max.</summary>
    private bool ListpackMayHoldLex(in LexRange range)
    {
        var last = Walk(_listCount - 1, reverse: true);
        last.MoveNext();
        if (!range.GteMin(last.Member)) return false;
        var first = Walk();
        first.MoveNext();
        return range.LteMax(first.Member);
    }

    private readonly struct ScoreAtLeast(ScoreRange range) : ITreeSearch
    {
        public bool Above(in TreeItem separator) => range.GteMin(separator.Score);

        public bool AtOrAfter(in TreeItem item) => range.GteMin(item.Score);
    }

    private readonly struct ScoreAbove(ScoreRange range) : ITreeSearch
    {
        public bool Above(in TreeItem separator) => !range.LteMax(separator.Score);

        public bool AtOrAfter(in TreeItem item) => !range.LteMax(item.Score);
    }

    // Lex searches hold the range's bounds as arrays: a ref struct cannot be a generic argument.
    private readonly struct LexAtLeast : ITreeSearch
    {
        private readonly LexBound _min;

        public LexAtLeast(in LexRange range) => _min = LexBound.Min(range);

        public bool Above(in TreeItem separator) => _min.Passed(separator.Member);

        public bool AtOrAfter(in TreeItem item) => _min.Passed(item.Member);
    }

    private readonly struct LexAbove : ITreeSearch
    {
        private readonly LexBound _max;

        public LexAbove(in LexRange range) => _max = LexBound.Max(range);

        public bool Above(in TreeItem separator) => !_max.Passed(separator.Member);

        public bool AtOrAfter(in TreeItem item) => !_max.Passed(item.Member);
    }

    /// <summary>One end of a lex range as a tree search needs it: "member is at or past min" or "member is within max".</summary>
    private readonly struct LexBound
    {
        private readonly byte[] _value;
        private readonly int _infinity;   // -1 for "-", +1 for "+", 0 for a value
        private readonly bool _exclusive;
        private readonly bool _isMin;

        private LexBound(byte[] value, int infinity, bool exclusive, bool isMin)
        {
            _value = value;
            _infinity = infinity;
            _exclusive = exclusive;
            _isMin = isMin;
        }

        public static LexBound Min(in LexRange range) => new(range.Min.ToArray(), range.MinInfinity, range.MinExclusive, isMin: true);

        public static LexBound Max(in LexRange range) => new(range.Max.ToArray(), range.MaxInfinity, range.MaxExclusive, isMin: false);

        /// <summary>For min: the member is at or above it. For max: the member is at or below it.</summary>
        public bool Passed(ReadOnlySpan<byte> member)
        {
            int c = _infinity != 0 ? -_infinity : member.SequenceCompareTo(_value);
            if (_isMin) return _exclusive ? c > 0 : c >= 0;
            return _exclusive ? c < 0 : c <= 0;
        }
    }

    // ---- walking ----

    /// <summary>Walks the members from rank <paramref name="rank"/>, up (or down when <paramref name="reverse"/>). Call MoveNext before the first read.</summary>
    public Walker Walk(int rank = 0, bool reverse = false) => new(this, rank, reverse);

    public Walker GetEnumerator() => Walk();

    /// <summary>
    /// A walk over (member, score) in rank order. The spans point into the set's storage: valid until the set
    /// next changes. The set must not change during the walk.
    /// </summary>
    public ref struct Walker
    {
        private readonly SortedSetValue _set;
        private readonly bool _reverse;
        private bool _started;
        private int _offset;       // listpack: entry start, or -1 when done
        private TreeCursor _cursor;

        internal Walker(SortedSetValue set, int rank, bool reverse)
        {
            _set = set;
            _reverse = reverse;
            _offset = -1;
            if (set._tree is { } tree) _cursor = tree.At(rank);
            else if ((uint)rank < (uint)set._listCount) _offset = set.OffsetOfRank(rank);
        }

        public ReadOnlySpan<byte> Member { get; private set; }

        public double Score { get; private set; }

        public readonly Walker GetEnumerator() => this;

        public readonly Walker Current => this;

        public bool MoveNext()
        {
            if (_set._tree is not null)
            {
                if (_started)
                {
                    if (_reverse) _cursor.MovePrevious();
                    else _cursor.MoveNext();
                }
                _started = true;
                if (!_cursor.IsValid) return false;
                byte[] stored = _cursor.Stored;
                Member = ScoredMember.KeyOf(stored);
                Score = ScoredMember.ScoreOf(stored);
                return true;
            }
            if (_started && _offset >= 0) _offset = _reverse ? _set.PreviousEntry(_offset) : _set.NextEntry(_offset);
            _started = true;
            if (_offset < 0) return false;
            _set.ReadEntry(_offset, out var member, out double score);
            Member = member;
            Score = score;
            return true;
        }
    }

    /// <summary>A copy sharing nothing mutable (scores change in place in the big encoding).</summary>
    public override DataObject Clone()
    {
        var copy = new SortedSetValue();
        if (_tree is null)
        {
            copy._packed = _packed.AsSpan(0, _packedLength).ToArray();
            copy._packedLength = _packedLength;
            copy._listCount = _listCount;
            return copy;
        }
        var table = new KeyTable<byte, ScoredMember>();
        var tree = new SortedSetTree();
        for (var cursor = new TreeCursor(_tree.First, 0); cursor.IsValid; cursor.MoveNext())
        {
            byte[] stored = (byte[])cursor.Stored.Clone();
            table.Insert(stored, KeyHash.Of(ScoredMember.KeyOf(stored)), 0);
            tree.Insert(ScoredMember.ScoreOf(stored), stored);
        }
        copy._table = table;
        copy._tree = tree;
        return copy;
    }

    /// <summary>Checks the big encoding's structures agree (tests only).</summary>
    internal void Validate()
    {
        if (_tree is null) return;
        _tree.Validate();
        if (_table!.Count != _tree.Count) throw new InvalidOperationException("table and tree sizes differ");
    }
}
