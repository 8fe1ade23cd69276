using System.Text;

namespace Spinel.Tests.Infrastructure;

/// <summary>Reads exactly one RESP2/RESP3 reply from a stream and returns its raw bytes.</summary>
public sealed class RespReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public async Task<byte[]> ReadReplyAsync(CancellationToken token = default)
    {
        var output = new MemoryStream();
        await ReadValueAsync(output, token);
        return output.ToArray();
    }

    /// <summary>True when the peer closed the connection with nothing more to read.</summary>
    public async Task<bool> IsClosedAsync(CancellationToken token = default)
    {
        if (_start < _end) return false;
        try
        {
            int n = await stream.ReadAsync(_buffer, token);
            _start = 0;
            _end = n;
            return n == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task ReadValueAsync(MemoryStream output, CancellationToken token)
    {
        string line = await ReadLineAsync(output, token);
        char type = line[0];
        string rest = line[1..];
        switch (type)
        {
            case '+' or '-' or ':' or ',' or '#' or '_' or '(':
                return;
            case '$' or '=' or '!':
                {
                    long length = long.Parse(rest);
                    if (length >= 0) await CopyAsync(output, length + 2, token);
                    return;
                }
            case '*' or '~' or '>':
                {
                    long count = long.Parse(rest);
                    for (long i = 0; i < count; i++) await ReadValueAsync(output, token);
                    return;
                }
            case '%' or '|':
                {
                    long count = long.Parse(rest);
                    for (long i = 0; i < count * 2; i++) await ReadValueAsync(output, token);
                    if (type == '|') await ReadValueAsync(output, token);
                    return;
                }
            default:
                throw new InvalidDataException("unexpected reply type: " + line);
        }
    }

    private async Task FillAsync(CancellationToken token)
    {
        if (_start == _end) _start = _end = 0;
        if (_end == _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        int n = await stream.ReadAsync(_buffer.AsMemory(_end), token);
        if (n == 0) throw new EndOfStreamException("connection closed");
        _end += n;
    }

    private async Task<string> ReadLineAsync(MemoryStream output, CancellationToken token)
    {
        var line = new MemoryStream();
        while (true)
        {
            if (_start == _end) await FillAsync(token);
            int nl = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (nl < 0)
            {
                line.Write(_buffer, _start, _end - _start);
                output.Write(_buffer, _start, _end - _start);
                _start = _end;
                continue;
            }
            line.Write(_buffer, _start, nl + 1 - _start);
            output.Write(_buffer, _start, nl + 1 - _start);
            _start = nl + 1;
            var text = Encoding.Latin1.GetString(line.ToArray());
            return text.TrimEnd('\n').TrimEnd('\r');
        }
    }

    private async Task CopyAsync(MemoryStream output, long count, CancellationToken token)
    {
        while (count > 0)
        {
            if (_start == _end) await FillAsync(token);
            int take = (int)Math.Min(count, _end - _start);
            output.Write(_buffer, _start, take);
            _start += take;
            count -= take;
        }
    }
}
