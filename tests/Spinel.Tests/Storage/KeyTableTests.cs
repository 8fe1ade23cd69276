using System.Text;
using Spinel.Storage;

namespace Spinel.Tests.Storage;

public sealed class KeyTableTests
{
    private static byte[] K(int i) => Encoding.ASCII.GetBytes("key:" + i);

    private static void Add(KeyTable<int> table, int i) => table.Insert(K(i), KeyHash.Of(K(i)), i);

    private static bool Remove(KeyTable<int> table, int i) => table.Remove(K(i), KeyHash.Of(K(i)));

    [Fact]
    public void Inserted_keys_are_found_with_their_values_and_removed_keys_are_not()
    {
        var table = new KeyTable<int>();
        for (int i = 0; i < 1000; i++) Add(table, i);
        Assert.Equal(1000, table.Count);
        for (int i = 0; i < 1000; i++) Assert.Equal(i, table.ValueAt(table.Find(K(i))));
        Assert.Equal(-1, table.Find("key:1000"u8));

        for (int i = 0; i < 1000; i += 2) Assert.True(Remove(table, i));
        Assert.False(Remove(table, 0));
        Assert.Equal(500, table.Count);
        for (int i = 0; i < 1000; i++)
        {
            int index = table.Find(K(i));
            if (i % 2 == 0) Assert.Equal(-1, index);
            else Assert.Equal(i, table.ValueAt(index));
        }
    }

    [Fact]
    public void Table_grows_to_keep_one_key_per_bucket_and_shrinks_below_ten_percent_fill()
    {
        var table = new KeyTable<int>();
        for (int i = 0; i < 100_000; i++) Add(table, i);
        Assert.True(table.Size >= table.Count, $"size {table.Size} for {table.Count} keys");
        Assert.Equal(131072, table.Size);

        for (int i = 0; i < 99_990; i++) Remove(table, i);
        Assert.Equal(10, table.Count);
        Assert.True(table.Count * 10 >= table.Size, $"size {table.Size} for {table.Count} keys after removing almost everything");
        for (int i = 99_990; i < 100_000; i++) Assert.Equal(i, table.ValueAt(table.Find(K(i))));

        for (int i = 99_990; i < 100_000; i++) Remove(table, i);
        Assert.Equal(0, table.Count);
        Assert.Equal(4, table.Size);
    }

    [Fact]
    public void Freed_slots_are_reused_without_losing_keys()
    {
        var table = new KeyTable<int>();
        var random = new Random(7);
        var live = new HashSet<int>();
        for (int step = 0; step < 50_000; step++)
        {
            int i = random.Next(2000);
            if (live.Contains(i))
            {
                Assert.True(Remove(table, i));
                live.Remove(i);
            }
            else
            {
                Add(table, i);
                live.Add(i);
            }
        }
        Assert.Equal(live.Count, table.Count);
        int seen = 0;
        foreach (int index in table)
        {
            Assert.Contains(table.ValueAt(index), live);
            seen++;
        }
        Assert.Equal(live.Count, seen);
    }

    private static ulong ScanStep(KeyTable<int> table, ulong cursor, HashSet<int> seen)
    {
        var state = (Table: table, Seen: seen);
        return table.ScanBucket(cursor, ref state, static (ref (KeyTable<int> Table, HashSet<int> Seen) s, int index) => s.Seen.Add(s.Table.ValueAt(index)));
    }

    [Fact]
    public void Scan_returns_every_key_present_for_the_whole_scan_while_the_table_grows_and_shrinks()
    {
        for (int seed = 1; seed <= 40; seed++) ScanWhileResizing(seed);
    }

    private static void ScanWhileResizing(int seed)
    {
        var random = new Random(seed);
        var table = new KeyTable<int>();
        int next = 0;
        var live = new HashSet<int>();
        int initial = random.Next(10, 3000);
        for (int i = 0; i < initial; i++)
        {
            Add(table, next);
            live.Add(next++);
        }
        // Keys present at the start and never removed must all be returned.
        var stable = new HashSet<int>(live);
        var seen = new HashSet<int>();
        ulong cursor = 0;
        int steps = 0;
        bool grew = false, shrank = false;
        do
        {
            cursor = ScanStep(table, cursor, seen);
            steps++;
            // Between steps, sometimes add a burst (growing the table), sometimes remove most keys (shrinking it).
            int sizeBefore = table.Size;
            // The first steps force one growth and one shrink; later ones are random.
            int action = steps switch { 1 => 0, 2 => 2, _ => random.Next(10) };
            if (action < 2)
            {
                int burst = random.Next(1, table.Count * 2 + 10);
                for (int i = 0; i < burst; i++)
                {
                    Add(table, next);
                    live.Add(next++);
                }
            }
            else if (action < 4)
            {
                foreach (int key in live.ToArray())
                {
                    if (random.Next(100) < 95)
                    {
                        Remove(table, key);
                        live.Remove(key);
                        stable.Remove(key);
                    }
                }
            }
            grew |= table.Size > sizeBefore;
            shrank |= table.Size < sizeBefore;
            Assert.True(steps < 10_000_000, "scan did not terminate");
        }
        while (cursor != 0);

        Assert.True(grew && shrank, $"the table should both grow and shrink during the scan (grew {grew}, shrank {shrank})");
        foreach (int key in stable) Assert.True(seen.Contains(key), $"seed {seed}: key {key} present throughout was not returned");
    }

    [Fact]
    public void Scan_of_an_unchanged_table_visits_each_key_once()
    {
        var table = new KeyTable<int>();
        for (int i = 0; i < 5000; i++) Add(table, i);
        var seen = new List<int>();
        ulong cursor = 0;
        do
        {
            var state = (Table: table, Seen: seen);
            cursor = table.ScanBucket(cursor, ref state, static (ref (KeyTable<int> Table, List<int> Seen) s, int index) => s.Seen.Add(s.Table.ValueAt(index)));
        }
        while (cursor != 0);
        Assert.Equal(5000, seen.Count);
        Assert.Equal(5000, seen.Distinct().Count());
    }

    [Fact]
    public void RandomIndex_returns_minus_one_when_empty_and_reaches_every_key_roughly_evenly()
    {
        var table = new KeyTable<int>();
        var random = new Random(42);
        Assert.Equal(-1, table.RandomIndex(random));

        // A sparse table (many removals leave long runs of empty buckets) is the hard case for fairness.
        for (int i = 0; i < 2000; i++) Add(table, i);
        for (int i = 0; i < 2000; i++)
        {
            if (i % 10 != 0) Remove(table, i);
        }
        int keys = table.Count;
        var hits = new Dictionary<int, int>();
        int draws = keys * 1000;
        for (int d = 0; d < draws; d++)
        {
            int value = table.ValueAt(table.RandomIndex(random));
            hits[value] = hits.GetValueOrDefault(value) + 1;
        }
        Assert.Equal(keys, hits.Count);
        // Buckets are picked uniformly, so a key sharing a chain of length L is drawn about 1/L as often
        // as a lone one; short chains keep every key within a small factor of the mean.
        Assert.True(hits.Values.Min() > 1000 / 5, $"least drawn key: {hits.Values.Min()} of mean 1000");
        Assert.True(hits.Values.Max() < 1000 * 5, $"most drawn key: {hits.Values.Max()} of mean 1000");
    }
}
