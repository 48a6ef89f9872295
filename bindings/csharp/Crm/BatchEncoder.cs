using System;
using System.Collections.Generic;

namespace Crm;

/// <summary>
/// Encodes rows of field values as one crm.wire.CustomerBatch message
/// (crm/crm.proto): the column names once, then each row's values aligned
/// with them.
/// </summary>
internal static class BatchEncoder
{
    // crm.wire.CustomerBatch
    private const int BatchColumns = 1, BatchRows = 2, BatchActor = 3;
    // crm.wire.CustomerRow
    private const int RowValues = 1;
    // crm.wire.Value
    private const int ValueText = 1, ValueInteger = 2, ValueDecimal = 3, ValueBoolean = 4,
        ValueDate = 5, ValueDateTime = 6, ValueList = 7;
    // crm.wire.StringList
    private const int ListItems = 1;

    /// <summary>
    /// The encoded batch and its row count. Every row must hold the same field
    /// names: the wire format has no "absent" value, and a null stored for a
    /// missing key would skip the field's default (create) or clear the field
    /// (upsert) instead of leaving it alone.
    /// </summary>
    /// <exception cref="ArgumentException">Rows hold different fields, or a value's type is not supported.</exception>
    public static (byte[] Bytes, int Rows) Encode(IEnumerable<IReadOnlyDictionary<string, object?>> rows, string? actor)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var batch = new ProtoWriter();
        var row = new ProtoWriter();
        var value = new ProtoWriter();
        var list = new ProtoWriter();
        List<string>? columns = null;
        int count = 0;

        foreach (IReadOnlyDictionary<string, object?>? values in rows)
        {
            if (values is null) throw new ArgumentException($"Row {count} is null.", nameof(rows));
            if (columns is null)
            {
                columns = new List<string>(values.Keys);
                foreach (string column in columns)
                    batch.WriteStringField(BatchColumns, CrmValue.CheckName(column, nameof(rows)));
            }
            else if (values.Count != columns.Count)
            {
                throw DifferentFields(count, columns);
            }

            row.Clear();
            foreach (string column in columns)
            {
                if (!values.TryGetValue(column, out object? item)) throw DifferentFields(count, columns);
                value.Clear();
                WriteValue(value, list, CrmValue.From(item, column));
                row.WriteMessageField(RowValues, value);
            }
            batch.WriteMessageField(BatchRows, row);
            count++;
        }

        if (!string.IsNullOrEmpty(actor)) batch.WriteStringField(BatchActor, CrmValue.CheckText(actor, "actor"));
        return (batch.WrittenSpan.ToArray(), count);
    }

    /// <summary>Writes the members of a crm.wire.Value (none for null); <paramref name="list"/> is scratch space.</summary>
    internal static void WriteValue(ProtoWriter value, ProtoWriter list, CrmValue item)
    {
        switch (item.Kind)
        {
            case ValueKind.Null: break; // no member set: null
            case ValueKind.Text: value.WriteStringField(ValueText, item.Text!); break;
            case ValueKind.Integer: value.WriteSInt64Field(ValueInteger, item.Integer); break;
            case ValueKind.Decimal: value.WriteStringField(ValueDecimal, item.Text!); break;
            case ValueKind.Boolean: value.WriteVarintField(ValueBoolean, (ulong)item.Integer); break;
            case ValueKind.Date: value.WriteStringField(ValueDate, item.Text!); break;
            case ValueKind.DateTime: value.WriteSInt64Field(ValueDateTime, item.Integer); break;
            case ValueKind.List:
                list.Clear();
                foreach (string text in item.Items!) list.WriteStringField(ListItems, text);
                value.WriteMessageField(ValueList, list);
                break;
        }
    }

    private static ArgumentException DifferentFields(int row, List<string> columns) => new(
        $"Row {row} does not hold the same fields as row 0 ({string.Join(", ", columns)}). " +
        "Every row of a batch must name the same fields; give null where a row has no value.",
        "rows");
}
