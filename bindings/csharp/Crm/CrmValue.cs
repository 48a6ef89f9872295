using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Crm;

/// <summary>
/// A .NET value converted to one of libcrm's value kinds. The one place that
/// decides which .NET types the binding accepts and how they cross the ABI:
/// string (text), long/int and the other integral types (integer), decimal
/// (exact decimal text), bool (boolean), DateOnly ("yyyy-MM-dd"),
/// DateTimeOffset or a UTC/local DateTime (UTC microseconds), a sequence of
/// strings (list), and null.
/// </summary>
internal readonly struct CrmValue
{
    private static readonly long UnixEpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    private CrmValue(ValueKind kind, string? text = null, long integer = 0, string[]? items = null)
    {
        Kind = kind;
        Text = text;
        Integer = integer;
        Items = items;
    }

    public ValueKind Kind { get; }

    /// <summary>Text, decimal text or date text.</summary>
    public string? Text { get; }

    /// <summary>Integer, boolean (0 or 1) or datetime microseconds.</summary>
    public long Integer { get; }

    /// <summary>List items.</summary>
    public string[]? Items { get; }

    /// <summary>Converts <paramref name="value"/>, the value given for <paramref name="field"/>.</summary>
    /// <exception cref="ArgumentException">The value's type is not supported.</exception>
    public static CrmValue From(object? value, string field) => value switch
    {
        null => new CrmValue(ValueKind.Null),
        string s => new CrmValue(ValueKind.Text, CheckText(s, field)),
        long l => new CrmValue(ValueKind.Integer, integer: l),
        int i => new CrmValue(ValueKind.Integer, integer: i),
        short s => new CrmValue(ValueKind.Integer, integer: s),
        sbyte b => new CrmValue(ValueKind.Integer, integer: b),
        byte b => new CrmValue(ValueKind.Integer, integer: b),
        ushort s => new CrmValue(ValueKind.Integer, integer: s),
        uint u => new CrmValue(ValueKind.Integer, integer: u),
        ulong u => u <= long.MaxValue
            ? new CrmValue(ValueKind.Integer, integer: (long)u)
            : throw new ArgumentOutOfRangeException(field, $"Field '{field}': {u} does not fit in a 64-bit signed integer."),
        decimal d => new CrmValue(ValueKind.Decimal, d.ToString(CultureInfo.InvariantCulture)),
        bool b => new CrmValue(ValueKind.Boolean, integer: b ? 1 : 0),
        DateOnly d => new CrmValue(ValueKind.Date, FormatDate(d)),
        DateTimeOffset t => new CrmValue(ValueKind.Datetime, integer: ToMicros(t)),
        DateTime t => new CrmValue(ValueKind.Datetime, integer: ToMicros(FromDateTime(t, field))),
        IEnumerable<string?> items => new CrmValue(ValueKind.List, items: CheckItems(items, field)),
        _ => throw Unsupported(value, field),
    };

    /// <summary>"yyyy-MM-dd", the form libcrm takes dates in.</summary>
    public static string FormatDate(DateOnly date) =>
        date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Parses libcrm's date text.</summary>
    public static DateOnly ParseDate(string text) =>
        DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Parses libcrm's date text as UTF-8 bytes (a row page's), without making a string of it.</summary>
    /// <exception cref="FormatException">The bytes are not a valid "yyyy-MM-dd" date.</exception>
    public static DateOnly ParseDate(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 10 && utf8[4] == (byte)'-' && utf8[7] == (byte)'-' &&
            Digits(utf8[..4], out int year) && Digits(utf8.Slice(5, 2), out int month) &&
            Digits(utf8.Slice(8, 2), out int day) &&
            year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
        {
            return new DateOnly(year, month, day);
        }
        throw new FormatException($"'{Encoding.UTF8.GetString(utf8)}' is not a date of the form yyyy-MM-dd.");
    }

    private static bool Digits(ReadOnlySpan<byte> utf8, out int value)
    {
        value = 0;
        foreach (byte b in utf8)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
            value = value * 10 + (b - '0');
        }
        return true;
    }

    /// <summary>Parses libcrm's exact decimal text.</summary>
    public static decimal ParseDecimal(string text) =>
        decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses libcrm's exact decimal text as UTF-8 bytes (a row page's),
    /// keeping its scale ("12.50" has two decimals), without making a string of it.
    /// </summary>
    /// <exception cref="FormatException">The bytes are not an exact decimal ("-12.50").</exception>
    public static decimal ParseDecimal(ReadOnlySpan<byte> utf8)
    {
        // Up to 18 digits fit a long exactly: the usual case, parsed here.
        bool negative = utf8.Length > 0 && utf8[0] == (byte)'-';
        ReadOnlySpan<byte> rest = negative ? utf8[1..] : utf8;
        long digits = 0;
        int count = 0, scale = -1;
        foreach (byte b in rest)
        {
            if (b == (byte)'.' && scale < 0) { scale = 0; continue; }
            if (b is < (byte)'0' or > (byte)'9' || count == 18) return ParseDecimal(Encoding.UTF8.GetString(utf8));
            digits = digits * 10 + (b - '0');
            count++;
            if (scale >= 0) scale++;
        }
        if (count == 0 || scale == 0) return ParseDecimal(Encoding.UTF8.GetString(utf8));
        return new decimal((int)(digits & 0xFFFFFFFF), (int)(digits >> 32), 0, negative, (byte)Math.Max(scale, 0));
    }

    /// <summary>
    /// The text a field's bound (min or max) crosses the ABI in, from a value
    /// of the field's type: "10", "9.99", "2024-01-31", "2024-01-31T08:00:00Z"
    /// (a datetime in UTC, to the microsecond).
    /// </summary>
    /// <param name="value">A long or int (or other integral type), decimal, DateOnly, DateTimeOffset or UTC/local DateTime.</param>
    /// <param name="property">"Min" or "Max", for the error.</param>
    /// <param name="field">The field's name, for the error.</param>
    /// <exception cref="ArgumentException">The value is of another type (text included).</exception>
    public static string BoundText(object value, string property, string field)
    {
        CrmValue bound = value is string or bool ? default : From(value, field);
        return bound.Kind switch
        {
            ValueKind.Integer => bound.Integer.ToString(CultureInfo.InvariantCulture),
            ValueKind.Decimal or ValueKind.Date => bound.Text!,
            ValueKind.Datetime => FormatDateTime(bound.Integer),
            _ => throw new ArgumentException(
                $"{property} of field '{field}' is a {value.GetType()}; give a value of the field's type: " +
                "long or int (integer), decimal (decimal), DateOnly (date) or DateTimeOffset (datetime).", property),
        };
    }

    /// <summary>
    /// A field's bound read from its text, as a value of the field's type
    /// (<paramref name="type"/> is libcrm's type name): long, decimal,
    /// DateOnly or DateTimeOffset (UTC). Takes every form libcrm accepts
    /// ("+10.00" for an integer, an RFC 3339 datetime with any offset).
    /// Other types have no bounds; their text is returned as it is.
    /// </summary>
    public static object ParseBound(string type, string text) => type switch
    {
        "integer" => decimal.ToInt64(ParseDecimal(text)),
        "decimal" => ParseDecimal(text),
        "date" => ParseDate(text),
        "datetime" => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime(),
        _ => text,
    };

    /// <summary>RFC 3339 text in UTC, with the microseconds when there are any: "2024-01-31T08:00:00.000001Z".</summary>
    public static string FormatDateTime(long micros) =>
        FromMicros(micros).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>UTC microseconds since 1970-01-01; a sub-microsecond rest is dropped (rounded down).</summary>
    public static long ToMicros(DateTimeOffset time)
    {
        long ticks = time.UtcTicks - UnixEpochTicks;
        long micros = ticks / TimeSpan.TicksPerMicrosecond;
        return ticks % TimeSpan.TicksPerMicrosecond < 0 ? micros - 1 : micros;
    }

    /// <summary>A UTC DateTimeOffset from libcrm's microseconds.</summary>
    public static DateTimeOffset FromMicros(long micros) =>
        new DateTimeOffset(checked(UnixEpochTicks + micros * TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    /// <summary>
    /// Refuses text that would not reach libcrm as given: a NUL character,
    /// where C would cut it short, or a lone UTF-16 surrogate, which UTF-8 has
    /// no form for (the UTF-8 marshaller would silently send U+FFFD instead).
    /// </summary>
    public static string CheckText(string text, string field)
    {
        if (Problem(text) is { } problem)
            throw new ArgumentException($"Field '{field}': text must not contain {problem}.", field);
        return text;
    }

    /// <summary>Checks a field name given by the caller, as <see cref="CheckText"/> checks text.</summary>
    public static string CheckName(string? name, string parameter)
    {
        ArgumentNullException.ThrowIfNull(name, parameter);
        if (Problem(name) is { } problem)
            throw new ArgumentException($"A field name must not contain {problem}.", parameter);
        return name;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string? Problem(string text)
    {
        ReadOnlySpan<char> span = text;
        if (span.Contains('\0')) return "a NUL character";
        if (!span.ContainsAnyInRange('\uD800', '\uDFFF')) return null;
        try
        {
            StrictUtf8.GetByteCount(span);
            return null;
        }
        catch (EncoderFallbackException)
        {
            return "a lone UTF-16 surrogate, which UTF-8 cannot encode";
        }
    }

    private static DateTimeOffset FromDateTime(DateTime time, string field) => time.Kind switch
    {
        DateTimeKind.Utc => new DateTimeOffset(time),
        DateTimeKind.Local => new DateTimeOffset(time).ToUniversalTime(),
        _ => throw new ArgumentException(
            $"Field '{field}': a DateTime of unspecified kind is ambiguous; use a DateTimeOffset or a DateTime with Kind Utc.",
            field),
    };

    private static string[] CheckItems(IEnumerable<string?> items, string field)
    {
        var list = new List<string>();
        foreach (string? item in items)
        {
            if (item is null)
                throw new ArgumentException($"Field '{field}': a list must not contain null.", field);
            list.Add(CheckText(item, field));
        }
        return list.ToArray();
    }

    private static ArgumentException Unsupported(object value, string field) => new(
        $"Field '{field}': values of type {value.GetType()} are not supported. Use string, long or int, " +
        "decimal (exact; libcrm never stores binary floating point), bool, DateOnly, DateTimeOffset, " +
        "a sequence of strings, or null.",
        field);
}
