using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace Crm;

/// <summary>
/// A customer read from a workspace: its id, its version and every active
/// field that holds a value, keyed by field name in libcrm's order (standard
/// fields first). Values are .NET objects: string, long, decimal, bool,
/// DateOnly, DateTimeOffset (UTC) or IReadOnlyList&lt;string&gt;. A snapshot:
/// it does not change when the workspace does.
/// </summary>
public sealed class Customer : IReadOnlyDictionary<string, object?>
{
    private readonly FieldValues _values;

    internal Customer(long id, long version, IReadOnlyList<string> names, Dictionary<string, object?> values)
    {
        Id = id;
        Version = version;
        _values = new FieldValues(names, values);
    }

    /// <summary>The customer's id.</summary>
    public long Id { get; }

    /// <summary>The customer's version: 1 when created, one more with every update.</summary>
    public long Version { get; }

    /// <inheritdoc/>
    public object? this[string key] => _values[key];

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc/>
    public IEnumerable<object?> Values
    {
        get => _values.Values;
    }

    /// <inheritdoc/>
    public int Count => _values.Count;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value) => _values.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        return _values.GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The text of a text-like field (text, long_text, email, phone, url, choice).</summary>
    /// <exception cref="KeyNotFoundException">The customer holds no value for the field.</exception>
    /// <exception cref="InvalidCastException">The field holds another kind of value.</exception>
    public string GetString(string field) => Get<string>(field, "text");

    /// <summary>The value of an integer or reference field.</summary>
    /// <inheritdoc cref="GetString(string)" path="/exception"/>
    public long GetInt64(string field) => Get<long>(field, "integer");

    /// <summary>The value of a decimal field, exact.</summary>
    /// <inheritdoc cref="GetString(string)" path="/exception"/>
    public decimal GetDecimal(string field) => Get<decimal>(field, "decimal");

    /// <summary>The value of a boolean field.</summary>
    /// <inheritdoc cref="GetString(string)" path="/exception"/>
    public bool GetBoolean(string field) => Get<bool>(field, "boolean");

    /// <summary>The value of a date field.</summary>
    /// <inheritdoc cref="GetString(string)" path="/exception"/>
    public DateOnly GetDateOnly(string field) => Get<DateOnly>(field, "date");

    /// <summary>The value of a datetime field (such as created_at), in UTC with microseconds.</summary>
    /// <inheritdoc cref="GetString(string)" path="/exception"/>
    public DateTimeOffset GetDateTimeOffset(string field) => Get<DateTimeOffset>(field, "datetime");

    /// <summary>The items of a multi_choice or tags field.</summary>
    /// <inheritdoc cref="GetString(string)" path="/exception"/>
    public IReadOnlyList<string> GetList(string field) => Get<IReadOnlyList<string>>(field, "list");

    private T Get<T>(string field, string kind)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (!_values.TryGetValue(field, out object? value) || value is null)
            throw new KeyNotFoundException($"Customer {Id} holds no value for '{field}'.");
        if (value is T typed) return typed;
        throw new InvalidCastException(
            $"Field '{field}' of customer {Id} holds a {value.GetType().Name}, not a {kind} value.");
    }

    /// <inheritdoc/>
    public override string ToString() => $"Customer {Id} (version {Version}, {Count} fields)";
}
