using System.Collections.Generic;

namespace Crm;

/// <summary>A field as libcrm describes it (crm_field_describe / crm_field_list).</summary>
public sealed record FieldInfo
{
    /// <summary>The field's id.</summary>
    public long Id { get; init; }

    /// <summary>The field's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The label shown to users.</summary>
    public string Label { get; init; } = "";

    /// <summary>The description.</summary>
    public string Description { get; init; } = "";

    /// <summary>The group ("standard" for standard fields).</summary>
    public string Group { get; init; } = "";

    /// <summary>libcrm's type name, e.g. "decimal" (see <see cref="FieldTypes.TryParse"/>).</summary>
    public string Type { get; init; } = "";

    /// <summary>Whether every customer must hold a value.</summary>
    public bool Required { get; init; }

    /// <summary>Whether values are unique.</summary>
    public bool Unique { get; init; }

    /// <summary>Whether lookups are indexed.</summary>
    public bool Indexed { get; init; }

    /// <summary>Digits after the decimal point of a decimal field.</summary>
    public int Scale { get; init; }

    /// <summary>
    /// The minimum as a value of the field's type (long for integer, decimal
    /// for decimal, DateOnly for date, DateTimeOffset in UTC for datetime),
    /// or null when there is none.
    /// </summary>
    public object? Min { get; init; }

    /// <summary>The maximum as a value of the field's type (see <see cref="Min"/>), or null when there is none.</summary>
    public object? Max { get; init; }

    /// <summary>The maximum length in bytes; 0 when there is none.</summary>
    public long MaxLength { get; init; }

    /// <summary>The RE2 pattern; "" when there is none.</summary>
    public string Pattern { get; init; } = "";

    /// <summary>The allowed values of a choice or multi_choice field.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>The default value as a .NET value, or null when there is none.</summary>
    public object? DefaultValue { get; init; }

    /// <summary>Whether this is a standard field that exists in every workspace.</summary>
    public bool Builtin { get; init; }

    /// <summary>Whether libcrm maintains the value itself (created_at, updated_at).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>"active" or "archived".</summary>
    public string Status { get; init; } = "";

    /// <summary>Days an erased customer's value is kept on a stub; 0 when there is no hold.</summary>
    public int HoldDays { get; init; }

    /// <summary>Whether the field is archived.</summary>
    public bool IsArchived => Status == "archived";
}
