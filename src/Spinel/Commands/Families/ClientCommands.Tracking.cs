using System.Text;
using Spinel.Tracking;

namespace Spinel.Commands.Families;

/// <summary>CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO: client-side caching (see <see cref="TrackingRegistry"/>).</summary>
public static partial class ClientCommands
{
    private const string SwitchModeTail = " before disabling tracking for this client, and then re-enabling it with a different mode.";

    /// <summary>CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP], checked in Redis's order.</summary>
    private static void Tracking(CommandContext ctx)
    {
        long redirect = 0;
        bool broadcast = false, optIn = false, optOut = false, noLoop = false;
        var prefixes = new List<byte[]>();
        for (int j = 3; j < ctx.ArgCount; j++)
        {
            bool more = j < ctx.ArgCount - 1;
            if (more && ctx.ArgIs(j, "REDIRECT"))
            {
                j++;
                if (redirect != 0)
                {
                    ctx.Reply.WriteError("ERR A client can only redirect to a single other client");
                    return;
                }
                if (!ctx.TryGetLong(j, out redirect)) return;
                // The target must exist now, though it may go away later (the redirect is then reported broken).
                if (ctx.Server.Clients.Find(redirect) is null)
                {
                    ctx.Reply.WriteError("ERR The client ID you want redirect to does not exist");
                    return;
                }
            }
            else if (ctx.ArgIs(j, "BCAST")) broadcast = true;
            else if (ctx.ArgIs(j, "OPTIN")) optIn = true;
            else if (ctx.ArgIs(j, "OPTOUT")) optOut = true;
            else if (ctx.ArgIs(j, "NOLOOP")) noLoop = true;
            else if (more && ctx.ArgIs(j, "PREFIX")) prefixes.Add(ctx.Args.ToArray(++j));
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }

        if (ctx.ArgIs(2, "OFF"))
        {
            ctx.Server.Tracking.Disable(ctx.Client);
            ctx.Reply.WriteOk();
            return;
        }
        if (!ctx.ArgIs(2, "ON"))
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        var current = ctx.Client.Tracking;
        string? error = null;
        if (!broadcast && prefixes.Count != 0) error = "ERR PREFIX option requires BCAST mode to be enabled";
        else if (current is { Enabled: true } && current.Broadcast != broadcast) error = "ERR You can't switch BCAST mode on/off" + SwitchModeTail;
        else if (broadcast && (optIn || optOut)) error = "ERR OPTIN and OPTOUT are not compatible with BCAST";
        else if (optIn && optOut) error = "ERR You can't specify both OPTIN mode and OPTOUT mode";
        else if ((optIn && current is { OptOut: true }) || (optOut && current is { OptIn: true })) error = "ERR You can't switch OPTIN/OPTOUT mode" + SwitchModeTail;
        else if (broadcast) error = PrefixOverlap(current, prefixes);
        if (error is not null)
        {
            ctx.Reply.WriteError(error);
            return;
        }
        ctx.Server.Tracking.Enable(ctx.Client, redirect, broadcast, optIn, optOut, noLoop, prefixes);
        ctx.Reply.WriteOk();
    }

    /// <summary>A client's prefixes must not overlap (one starting with another), among themselves or with those it has.</summary>
    private static string? PrefixOverlap(TrackingState? current, List<byte[]> prefixes)
    {
        for (int i = 0; i < prefixes.Count; i++)
        {
            if (current is not null)
            {
                foreach (var existing in current.Prefixes)
                {
                    if (Overlap(existing, prefixes[i])) return OverlapError(prefixes[i], "an existing", existing);
                }
            }
            for (int j = i + 1; j < prefixes.Count; j++)
            {
                if (Overlap(prefixes[i], prefixes[j])) return OverlapError(prefixes[i], "another provided", prefixes[j]);
            }
        }
        return null;
    }

    private static bool Overlap(byte[] a, byte[] b)
    {
        int n = Math.Min(a.Length, b.Length);
        return a.AsSpan(0, n).SequenceEqual(b.AsSpan(0, n));
    }

    /// <summary>Redis formats the prefixes as C strings: each ends at its first NUL byte.</summary>
    private static string OverlapError(byte[] prefix, string which, byte[] other) =>
        $"ERR Prefix '{CString(prefix)}' overlaps with {which} prefix '{CString(other)}'. Prefixes for a single client must not overlap.";

    private static string CString(byte[] bytes)
    {
        int nul = Array.IndexOf(bytes, (byte)0);
        return Encoding.Latin1.GetString(bytes, 0, nul < 0 ? bytes.Length : nul);
    }

    /// <summary>CLIENT CACHING YES|NO: in OPTIN (YES) or OPTOUT (NO) mode, changes whether the next command's reads are tracked.</summary>
    private static void Caching(CommandContext ctx)
    {
        if (ctx.Client.Tracking is not { Enabled: true } state)
        {
            ctx.Reply.WriteError("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled");
            return;
        }
        if (ctx.ArgIs(2, "YES"))
        {
            if (!state.OptIn)
            {
                ctx.Reply.WriteError("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
                return;
            }
        }
        else if (ctx.ArgIs(2, "NO"))
        {
            if (!state.OptOut)
            {
                ctx.Reply.WriteError("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
                return;
            }
        }
        else
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        state.Caching = true;
        ctx.Reply.WriteOk();
    }

    private static void GetRedir(CommandContext ctx) =>
        ctx.Reply.WriteInteger(ctx.Client.Tracking is { Enabled: true } state ? state.RedirectId : -1);

    /// <summary>CLIENT TRACKINGINFO: a map of flags (a set), redirect and prefixes.</summary>
    private static void TrackingInfo(CommandContext ctx)
    {
        var state = ctx.Client.Tracking;
        bool on = state is { Enabled: true };
        var flags = new List<string> { on ? "on" : "off" };
        if (state is not null)
        {
            if (state.Broadcast) flags.Add("bcast");
            if (state.OptIn)
            {
                flags.Add("optin");
                if (state.Caching) flags.Add("caching-yes");
            }
            if (state.OptOut)
            {
                flags.Add("optout");
                if (state.Caching) flags.Add("caching-no");
            }
            if (state.NoLoop) flags.Add("noloop");
            if (state.BrokenRedirect) flags.Add("broken_redirect");
        }
        var reply = ctx.Reply;
        reply.WriteMapHeader(3);
        reply.WriteBulk("flags");
        reply.WriteSetHeader(flags.Count);
        foreach (var flag in flags) reply.WriteBulk(flag);
        reply.WriteBulk("redirect");
        reply.WriteInteger(on ? state!.RedirectId : -1);
        reply.WriteBulk("prefixes");
        reply.WriteArrayHeader(state?.Prefixes.Count ?? 0);
        if (state is not null)
        {
            foreach (var prefix in state.Prefixes) reply.WriteBulk(prefix);
        }
    }

    /// <summary>CLIENT LIST's tracking flags: t tracking, R redirect broken, B broadcast.</summary>
    private static string TrackingFlags(TrackingState? state) => state is not { Enabled: true } ? "" :
        "t" + (state.BrokenRedirect ? "R" : "") + (state.Broadcast ? "B" : "");
}
