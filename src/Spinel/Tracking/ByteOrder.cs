namespace Spinel.Tracking;

/// <summary>Byte-wise order, shorter first on a common start: the order Redis lists prefixes and broadcast keys in.</summary>
internal sealed class ByteOrder : IComparer<byte[]>
{
    public static readonly ByteOrder Instance = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
