using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Spinel.Storage;

/// <summary>A table whose stored arrays are exactly their keys: the keyspace, expiry deadlines, set members.</summary>
public sealed class KeyTable<TValue> : KeyTable<TValue, WholeArrayKey>;

/// <summary>
/// The hash every table uses, so a key hashed once can be looked up (or prefetched) in any of them.
/// Seeded randomly per process, so clients cannot aim keys at one bucket.
/// </summary>
public static class KeyHash
{
    private static readonly ulong Seed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Of(ReadOnlySpan<byte> key) => (int)XxHash3.HashToUInt64(key, (long)Seed);
}

/// <summary>A table whose lookups a pipelined batch can start loading before it runs (see <see cref="KeyTable{TValue, TKey}.Prefetch"/>).</summary>
public interface IPrefetchable
{
    void Prefetch(int hash, int stage);
}

/// <summary>Where a table's key lies inside the byte array it stores (a struct, so the JIT specializes each table).</summary>
public interface IStoredKey
{
    static abstract ReadOnlySpan<byte> KeyOf(byte[] stored);
}

/// <summary>The stored array is the key.</summary>
public readonly struct WholeArrayKey : IStoredKey
{
    public static ReadOnlySpan<byte> KeyOf(byte[] stored) => stored;
}

/// <summary>
/// A chained hash table from byte-string keys to values, sized in powers of two.
/// Power-of-two sizes let SCAN walk buckets with a reverse-binary cursor, which visits every key
/// that stays in the table for the whole scan even when the table grows or shrinks in between.
/// Entries live in one struct array (no per-entry object), keys are exact-length byte arrays,
/// and lookups take a span, so reading a key allocates nothing.
/// <typeparamref name="TKey"/> says where the key lies in each stored array, so a hash can keep a field and
/// its value in one array (<see cref="PackedPair"/>). Not thread-safe: the keyspace lock guards it.
/// </summary>
public class KeyTable<TValue, TKey> : IPrefetchable
    where TKey : struct, IStoredKey
{
    private const int MinSize = 4;

    private struct Entry
    {
        public byte[]? Key;
        public TValue Value;
        public int Hash;
        public int Next;  // link to the next entry in the chain (index + 1, 0 at the end); next free slot when free
        public int Meta;  // per-key extra bits for the owner (access clock, flags)
    }

    private int[] _buckets;      // entry index + 1; 0 marks an empty bucket
    private Entry[] _entries;
    private int _count;
    private int _used;           // entries handed out from the array's start, live or freed
    private int _freeList;        // link to the first free entry, 0 when none

    public KeyTable()
    {
        _buckets = new int[MinSize];
        _entries = new Entry[MinSize];
    }

    public int Count => _count;

    /// <summary>Number of buckets (the SCAN cursor space).</summary>
    public int Size => _buckets.Length;

    /// <summary>The entry index of <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key, int hash)
    {
        var entries = _entries;
        int link = _buckets[hash & (_buckets.Length - 1)];
        while (link != 0)
        {
            ref Entry e = ref entries[link - 1];
            if (e.Hash == hash && key.SequenceEqual(TKey.KeyOf(e.Key!))) return link - 1;
            link = e.Next;
        }
        return -1;
    }

    public int Find(ReadOnlySpan<byte> key) => Find(key, KeyHash.Of(key));

    /// <summary>
    /// Starts loading what a lookup of <paramref name="hash"/> will touch, without waiting for it.
    /// Stage 0 fetches the bucket; stage 1 (bucket now cached) the first entry; stage 2 (entry now
    /// cached) its key and value arrays. Running each stage over a whole pipelined batch overlaps the
    /// cache misses of all its lookups instead of paying them one after another. Only a hint: a
    /// prefetch never faults, so a stale address is harmless.
    /// </summary>
    public unsafe void Prefetch(int hash, int stage)
    {
        if (!Sse.IsSupported) return;
        ref int bucket = ref _buckets[hash & (_buckets.Length - 1)];
        if (stage == 0)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref bucket));
            return;
        }
        if (bucket == 0) return;
        ref Entry e = ref _entries[bucket - 1];
        if (stage == 1)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref e));
            return;
        }
        if (e.Key is { } key) Sse.Prefetch0(Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(key)));
        if (e.Value is byte[] value) Sse.Prefetch0(Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(value)));
    }

    /// <summary>The stored array at <paramref name="index"/>: the key itself, or the array holding it.</summary>
    public byte[] KeyAt(int index) => _entries[index].Key!;

    public ref TValue ValueAt(int index) => ref _entries[index].Value;

    public ref int MetaAt(int index) => ref _entries[index].Meta;

    public int HashAt(int index) => _entries[index].Hash;

    /// <summary>Replaces the stored array at <paramref name="index"/> with one holding the same key.</summary>
    public void ReplaceStored(int index, byte[] stored) => _entries[index].Key = stored;

    /// <summary>Adds a key known to be absent; returns its entry index.</summary>
    public int Insert(byte[] key, int hash, TValue value, int meta = 0)
    {
        if (_count >= _buckets.Length) Resize(_buckets.Length * 2);
        int index;
        if (_freeList != 0)
        {
            index = _freeList - 1;
            _freeList = _entries[index].Next;
        }
        else
        {
            if (_used == _entries.Length) Array.Resize(ref _entries, _entries.Length * 2);
            index = _used++;
        }
        ref int bucket = ref _buckets[hash & (_buckets.Length - 1)];
        ref Entry e = ref _entries[index];
        e.Key = key;
        e.Value = value;
        e.Hash = hash;
        e.Meta = meta;
        e.Next = bucket;
        bucket = index + 1;
        _count++;
        return index;
    }

    /// <summary>Removes the key at <paramref name="index"/>; may shrink the table.</summary>
    public void RemoveAt(int index)
    {
        ref Entry target = ref _entries[index];
        ref int link = ref _buckets[target.Hash & (_buckets.Length - 1)];
        while (link - 1 != index) link = ref _entries[link - 1].Next;
        link = target.Next;
        target.Key = null;
        target.Value = default!;
        target.Next = _freeList;
        _freeList = index + 1;
        _count--;
        // Shrink below 10% fill, as Redis does, so memory comes back after mass deletion or expiry.
        if (_buckets.Length > MinSize && _count * 10 < _buckets.Length) Resize(SizeFor(_count));
    }

    public bool Remove(ReadOnlySpan<byte> key, int hash)
    {
        int i = Find(key, hash);
        if (i < 0) return false;
        RemoveAt(i);
        return true;
    }

    public void Clear()
    {
        _buckets = new int[MinSize];
        _entries = new Entry[MinSize];
        _count = 0;
        _used = 0;
        _freeList = 0;
    }

    private static int SizeFor(int count)
    {
        int size = MinSize;
        while (size < count) size *= 2;
        return size;
    }

    /// <summary>Rebuilds buckets for <paramref name="size"/> and packs live entries to the array's start.</summary>
    private void Resize(int size)
    {
        var entries = new Entry[Math.Max(size, _count)];
        var buckets = new int[size];
        int n = 0;
        for (int i = 0; i < _used; i++)
        {
            ref Entry old = ref _entries[i];
            if (old.Key is null) continue;
            ref Entry e = ref entries[n];
            e = old;
            ref int bucket = ref buckets[e.Hash & (size - 1)];
            e.Next = bucket;
            bucket = n + 1;
            n++;
        }
        _entries = entries;
        _buckets = buckets;
        _used = n;
        _freeList = 0;
    }

    /// <summary>
    /// Visits one bucket and its chain and returns the next cursor (0 when the walk is complete).
    /// The cursor counts with its bits reversed, so doubling or halving the bucket count between calls
    /// neither skips buckets nor loses keys.
    /// </summary>
    public ulong ScanBucket<TState>(ulong cursor, ref TState state, ScanVisitor<TState> visit)
    {
        ulong mask = (ulong)_buckets.Length - 1;
        int link = _buckets[(int)(cursor & mask)];
        while (link != 0)
        {
            int next = _entries[link - 1].Next;
            visit(ref state, link - 1);
            link = next;
        }
        cursor |= ~mask;
        cursor = ReverseBits(cursor);
        cursor++;
        cursor = ReverseBits(cursor);
        return cursor;
    }

    private static ulong ReverseBits(ulong v)
    {
        v = ((v >> 1) & 0x5555555555555555UL) | ((v & 0x5555555555555555UL) << 1);
        v = ((v >> 2) & 0x3333333333333333UL) | ((v & 0x3333333333333333UL) << 2);
        v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FUL) | ((v & 0x0F0F0F0F0F0F0F0FUL) << 4);
        return System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v);
    }

    /// <summary>
    /// A uniformly random live entry index, or -1 when empty: random slots of the entry array until a live one.
    /// Slots in use never outnumber the buckets, and the table shrinks below 10% fill, so at least about one
    /// slot in ten is live and this takes few tries. (A random non-empty bucket and then a random member of its
    /// chain, as before, favoured keys alone in their bucket: twice as likely as two that share one.)
    /// </summary>
    public int RandomIndex(Random random)
    {
        if (_count == 0) return -1;
        while (true)
        {
            int i = random.Next(_used);
            if (_entries[i].Key is not null) return i;
        }
    }

    /// <summary>Enumerates live entry indices; the table must not change during the walk.</summary>
    public IndexEnumerator GetEnumerator() => new(this);

    public struct IndexEnumerator
    {
        private readonly KeyTable<TValue, TKey> _table;
        private int _i;

        internal IndexEnumerator(KeyTable<TValue, TKey> table)
        {
            _table = table;
            _i = -1;
        }

        public readonly int Current => _i;

        public bool MoveNext()
        {
            while (++_i < _table._used)
            {
                if (_table._entries[_i].Key is not null) return true;
            }
            return false;
        }
    }
}

public delegate void ScanVisitor<TState>(ref TState state, int index);
