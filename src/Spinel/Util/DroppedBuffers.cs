namespace Spinel.Util;

/// <summary>
/// Counts the bytes of large arrays let go outside the keyspace: an input buffer grown for, or shrunk after, a big
/// command, the argument tables of a command of very many arguments, a reply buffer grown for a big reply. The GC
/// only learns they are free at its next full collection, which an idle server never triggers; the cron adds this
/// count to the values freed to decide when to hand memory back (see SpinelServer.ReturnFreedMemory).
/// Process-wide, as the GC heap is.
/// </summary>
public static class DroppedBuffers
{
    /// <summary>Arrays from this size go to the large object heap, which only a full collection frees.</summary>
    public const int LargeObjectSize = 85_000;

    private static long s_bytes;

    public static long Total => Interlocked.Read(ref s_bytes);

    /// <summary>Counts an array that was just dropped; small ones are left to the young-generation collections.</summary>
    public static void Add(Array array)
    {
        long bytes = (long)array.Length * (array is int[]? sizeof(int) : 1);
        if (bytes >= LargeObjectSize) Interlocked.Add(ref s_bytes, bytes);
    }
}
