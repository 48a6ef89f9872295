using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace Crm;

/// <summary>
/// Named values read from a crm_record (event properties, history values), as
/// a read-only dictionary that enumerates in libcrm's order. Values are typed
/// like <see cref="Customer"/>'s: string, long, decimal, bool, DateOnly,
/// DateTimeOffset (UTC) or IReadOnlyList&lt;string&gt;.
/// </summary>
internal sealed class FieldValues : IReadOnlyDictionary<string, object?>
{
    /// <summary>No values.</summary>
    public static readonly FieldValues Empty = new([], new Dictionary<string, object?>(StringComparer.Ordinal));

    private readonly IReadOnlyList<string> _names;
    private readonly Dictionary<string, object?> _values;

    internal FieldValues(IReadOnlyList<string> names, Dictionary<string, object?> values)
    {
        _names = names;
        _values = values;
    }

    public object? this[string key] => _values[key];

    public IEnumerable<string> Keys => _names;

    public IEnumerable<object?> Values
    {
        get { foreach (string name in _names) yield return _values[name]; }
    }

    public int Count => _names.Count;

    public bool ContainsKey(string key) => _values.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value) => _values.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        foreach (string name in _names) yield return new(name, _values[name]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{Count} values";
}
