namespace Spinel.Config;

/// <summary>
/// One setting as CONFIG GET/SET and the config file see it: a name (plus old aliases), a way to show
/// the current value, and a way to change it that validates like Redis and returns its error text.
/// </summary>
public sealed class ConfigEntry
{
    public required string Name { get; init; }
    public string[] Aliases { get; init; } = [];
    public required Func<string> Get { get; init; }

    /// <summary>Applies a value; returns null on success or the reason it was refused.</summary>
    public required Func<string, string?> Set { get; init; }

    /// <summary>Only settable at startup (config file or command line).</summary>
    public bool Immutable { get; init; }

    /// <summary>Refused by CONFIG SET unless enable-protected-configs allows it (dir, dbfilename).</summary>
    public bool Protected { get; init; }

    /// <summary>The value right after construction; CONFIG REWRITE leaves settings at their default out of the file.</summary>
    public string DefaultValue { get; internal set; } = "";

    /// <summary>
    /// Redis's HIDDEN_CONFIG (settings for its own tests, e.g. key-load-delay): CONFIG GET shows it only when asked
    /// for by its exact name, never for a pattern such as *.
    /// </summary>
    public bool Hidden { get; init; }

    /// <summary>
    /// The missing feature that would act on this setting ("persistence", "TLS"...), or null when Spinel acts on it.
    /// Set from the one table in ServerConfig.Accepted.cs; a value other than the default (or empty) is warned about.
    /// </summary>
    public string? NotActedOnFor { get; internal set; }

    /// <summary>Takes several words (bind, save, client-output-buffer-limit); the file's words are joined by spaces.</summary>
    public bool MultiArg { get; init; }
}
