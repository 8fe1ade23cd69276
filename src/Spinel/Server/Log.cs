using System.Globalization;
using Spinel.Config;

namespace Spinel.Server;

/// <summary>Leveled log lines in Redis's layout: "pid:M 26 Nov 2026 09:21:15.123 * message".</summary>
public sealed class Log
{
    private readonly Func<LogLevel> _level;
    private readonly TextWriter _out;
    private readonly Lock _gate = new();

    public Log(Func<LogLevel> level, TextWriter output)
    {
        _level = level;
        _out = output;
    }

    public void Debug(string message) => Write(LogLevel.Debug, '.', message);
    public void Verbose(string message) => Write(LogLevel.Verbose, '-', message);
    public void Notice(string message) => Write(LogLevel.Notice, '*', message);
    public void Warning(string message) => Write(LogLevel.Warning, '#', message);

    private void Write(LogLevel level, char mark, string message)
    {
        if (level < _level()) return;
        var now = DateTime.Now.ToString("dd MMM yyyy HH:mm:ss.fff", CultureInfo.InvariantCulture);
        lock (_gate)
        {
            _out.WriteLine($"{Environment.ProcessId}:M {now} {mark} {message}");
            _out.Flush();
        }
    }
}
