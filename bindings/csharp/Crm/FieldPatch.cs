using System.Collections.Generic;

namespace Crm;

/// <summary>
/// A change to a field, for <see cref="CrmDatabase.UpdateField"/>: only the
/// properties that are set change. Standard fields accept Label, Description,
/// Group, Indexed, AddOptions and HoldDays.
/// </summary>
public sealed record FieldPatch
{
    /// <summary>A new name; stored values and history keep following the field.</summary>
    public string? Name { get; init; }

    /// <summary>A new label.</summary>
    public string? Label { get; init; }

    /// <summary>A new description.</summary>
    public string? Description { get; init; }

    /// <summary>A new group.</summary>
    public string? Group { get; init; }

    /// <summary>A new type; allowed only where every stored value converts without loss.</summary>
    public FieldType? Type { get; init; }

    /// <summary>A new scale (with a decimal type).</summary>
    public int? Scale { get; init; }

    /// <summary>Whether a value is required.</summary>
    public bool? Required { get; init; }

    /// <summary>Whether values are unique.</summary>
    public bool? Unique { get; init; }

    /// <summary>Whether lookups are indexed.</summary>
    public bool? Indexed { get; init; }

    /// <summary>A new minimum, as a value of the field's type (see <see cref="FieldDefinition.Min"/>).</summary>
    public object? Min { get; init; }

    /// <summary>A new maximum, as a value of the field's type.</summary>
    public object? Max { get; init; }

    /// <summary>Removes the minimum (takes precedence over <see cref="Min"/>).</summary>
    public bool ClearMin { get; init; }

    /// <summary>Removes the maximum (takes precedence over <see cref="Max"/>).</summary>
    public bool ClearMax { get; init; }

    /// <summary>A new maximum length in UTF-8 bytes.</summary>
    public long? MaxLength { get; init; }

    /// <summary>A new RE2 pattern.</summary>
    public string? Pattern { get; init; }

    /// <summary>Options to append to a choice or multi_choice field.</summary>
    public IReadOnlyList<string>? AddOptions { get; init; }

    /// <summary>A new default value (a .NET value); null leaves the default as it is.</summary>
    public object? DefaultValue { get; init; }

    /// <summary>Removes the default value (takes precedence over <see cref="DefaultValue"/>).</summary>
    public bool ClearDefaultValue { get; init; }

    /// <summary>A new legal hold in days (0 ends it for later erasures); standard fields take it too.</summary>
    public int? HoldDays { get; init; }
}
