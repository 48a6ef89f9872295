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
    /// <summary>
    /// The encoded batch and its row count. The columns are the union of the
    /// rows' field names, in first-seen order. A row that does not name a
    /// column leaves it out (CustomerRow.absent): a created customer gets the
    /// field's default, an updated one keeps its stored value. A null value is
    /// a null: it clears the field of an updated customer.
    /// </summary>
    /// <param name="rows">The rows.</param>
    /// <param name="actor">Who writes, or null.</param>
    /// <param name="parameter">The caller's parameter the rows came from, named by exceptions.</param>
    /// <exception cref="ArgumentException">A row is null, or a value's type is not supported.</exception>
    public static (byte[] Bytes, int Rows) Encode(IEnumerable<IReadOnlyDictionary<string, object?>> rows, string? actor,
                                                  string parameter = "rows")
    {
        ArgumentNullException.ThrowIfNull(rows, parameter);
        var all = new List<IReadOnlyDictionary<string, object?>>();
        var columns = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (IReadOnlyDictionary<string, object?>? values in rows)
        {
            if (values is null) throw new ArgumentException($"Row {all.Count} is null.", parameter);
            foreach (string column in values.Keys)
            {
                if (seen.Add(column)) columns.Add(CrmValue.CheckName(column, parameter));
            }
            all.Add(values);
        }

        var batch = new ProtoWriter();
        var row = new ProtoWriter();
        var absent = new ProtoWriter();
        var value = new ProtoWriter();
        var list = new ProtoWriter();
        foreach (string column in columns) batch.WriteStringField(Wire.CustomerBatch.Columns, column);
        foreach (IReadOnlyDictionary<string, object?> values in all)
        {
            row.Clear();
            absent.Clear();
            for (int c = 0; c < columns.Count; c++)
            {
                if (!values.TryGetValue(columns[c], out object? item))
                {
                    absent.WriteVarint((ulong)c);
                    continue;
                }
                value.Clear();
                WriteValue(value, list, CrmValue.From(item, columns[c]));
                row.WriteMessageField(Wire.CustomerRow.Values, value);
            }
            if (absent.Length > 0) row.WriteMessageField(Wire.CustomerRow.Absent, absent); // packed uint32
            batch.WriteMessageField(Wire.CustomerBatch.Rows, row);
        }

        if (!string.IsNullOrEmpty(actor)) batch.WriteStringField(Wire.CustomerBatch.Actor, CrmValue.CheckText(actor, "actor"));
        return (batch.WrittenSpan.ToArray(), all.Count);
    }

    /// <summary>Writes the members of a crm.wire.Value (none for null); <paramref name="list"/> is scratch space.</summary>
    internal static void WriteValue(ProtoWriter value, ProtoWriter list, CrmValue item)
    {
        switch (item.Kind)
        {
            case ValueKind.Null: break; // no member set: null
            case ValueKind.Text: value.WriteStringField(Wire.Value.Text, item.Text!); break;
            case ValueKind.Integer: value.WriteSInt64Field(Wire.Value.Integer, item.Integer); break;
            case ValueKind.Decimal: value.WriteStringField(Wire.Value.Decimal, item.Text!); break;
            case ValueKind.Boolean: value.WriteVarintField(Wire.Value.Boolean, (ulong)item.Integer); break;
            case ValueKind.Date: value.WriteStringField(Wire.Value.Date, item.Text!); break;
            case ValueKind.Datetime: value.WriteSInt64Field(Wire.Value.DatetimeUs, item.Integer); break;
            case ValueKind.List:
                list.Clear();
                foreach (string text in item.Items!) list.WriteStringField(Wire.StringList.Items, text);
                value.WriteMessageField(Wire.Value.List, list);
                break;
        }
    }
}
