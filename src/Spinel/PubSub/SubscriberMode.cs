using Spinel.Commands;

namespace Spinel.PubSub;

/// <summary>A RESP2 client with subscriptions may only run these commands (Redis 7.0's list); RESP3 clients run anything.</summary>
internal static class SubscriberMode
{
    public static bool Allows(CommandSpec spec) => spec.Name is "ping" or "subscribe" or "ssubscribe" or "unsubscribe"
        or "sunsubscribe" or "psubscribe" or "punsubscribe" or "quit" or "reset";

    public static string Error(CommandSpec spec) =>
        $"ERR Can't execute '{spec.FullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";
}
