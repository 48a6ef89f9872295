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
/// <remarks>
/// As a dictionary (<see cref="Keys"/>, <see cref="Count"/>,
/// <see cref="ContainsKey"/>, <see cref="TryGetValue"/>, enumeration) it holds
/// the fields that have a value. The indexer also answers for the other
/// fields of the workspace: <c>customer["plan"]</c> is null when the field is
/// defined but this customer holds no value for it, and throws
/// <see cref="KeyNotFoundException"/> when no field has that name (a typo).
/// </remarks>
public sealed class Customer : IReadOnlyDictionary<string, object?>
{
    private readonly FieldValues _values;
    private readonly CrmDatabase _workspace;

    internal Customer(long id, long version, IReadOnlyList<string> names, Dictionary<string, object?> values,
        CrmDatabase workspace, long? mergedId = null)
    {
        Id = id;
        Version = version;
        MergedId = mergedId;
        _values = new FieldValues(names, values);
        _workspace = workspace;
    }

    /// <summary>The customer's id.</summary>
    public long Id { get; }

    /// <summary>The customer's version: 1 when created, one more with every update.</summary>
    public long Version { get; }

    /// <summary>
    /// For a customer read by an id (or external id) that was merged into it (see
    /// <see cref="CrmDatabase.Merge"/>): the id asked for (for an external id, that of the merged
    /// customer that held it), while <see cref="Id"/> is the survivor's. Null for a customer read
    /// by its own id or external id.
    /// </summary>
    public long? MergedId { get; }

    /// <summary>
    /// The value of the field named <paramref name="key"/>, or null when the
    /// field is defined in the workspace (active or archived) but this
    /// customer holds no value for it. For a name the customer holds no value
    /// for, the workspace is asked whether the field exists (one call into
    /// libcrm, which like any call waits while another thread's transaction is
    /// open), so the <see cref="CrmDatabase"/> it was read from must still be open.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No field named <paramref name="key"/> is defined in the workspace;
    /// the inner <see cref="NotFoundException"/> is libcrm's answer.</exception>
    /// <exception cref="ObjectDisposedException">The customer holds no value for the field and the
    /// <see cref="CrmDatabase"/> it was read from has been disposed.</exception>
    public object? this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            if (_values.TryGetValue(key, out object? value)) return value;
            CheckDefined(key);
            return null;
        }
    }

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
    /// <exception cref="KeyNotFoundException">The customer holds no value for the field, or no field has
    /// that name (the message says which).</exception>
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
        {
            CheckDefined(field);
            throw new KeyNotFoundException($"Customer {Id} holds no value for '{field}'.");
        }
        if (value is T typed) return typed;
        throw new InvalidCastException(
            $"Field '{field}' of customer {Id} holds a {value.GetType().Name}, not a {kind} value.");
    }

    /// <summary>Throws <see cref="KeyNotFoundException"/> when the workspace has no field named <paramref name="field"/>.</summary>
    private void CheckDefined(string field)
    {
        if (_workspace.FindField(field) is { } missing)
            throw new KeyNotFoundException(
                $"Customer {Id}: no field named '{field}' is defined in the workspace (names are case-sensitive).", missing);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"Customer {Id} (version {Version}, {Count} fields{(MergedId is { } merged ? $", read by merged id {merged}" : "")})";
}
