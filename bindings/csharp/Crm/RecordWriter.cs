using System;
using System.Collections.Generic;

namespace Crm;

/// <summary>Builds a crm_record from field values given as .NET objects.</summary>
internal static class RecordWriter
{
    /// <summary>
    /// A new record holding <paramref name="values"/>, in one crossing: the
    /// values encoded as a one-row batch by the encoder batches use, and
    /// decoded by libcrm (crm_record_decode). Every value is converted before
    /// anything reaches libcrm, so an unsupported type throws
    /// <see cref="ArgumentException"/> naming <paramref name="parameter"/>.
    /// </summary>
    public static unsafe RecordHandle Build(IReadOnlyDictionary<string, object?> values, string parameter)
    {
        ArgumentNullException.ThrowIfNull(values, parameter);
        var (bytes, _) = BatchEncoder.Encode([values], actor: null, parameter);
        fixed (byte* start = bytes)
        {
            Errors.Check(Native.crm_record_decode(out RecordHandle record, start, (nuint)bytes.Length));
            return record;
        }
    }

    /// <summary>
    /// Converts <paramref name="values"/> to libcrm values, checking names and
    /// .NET types (<see cref="ArgumentException"/>) before anything reaches libcrm.
    /// </summary>
    public static List<KeyValuePair<string, CrmValue>> Convert(IReadOnlyDictionary<string, object?> values, string parameter)
    {
        var converted = new List<KeyValuePair<string, CrmValue>>(values.Count);
        foreach (var (field, value) in values)
        {
            CrmValue.CheckName(field, parameter);
            converted.Add(new(field, CrmValue.From(value, field)));
        }
        return converted;
    }

    /// <summary>Sets converted values on an existing record (e.g. an event's borrowed properties).</summary>
    public static void Fill(RecordHandle record, List<KeyValuePair<string, CrmValue>> converted)
    {
        foreach (var (field, value) in converted) Set(record, field, value);
    }

    private static void Set(RecordHandle record, string field, CrmValue value)
    {
        int status = value.Kind switch
        {
            ValueKind.Null => Native.crm_record_set_null(record, field),
            ValueKind.Text => Native.crm_record_set_text(record, field, value.Text!),
            ValueKind.Integer => Native.crm_record_set_integer(record, field, value.Integer),
            ValueKind.Decimal => Native.crm_record_set_decimal(record, field, value.Text!),
            ValueKind.Boolean => Native.crm_record_set_boolean(record, field, (int)value.Integer),
            ValueKind.Date => Native.crm_record_set_date(record, field, value.Text!),
            ValueKind.Datetime => Native.crm_record_set_datetime(record, field, value.Integer),
            ValueKind.List => Native.crm_record_set_list(record, field, value.Items!, (nuint)value.Items!.Length),
            _ => throw new InvalidOperationException($"unexpected value kind {value.Kind}"),
        };
        Errors.Check(status);
    }
}
