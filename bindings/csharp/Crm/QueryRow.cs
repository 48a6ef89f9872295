using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace Crm;

/// <summary>
/// One row of a query, aggregate or report: the page's columns (every column
/// is a key; a column the row has no value in holds null) with values typed
/// like <see cref="Customer"/>'s: string, long, decimal, bool, DateOnly,
/// DateTimeOffset (UTC) or IReadOnlyList&lt;string&gt;. A snapshot.
/// </summary>
public sealed class QueryRow : IReadOnlyDictionary<string, object?>
{
    private readonly RowColumns _columns;
    private readonly object?[] _values;

    internal QueryRow(long id, RowColumns columns, object?[] values)
    {
        Id = id;
        _columns = columns;
        _values = values;
    }

    /// <summary>The customer id (customer queries, search) or the event seq (event queries); 0 for aggregate and report rows.</summary>
    public long Id { get; }

    /// <inheritdoc/>
    public object? this[string key] =>
        _columns.Index.TryGetValue(key, out int i) ? _values[i] : throw new KeyNotFoundException($"The rows have no column '{key}'.");

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _columns.Names;

    /// <inheritdoc/>
    public IEnumerable<object?> Values => _values;

    /// <inheritdoc/>
    public int Count => _values.Length;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _columns.Index.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        if (_columns.Index.TryGetValue(key, out int i))
        {
            value = _values[i];
            return true;
        }
        value = null;
        return false;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (int i = 0; i < _values.Length; i++) yield return new(_columns.Names[i], _values[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A text value (text-like fields, event type and channel, time buckets, ...).</summary>
    /// <exception cref="KeyNotFoundException">The row holds no value in the column.</exception>
    /// <exception cref="InvalidCastException">The column holds another kind of value.</exception>
    public string GetString(string column) => Get<string>(column, "text");

    /// <summary>An integer value (integer fields, ids, counts).</summary>
    /// <inheritdoc cref="GetString(string)" path="/exception"/>
    public long GetInt64(string column) => Get<long>(column, "integer");

    /// <summary>A decimal value, exact (decimal fields, sums and averages of them).</summary>
    /// <inheritdoc cref="GetString(string)" path="/exception"/>
    public decimal GetDecimal(string column) => Get<decimal>(column, "decimal");

    /// <summary>A boolean value.</summary>
    /// <inheritdoc cref="GetString(string)" path="/exception"/>
    public bool GetBoolean(string column) => Get<bool>(column, "boolean");

    /// <summary>A date value.</summary>
    /// <inheritdoc cref="GetString(string)" path="/exception"/>
    public DateOnly GetDateOnly(string column) => Get<DateOnly>(column, "date");

    /// <summary>A datetime value, in UTC with microseconds.</summary>
    /// <inheritdoc cref="GetString(string)" path="/exception"/>
    public DateTimeOffset GetDateTimeOffset(string column) => Get<DateTimeOffset>(column, "datetime");

    /// <summary>The items of a list value.</summary>
    /// <inheritdoc cref="GetString(string)" path="/exception"/>
    public IReadOnlyList<string> GetList(string column) => Get<IReadOnlyList<string>>(column, "list");

    private T Get<T>(string column, string kind)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (!TryGetValue(column, out object? value) || value is null)
            throw new KeyNotFoundException($"Row {Id} holds no value in '{column}'.");
        if (value is T typed) return typed;
        throw new InvalidCastException($"Column '{column}' of row {Id} holds a {value.GetType().Name}, not a {kind} value.");
    }

    /// <inheritdoc/>
    public override string ToString() => $"Row {Id} ({Count} columns)";
}

/// <summary>The column names of one page, shared by its rows.</summary>
internal sealed class RowColumns
{
    public RowColumns(string[] names)
    {
        Names = Array.AsReadOnly(names);
        Index = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++) Index.TryAdd(names[i], i);
    }

    public IReadOnlyList<string> Names { get; }

    public Dictionary<string, int> Index { get; }
}

/// <summary>One page of a query's rows.</summary>
/// <param name="Columns">The columns the page's rows hold, in libcrm's order (empty when there are no rows).</param>
/// <param name="Rows">The rows, in the query's order.</param>
/// <param name="NextCursor">Where the next page starts; null when this was the last page.</param>
public sealed record QueryPage(IReadOnlyList<string> Columns, IReadOnlyList<QueryRow> Rows, string? NextCursor);

/// <summary>How many customers hold a value in one active field.</summary>
/// <param name="Field">The field's name.</param>
/// <param name="Label">Its label ("" when none).</param>
/// <param name="Group">Its group ("" when none).</param>
/// <param name="Filled">Customers with a value.</param>
/// <param name="Total">All customers.</param>
public sealed record FieldFillRate(string Field, string Label, string Group, long Filled, long Total)
{
    /// <summary>Filled / Total, 0 when there are no customers.</summary>
    public double Rate => Total == 0 ? 0 : (double)Filled / Total;
}

/// <summary>
/// A saved segment: a named filter and its live count. A segment whose filter
/// can no longer run (a field it uses was archived, or changed to a type the
/// filter does not fit) has no count but an <see cref="Error"/>; restore the
/// field, or save the segment anew or delete it.
/// </summary>
/// <param name="Name">The segment's name.</param>
/// <param name="Target">What it filters.</param>
/// <param name="Filter">The filter.</param>
/// <param name="Count">Rows matching it now; null when the segment cannot run.</param>
public sealed record Segment(string Name, QueryTarget Target, string Filter, long? Count)
{
    /// <summary>
    /// Why the segment cannot run: the message <see cref="CrmDatabase.SegmentCount"/>
    /// throws with (e.g. the field is archived); null when it runs.
    /// </summary>
    public string? Error { get; init; }

    /// <summary>Whether the segment runs (it has a <see cref="Count"/>, no <see cref="Error"/>).</summary>
    public bool CanRun => Error is null;
}

/// <summary>One cohort: customers whose first event of a type fell into one time bucket.</summary>
/// <param name="Cohort">The bucket ("2024-01" by month, ...; "all" without buckets).</param>
/// <param name="Customers">Customers in the cohort.</param>
/// <param name="Converted">Those with a follow-up event within the window.</param>
/// <param name="Events">Follow-up events within the window.</param>
public sealed record CohortRow(string Cohort, long Customers, long Converted, long Events)
{
    /// <summary>Converted / Customers, 0 for an empty cohort.</summary>
    public double ConversionRate => Customers == 0 ? 0 : (double)Converted / Customers;
}
