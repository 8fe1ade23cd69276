namespace Spinel.Util;

/// <summary>LZF decompression, for the compressed strings Redis writes in RDB payloads (rdbcompression yes).</summary>
public static class Lzf
{
    /// <summary>Fills <paramref name="output"/> exactly; false for malformed input.</summary>
    public static bool TryDecompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int ip = 0, op = 0;
        while (ip < input.Length)
        {
            int control = input[ip++];
            if (control < 32)
            {
                // A literal run of control + 1 bytes.
                int run = control + 1;
                if (ip + run > input.Length || op + run > output.Length) return false;
                input.Slice(ip, run).CopyTo(output[op..]);
                ip += run;
                op += run;
                continue;
            }
            // A back reference: length in the top 3 bits (7 means one more length byte), offset in 13 bits.
            int length = control >> 5;
            if (length == 7)
            {
                if (ip >= input.Length) return false;
                length += input[ip++];
            }
            if (ip >= input.Length) return false;
            int back = op - ((control & 0x1f) << 8) - 1 - input[ip++];
            length += 2;
            if (back < 0 || op + length > output.Length) return false;
            // Byte by byte: the source may overlap what is being written (runs).
            for (int i = 0; i < length; i++) output[op++] = output[back++];
        }
        return op == output.Length;
    }
}
