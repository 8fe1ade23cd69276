namespace Spinel.Tracking;

/// <summary>
/// One client's CLIENT TRACKING settings. Created at its first CLIENT TRACKING ON and kept afterwards (OFF only clears
/// it), so the dispatcher's per-command test stays a null check for clients that never tracked. Changed under the
/// keyspace lock.
/// </summary>
public sealed class TrackingState
{
    public bool Enabled { get; internal set; }
    public bool Broadcast { get; internal set; }
    public bool OptIn { get; internal set; }
    public bool OptOut { get; internal set; }
    public bool NoLoop { get; internal set; }

    /// <summary>CLIENT CACHING YES (OPTIN) or NO (OPTOUT) was given for the next command.</summary>
    public bool Caching { get; internal set; }

    /// <summary>An invalidation found the redirect client gone (flag R in CLIENT LIST).</summary>
    public bool BrokenRedirect { get; internal set; }

    /// <summary>The client invalidations go to; 0 for the client itself.</summary>
    public long RedirectId { get; internal set; }

    /// <summary>BCAST prefixes, in byte order as TRACKINGINFO lists them.</summary>
    public SortedSet<byte[]> Prefixes { get; } = new(ByteOrder.Instance);

    /// <summary>Whether the command about to finish read keys this client must remember (OPTIN/OPTOUT and CLIENT CACHING).</summary>
    internal bool RemembersReads => Enabled && !Broadcast && (OptIn ? Caching : !(OptOut && Caching));

    internal void Clear()
    {
        Enabled = Broadcast = OptIn = OptOut = NoLoop = Caching = BrokenRedirect = false;
        RedirectId = 0;
        Prefixes.Clear();
    }
}
