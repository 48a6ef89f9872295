namespace Crm.Tests;

public class WireTests
{
    [Theory]
    [InlineData(0L, 0UL)]
    [InlineData(-1L, 1UL)]
    [InlineData(1L, 2UL)]
    [InlineData(-2L, 3UL)]
    [InlineData(long.MaxValue, ulong.MaxValue - 1)]
    [InlineData(long.MinValue, ulong.MaxValue)]
    public void ZigZagMatchesProtocolBuffers(long value, ulong encoded) =>
        Assert.Equal(encoded, ProtoWriter.ZigZag(value));

    [Fact]
    public void EncodesACustomerBatchByteForByte()
    {
        // columns: "a","b"; one row: text "x", sint64 -1; false boolean in a second row; actor "me".
        var (bytes, rows) = BatchEncoder.Encode([
            TestWorkspace.Row(("a", "x"), ("b", -1L)),
            TestWorkspace.Row(("a", null), ("b", false)),
        ], "me");
        byte[] expected =
        [
            0x0A, 1, (byte)'a', 0x0A, 1, (byte)'b',
            0x12, 9, 0x0A, 3, 0x0A, 1, (byte)'x', 0x0A, 2, 0x10, 0x01,
            0x12, 6, 0x0A, 0, 0x0A, 2, 0x20, 0x00,
            0x1A, 2, (byte)'m', (byte)'e',
        ];
        Assert.Equal(2, rows);
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void ARowThatDoesNotNameAColumnListsItAsAbsent()
    {
        // columns: the union "a","b","c"; row 0 leaves out c, row 1 leaves out a and b.
        var (bytes, rows) = BatchEncoder.Encode([
            TestWorkspace.Row(("a", "x"), ("b", null)),
            TestWorkspace.Row(("c", 1L)),
        ], null);
        byte[] expected =
        [
            0x0A, 1, (byte)'a', 0x0A, 1, (byte)'b', 0x0A, 1, (byte)'c',
            0x12, 10, 0x0A, 3, 0x0A, 1, (byte)'x', 0x0A, 0, 0x12, 1, 2,
            0x12, 8, 0x0A, 2, 0x10, 0x02, 0x12, 2, 0, 1,
        ];
        Assert.Equal(2, rows);
        Assert.Equal(expected, bytes);
    }
}
