namespace Crm.Tests;

public class WireTests
{
    // A row page's decimals and dates are parsed from their UTF-8 bytes; the
    // result must equal the string parser's, scale included ("1.50" keeps
    // two decimals), also past 18 digits where the fast path gives way.
    [Theory]
    [InlineData("0")]
    [InlineData("-12.50")]
    [InlineData("1.000")]
    [InlineData("999999999999999999")]
    [InlineData("-0.000000000000000001")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("12345678901234567890.12")]
    public void ParsesDecimalBytesAsTheTextParserDoes(string text)
    {
        decimal fromBytes = CrmValue.ParseDecimal(System.Text.Encoding.UTF8.GetBytes(text));
        decimal fromText = CrmValue.ParseDecimal(text);
        Assert.Equal(fromText, fromBytes);
        Assert.Equal(fromText.Scale, fromBytes.Scale);
        Assert.Equal(text, fromBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("1.2.3")]
    [InlineData("12a")]
    public void RefusesDecimalBytesThatAreNotExactDecimals(string text) =>
        Assert.Throws<FormatException>(() => CrmValue.ParseDecimal(System.Text.Encoding.UTF8.GetBytes(text)));

    [Theory]
    [InlineData("2024-02-29", 2024, 2, 29)]
    [InlineData("0001-01-01", 1, 1, 1)]
    [InlineData("9999-12-31", 9999, 12, 31)]
    public void ParsesDateBytes(string text, int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), CrmValue.ParseDate(System.Text.Encoding.UTF8.GetBytes(text)));

    [Theory]
    [InlineData("2023-02-29")]
    [InlineData("2024-13-01")]
    [InlineData("2024-00-10")]
    [InlineData("0000-01-01")]
    [InlineData("2024-1-01")]
    [InlineData("2024/01/01")]
    [InlineData("20240101")]
    public void RefusesDateBytesThatAreNotDates(string text) =>
        Assert.Throws<FormatException>(() => CrmValue.ParseDate(System.Text.Encoding.UTF8.GetBytes(text)));

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
