using System;
using System.Collections.Generic;

namespace Crm;

/// <summary>Copies the values of a crm_record into .NET objects.</summary>
internal static class RecordReader
{
    /// <summary>
    /// Reads every field the record holds, in libcrm's order, into a
    /// <see cref="Customer"/> of <paramref name="workspace"/> (which it asks
    /// about the fields it holds no value for).
    /// </summary>
    public static Customer ReadCustomer(RecordHandle record, CrmDatabase workspace)
    {
        long id = Native.crm_record_id(record);
        long version = Native.crm_record_version(record);
        var (names, values) = ReadAll(record);
        return new Customer(id, version, names, values, workspace);
    }

    /// <summary>Reads every field the record holds, in libcrm's order (event properties, history values).</summary>
    public static FieldValues ReadValues(RecordHandle record)
    {
        var (names, values) = ReadAll(record);
        return new FieldValues(names, values);
    }

    /// <summary>The value of the record's first field, or null when it holds none (a field timeline's value).</summary>
    public static object? ReadSingleValue(RecordHandle record)
    {
        if (Native.crm_record_field_count(record) == 0) return null;
        return ReadValue(record, Native.Text(Native.crm_record_field_name(record, 0)));
    }

    private static (List<string> Names, Dictionary<string, object?> Values) ReadAll(RecordHandle record)
    {
        nuint count = Native.crm_record_field_count(record);
        int capacity = checked((int)count);
        var names = new List<string>(capacity);
        var values = new Dictionary<string, object?>(capacity, StringComparer.Ordinal);
        for (nuint i = 0; i < count; i++)
        {
            string name = Native.Text(Native.crm_record_field_name(record, i));
            names.Add(name);
            values[name] = ReadValue(record, name);
        }
        return (names, values);
    }

    private static object? ReadValue(RecordHandle record, string field)
    {
        switch (Native.crm_record_kind(record, field))
        {
            case ValueKind.Null:
                return null;
            case ValueKind.Text:
                Errors.Check(Native.crm_record_get_text(out nint text, record, field));
                return Native.Text(text);
            case ValueKind.Integer:
                Errors.Check(Native.crm_record_get_integer(out long integer, record, field));
                return integer;
            case ValueKind.Decimal:
                Errors.Check(Native.crm_record_get_decimal(out nint dec, record, field));
                return CrmValue.ParseDecimal(Native.Text(dec));
            case ValueKind.Boolean:
                Errors.Check(Native.crm_record_get_boolean(out int flag, record, field));
                return flag != 0;
            case ValueKind.Date:
                Errors.Check(Native.crm_record_get_date(out nint date, record, field));
                return CrmValue.ParseDate(Native.Text(date));
            case ValueKind.Datetime:
                Errors.Check(Native.crm_record_get_datetime(out long micros, record, field));
                return CrmValue.FromMicros(micros);
            case ValueKind.List:
                Errors.Check(Native.crm_record_get_list_size(out nuint size, record, field));
                var items = new string[checked((int)size)];
                for (nuint k = 0; k < size; k++)
                {
                    Errors.Check(Native.crm_record_get_list_item(out nint item, record, field, k));
                    items[k] = Native.Text(item);
                }
                return Array.AsReadOnly(items);
            default:
                throw new NotSupportedException(
                    $"Field '{field}' holds a kind of value this binding does not know; a newer binding is needed.");
        }
    }
}
