using Spinel.Util;

namespace Spinel.Commands;

/// <summary>
/// LMPOP, BLMPOP, ZMPOP and BZMPOP share one argument shape from numkeys on: numkeys key [key ...] WHERE [COUNT n],
/// WHERE being LEFT|RIGHT or MIN|MAX. (The blocking forms put their timeout first; Redis reads it after these.)
/// </summary>
internal static class MultiPopArguments
{
    /// <summary>
    /// Parses from <paramref name="numkeysIndex"/> on; <paramref name="firstEnd"/> is true when WHERE is
    /// <paramref name="first"/>, and <paramref name="count"/> defaults to 1. False after replying Redis's error.
    /// </summary>
    public static bool TryParse(CommandContext ctx, int numkeysIndex, string first, string second, out int numKeys, out bool firstEnd, out long count)
    {
        numKeys = 0;
        firstEnd = false;
        count = -1;
        if (!RedisNumbers.TryParseInt64(ctx.Arg(numkeysIndex), out long n) || n < 1)
        {
            ctx.Reply.WriteError(Errors.NumkeysNotPositive);
            return false;
        }
        if (n > ctx.ArgCount - numkeysIndex - 2)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return false;
        }
        numKeys = (int)n;
        int whereIndex = numkeysIndex + 1 + numKeys;
        firstEnd = ctx.ArgIs(whereIndex, first);
        if (!firstEnd && !ctx.ArgIs(whereIndex, second))
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return false;
        }
        for (int j = whereIndex + 1; j < ctx.ArgCount; j++)
        {
            if (count == -1 && j + 1 < ctx.ArgCount && ctx.ArgIs(j, "COUNT"))
            {
                if (!RedisNumbers.TryParseInt64(ctx.Arg(++j), out count) || count < 1)
                {
                    ctx.Reply.WriteError(CountNotPositive);
                    return false;
                }
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return false;
            }
        }
        if (count == -1) count = 1;
        return true;
    }

    private const string CountNotPositive = "ERR count should be greater than 0";
}
