using System;
using System.Collections.Generic;

namespace Crm;

/// <summary>
/// Copies the values of a crm_record into .NET objects, in one crossing: the
/// record encoded by crm_record_encode and decoded as a row page is.
/// </summary>
internal static class RecordReader
{
    /// <summary>
    /// Reads every field the record holds, in libcrm's order, into a
    /// <see cref="Customer"/> of <paramref name="workspace"/> (which it asks
    /// about the fields it holds no value for), with the merged id it was
    /// found by (crm_record_merged_id, a scalar).
    /// </summary>
    public static Customer ReadCustomer(RecordHandle record, CrmDatabase workspace)
    {
        var (id, version, names, values) = Decode(record);
        long mergedId = Native.crm_record_merged_id(record);
        return new Customer(id, version, names, ToDictionary(names, values), workspace, mergedId == 0 ? null : mergedId);
    }

    /// <summary>Reads every field the record holds, in libcrm's order (event properties, history values).</summary>
    public static FieldValues ReadValues(RecordHandle record)
    {
        var (_, _, names, values) = Decode(record);
        return new FieldValues(names, ToDictionary(names, values));
    }

    /// <summary>The value of the record's first field, or null when it holds none (a field timeline's value).</summary>
    public static object? ReadSingleValue(RecordHandle record)
    {
        var (_, _, _, values) = Decode(record);
        return values.Length == 0 ? null : values[0];
    }

    private static unsafe (long Id, long Version, IReadOnlyList<string> Names, object?[] Values) Decode(RecordHandle record)
    {
        Errors.Check(Native.crm_record_encode(out nint bytes, out nuint size, record));
        return RowSetReader.ReadRecord(new ReadOnlySpan<byte>((void*)bytes, checked((int)size)));
    }

    private static Dictionary<string, object?> ToDictionary(IReadOnlyList<string> names, object?[] values)
    {
        var dictionary = new Dictionary<string, object?>(names.Count, StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++) dictionary[names[i]] = values[i];
        return dictionary;
    }
}
