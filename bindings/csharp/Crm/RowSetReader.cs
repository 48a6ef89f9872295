using System;
using System.Collections.Generic;
using System.Text;

namespace Crm;

/// <summary>
/// Decodes a crm.wire.RowSet (crm_rows_encode) by hand: columns (string),
/// rows (CustomerRow { values (Value) }), ids (int64, packed or not),
/// next_cursor; the field numbers are crm.proto's, generated into
/// <see cref="Wire"/>. Unknown fields are skipped, so a newer libcrm that
/// adds fields still reads.
/// </summary>
internal static class RowSetReader
{
    private const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    public static QueryPage Read(ReadOnlySpan<byte> bytes)
    {
        PageIndex page = Index(bytes);
        var result = new QueryRow[page.RowCount];
        for (int i = 0; i < result.Length; i++) result[i] = RowAt(bytes, page, i);
        return new QueryPage(page.Columns.Names, Array.AsReadOnly(result), page.Next);
    }

    /// <summary>
    /// A record encoded by crm_record_encode: a RowSet of one row, with the
    /// record's id and version; its fields in libcrm's order.
    /// </summary>
    /// <exception cref="FormatException">The bytes are not a RowSet of one row.</exception>
    public static (long Id, long Version, IReadOnlyList<string> Names, object?[] Values) ReadRecord(ReadOnlySpan<byte> bytes)
    {
        PageIndex record = Index(bytes);
        if (record.RowCount != 1)
            throw new FormatException($"An encoded record holds {record.RowCount} rows instead of one.");
        long version = record.Versions.Count > 0 ? record.Versions[0] : 0;
        return (record.IdAt(0), version, record.Columns.Names, Values(bytes, record, 0));
    }

    /// <summary>
    /// A page read up to its rows: the columns, ids, versions and cursor, and
    /// where each row's bytes lie, so that rows are decoded one at a time as
    /// a caller reads them (and die young, cheap for the garbage collector).
    /// </summary>
    internal sealed class PageIndex
    {
        public required RowColumns Columns { get; init; }
        public required List<(int Offset, int Length)> Rows { get; init; }
        public required List<long> Ids { get; init; }
        public required List<long> Versions { get; init; }
        /// <summary>The next page's cursor; null after the last page.</summary>
        public string? Next { get; init; }
        public int RowCount => Rows.Count;
        public long IdAt(int row) => row < Ids.Count ? Ids[row] : 0;
    }

    /// <summary>Indexes an encoded RowSet (see <see cref="PageIndex"/>); checks its framing, not yet its rows.</summary>
    /// <exception cref="FormatException">The bytes are not a RowSet.</exception>
    public static PageIndex Index(ReadOnlySpan<byte> bytes)
    {
        var columns = new List<string>();
        var rows = new List<(int, int)>();
        var ids = new List<long>();
        var versions = new List<long>();
        string next = "";
        var reader = new ProtoReader(bytes);
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case Wire.RowSet.Columns when wire == LengthDelimited:
                    columns.Add(reader.ReadString());
                    break;
                case Wire.RowSet.Rows when wire == LengthDelimited:
                    int length = reader.ReadBytes().Length;
                    rows.Add((reader.Position - length, length));
                    break;
                case Wire.RowSet.Ids:
                    ReadInt64s(ref reader, wire, ids);
                    break;
                case Wire.RowSet.Versions:
                    ReadInt64s(ref reader, wire, versions);
                    break;
                case Wire.RowSet.NextCursor when wire == LengthDelimited:
                    next = reader.ReadString();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        return new PageIndex
        {
            Columns = new RowColumns(columns.ToArray()), Rows = rows, Ids = ids, Versions = versions,
            Next = next.Length == 0 ? null : next,
        };
    }

    /// <summary>Row <paramref name="row"/> of an indexed page, decoded.</summary>
    /// <exception cref="FormatException">The row's bytes are malformed.</exception>
    public static QueryRow RowAt(ReadOnlySpan<byte> bytes, PageIndex page, int row) =>
        new(page.IdAt(row), page.Columns, Values(bytes, page, row));

    /// <summary>The same, from a page libcrm holds (crm_rows_encode's bytes, alive while its rows are).</summary>
    public static unsafe QueryRow RowAt(nint bytes, int size, PageIndex page, int row) =>
        RowAt(new ReadOnlySpan<byte>((void*)bytes, size), page, row);

    /// <summary>The values of a row, aligned with the columns: padded or cut rather than misplaced.</summary>
    private static object?[] Values(ReadOnlySpan<byte> bytes, PageIndex page, int row)
    {
        var (offset, length) = page.Rows[row];
        int columns = page.Columns.Names.Count;
        object?[] values = ReadRow(bytes.Slice(offset, length), columns);
        if (values.Length != columns) Array.Resize(ref values, columns);
        return values;
    }

    /// <summary>A repeated int64, packed or not.</summary>
    private static void ReadInt64s(ref ProtoReader reader, int wire, List<long> into)
    {
        if (wire == LengthDelimited)
        {
            var packed = new ProtoReader(reader.ReadBytes());
            while (!packed.AtEnd) into.Add((long)packed.ReadVarint());
        }
        else if (wire == Varint)
        {
            into.Add((long)reader.ReadVarint());
        }
        else
        {
            reader.Skip(wire);
        }
    }

    /// <summary>
    /// A row's values; <paramref name="expected"/> (the page's columns) sizes
    /// the array, and a row with more values than that grows it.
    /// </summary>
    private static object?[] ReadRow(ReadOnlySpan<byte> bytes, int expected)
    {
        var values = new object?[expected];
        int count = 0;
        var reader = new ProtoReader(bytes);
        while (reader.Next(out int field, out int wire))
        {
            if (field == Wire.CustomerRow.Values && wire == LengthDelimited)
            {
                if (count == values.Length) Array.Resize(ref values, Math.Max(4, count * 2));
                values[count++] = ReadValue(reader.ReadBytes());
            }
            else reader.Skip(wire);
        }
        if (count != values.Length) Array.Resize(ref values, count);
        return values;
    }

    /// <summary>A crm.wire.Value; none of the oneof set is null. The last member set wins, as in protobuf.</summary>
    internal static object? ReadValue(ReadOnlySpan<byte> bytes)
    {
        object? value = null;
        var reader = new ProtoReader(bytes);
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case Wire.Value.Text when wire == LengthDelimited: value = reader.ReadString(); break;
                case Wire.Value.Integer when wire == Varint: value = ProtoReader.UnZigZag(reader.ReadVarint()); break;
                case Wire.Value.Decimal when wire == LengthDelimited: value = CrmValue.ParseDecimal(reader.ReadBytes()); break;
                case Wire.Value.Boolean when wire == Varint: value = reader.ReadVarint() != 0; break;
                case Wire.Value.Date when wire == LengthDelimited: value = CrmValue.ParseDate(reader.ReadBytes()); break;
                case Wire.Value.DatetimeUs when wire == Varint: value = CrmValue.FromMicros(ProtoReader.UnZigZag(reader.ReadVarint())); break;
                case Wire.Value.List when wire == LengthDelimited: value = ReadList(reader.ReadBytes()); break;
                case Wire.Value.Text or Wire.Value.Integer or Wire.Value.Decimal or Wire.Value.Boolean
                    or Wire.Value.Date or Wire.Value.DatetimeUs or Wire.Value.List:
                    throw new FormatException($"crm.wire.Value field {field} has wire type {wire}.");
                default:
                    // A kind of value this binding does not know: a newer libcrm.
                    throw new NotSupportedException(
                        $"A row holds a kind of value ({field}) this binding does not know; a newer binding is needed.");
            }
        }
        return value;
    }

    private static IReadOnlyList<string> ReadList(ReadOnlySpan<byte> bytes)
    {
        var items = new List<string>(4);
        var reader = new ProtoReader(bytes);
        while (reader.Next(out int field, out int wire))
        {
            if (field == Wire.StringList.Items && wire == LengthDelimited) items.Add(reader.ReadString());
            else reader.Skip(wire);
        }
        return items.AsReadOnly();
    }

    /// <summary>Reads Protocol Buffers fields from a span; malformed input throws <see cref="FormatException"/>.</summary>
    internal ref struct ProtoReader
    {
        private readonly ReadOnlySpan<byte> _bytes;
        private int _position;

        public ProtoReader(ReadOnlySpan<byte> bytes)
        {
            _bytes = bytes;
            _position = 0;
        }

        public readonly bool AtEnd => _position >= _bytes.Length;

        /// <summary>How many bytes have been read.</summary>
        public readonly int Position => _position;

        public bool Next(out int field, out int wire)
        {
            field = wire = 0;
            if (AtEnd) return false;
            ulong tag = ReadVarint();
            field = checked((int)(tag >> 3));
            wire = (int)(tag & 7);
            if (field == 0) throw new FormatException("A protobuf field number is 0.");
            return true;
        }

        public ulong ReadVarint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (_position >= _bytes.Length) throw new FormatException("A protobuf varint is cut short.");
                byte b = _bytes[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return value;
            }
            throw new FormatException("A protobuf varint is longer than 10 bytes.");
        }

        public static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

        public ReadOnlySpan<byte> ReadBytes()
        {
            ulong length = ReadVarint();
            if (length > (ulong)(_bytes.Length - _position)) throw new FormatException("A protobuf field runs past its message.");
            ReadOnlySpan<byte> slice = _bytes.Slice(_position, (int)length);
            _position += (int)length;
            return slice;
        }

        public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

        public void Skip(int wire)
        {
            switch (wire)
            {
                case Varint: ReadVarint(); break;
                case Fixed64: Advance(8); break;
                case LengthDelimited: ReadBytes(); break;
                case Fixed32: Advance(4); break;
                default: throw new FormatException($"Unsupported protobuf wire type {wire}.");
            }
        }

        private void Advance(int count)
        {
            if (count > _bytes.Length - _position) throw new FormatException("A protobuf field runs past its message.");
            _position += count;
        }
    }
}
