using System.Security.Cryptography;
using Spinel.Scripting.Lua;

namespace Spinel.Scripting;

/// <summary>An EVAL script compiled once and kept by the SHA1 of its body.</summary>
public sealed class CachedScript(string sha, byte[] body, ScriptFlags flags, LuaFunction function)
{
    public string Sha { get; } = sha;
    public byte[] Body { get; } = body;
    public ScriptFlags Flags { get; } = flags;
    public LuaFunction Function { get; } = function;

    public ScriptPlacement Placement { get; } = new(repeatable: true);
}

/// <summary>
/// EVAL's scripts by SHA1 (SCRIPT LOAD, EXISTS, FLUSH; EVALSHA). Lookups take the SHA as it arrives
/// (any letter case) without allocating.
/// </summary>
public sealed class ScriptCache
{
    private readonly Dictionary<string, CachedScript> _bySha = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CachedScript>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public ScriptCache() => _lookup = _bySha.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _bySha.Count;

    /// <summary>Bytes of script bodies held, for INFO's used_memory_scripts_eval.</summary>
    public long BodyBytes { get; private set; }

    public CachedScript? Find(ReadOnlySpan<byte> sha)
    {
        if (sha.Length != 40) return null;
        Span<char> lower = stackalloc char[40];
        for (int i = 0; i < 40; i++)
        {
            byte b = sha[i];
            lower[i] = (char)((uint)(b - 'A') <= 'Z' - 'A' ? b | 0x20 : b);
        }
        return _lookup.TryGetValue(lower, out var script) ? script : null;
    }

    public void Add(CachedScript script)
    {
        if (_bySha.TryAdd(script.Sha, script)) BodyBytes += script.Body.Length;
    }

    public void Clear()
    {
        _bySha.Clear();
        BodyBytes = 0;
    }

    /// <summary>Lower-case hex SHA1, as Redis names scripts and as redis.sha1hex returns.</summary>
    public static string Sha1Hex(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(data, hash);
        return Convert.ToHexStringLower(hash);
    }
}
