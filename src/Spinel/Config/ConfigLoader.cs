using System.Text;
using Spinel.Protocol;

namespace Spinel.Config;

/// <summary>
/// Reads settings the way redis-server does: an optional config file in redis.conf syntax, then
/// command-line overrides (<c>--port 7000 --bind 127.0.0.1 ::1</c>), later lines winning.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Builds a config from command-line arguments; throws <see cref="ConfigException"/> with Redis-style text.</summary>
    public static ServerConfig FromCommandLine(string[] args)
    {
        var config = new ServerConfig();
        int i = 0;
        if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal))
        {
            ApplyFile(config, args[0]);
            config.ConfigFile = Path.GetFullPath(args[0]);
            i = 1;
        }
        var text = new StringBuilder();
        for (; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (text.Length > 0) text.Append('\n');
                text.Append(args[i][2..]);
            }
            else
            {
                if (text.Length == 0) throw new ConfigException("command line", 0, args[i], "Invalid argument: options must start with --");
                text.Append(' ').Append(Quote(args[i]));
            }
        }
        Apply(config, text.ToString(), "command line");
        return config;
    }

    public static void ApplyFile(ServerConfig config, string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            throw new ConfigException(path, 0, "", $"Fatal error, can't open config file '{path}': {ex.Message}");
        }
        Apply(config, text, path);
    }

    /// <summary>Applies redis.conf-style lines: "name value...", '#' comments, quoted values, include.</summary>
    public static void Apply(ServerConfig config, string text, string source)
    {
        var lines = text.Split('\n');
        var args = new ArgumentList();
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var bytes = Encoding.UTF8.GetBytes(line);
            var scratch = new byte[bytes.Length];
            args.Reset(scratch);
            if (!InlineSplitter.Split(bytes, scratch, args)) throw new ConfigException(source, n + 1, line, "Unbalanced quotes in configuration line");
            if (args.Count == 0) continue;
            string name = Encoding.UTF8.GetString(args[0]).ToLowerInvariant();
            var values = new string[args.Count - 1];
            for (int a = 1; a < args.Count; a++) values[a - 1] = Encoding.UTF8.GetString(args[a]);

            if (name == "include" && values.Length == 1)
            {
                ApplyFile(config, values[0]);
                continue;
            }
            var entry = config.Find(name);
            if (entry is null || (!entry.MultiArg && values.Length != 1))
                throw new ConfigException(source, n + 1, line, "Bad directive or wrong number of arguments");
            string? error = entry.Set(string.Join(' ', values));
            if (error is not null) throw new ConfigException(source, n + 1, line, error);
        }
    }

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.AsSpan().IndexOfAny(" \t\"'\\") < 0 ? arg : "\"" + arg.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}

public sealed class ConfigException(string source, int line, string text, string reason)
    : Exception($"\n*** FATAL CONFIG FILE ERROR (Spinel) ***\nReading the configuration file ({source}), at line {line}\n>>> '{text}'\n{reason}");
