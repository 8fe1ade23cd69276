using Spinel.Storage;

namespace Spinel.Tests.Storage;

public sealed class PackedBytesTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(127, 1)]
    [InlineData(128, 2)]
    [InlineData(16383, 2)]
    [InlineData(16384, 3)]
    [InlineData(int.MaxValue, 5)]
    public void A_length_prefix_round_trips_in_its_predicted_size(int length, int size)
    {
        Assert.Equal(size, PackedBytes.PrefixSize(length));
        var buffer = new byte[8];
        Assert.Equal(size, PackedBytes.WritePrefix(buffer, length));
        int offset = 0;
        Assert.Equal(length, PackedBytes.ReadPrefix(buffer, ref offset));
        Assert.Equal(size, offset);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(5, 10)]
    [InlineData(200, 3)]
    public void A_packed_pair_gives_back_its_field_and_value(int fieldLength, int valueLength)
    {
        var field = Enumerable.Range(0, fieldLength).Select(i => (byte)i).ToArray();
        var value = Enumerable.Range(0, valueLength).Select(i => (byte)(255 - i)).ToArray();
        var pair = PackedPair.Create(field, value);
        Assert.Equal(field, PackedPair.KeyOf(pair).ToArray());
        Assert.Equal(value, PackedPair.ValueOf(pair).ToArray());
        Assert.Equal(PackedBytes.PrefixSize(fieldLength) + fieldLength + valueLength, pair.Length);
    }
}
