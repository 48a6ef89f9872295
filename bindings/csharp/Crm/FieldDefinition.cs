using System.Collections.Generic;

namespace Crm;

/// <summary>
/// A new user-defined field, for <see cref="CrmDatabase.DefineField"/>.
/// Properties left null are not sent and take libcrm's defaults.
/// </summary>
public sealed record FieldDefinition
{
    /// <summary>Lowercase letters, digits and '_', starting with a letter, at most 48 bytes.</summary>
    public required string Name { get; init; }

    /// <summary>The field's type.</summary>
    public required FieldType Type { get; init; }

    /// <summary>The label shown to users (defaults to the name).</summary>
    public string? Label { get; init; }

    /// <summary>A longer description.</summary>
    public string? Description { get; init; }

    /// <summary>The group the field belongs to, e.g. "sales".</summary>
    public string? Group { get; init; }

    /// <summary>Whether every customer must hold a value.</summary>
    public bool? Required { get; init; }

    /// <summary>Whether no two customers may hold the same value.</summary>
    public bool? Unique { get; init; }

    /// <summary>Whether lookups by this field are indexed.</summary>
    public bool? Indexed { get; init; }

    /// <summary>Digits after the decimal point of a decimal field (0..9).</summary>
    public int? Scale { get; init; }

    /// <summary>
    /// The smallest value allowed, as a value of the field's type: a long or
    /// int for an integer field, a decimal (or an integer) for a decimal
    /// field, a DateOnly for a date field, a DateTimeOffset (or a UTC or local
    /// DateTime) for a datetime field. Other fields take no bounds.
    /// </summary>
    /// <example><c>Min = 0m</c>, <c>Min = new DateOnly(2024, 1, 31)</c></example>
    public object? Min { get; init; }

    /// <summary>The largest value allowed, as a value of the field's type (see <see cref="Min"/>).</summary>
    public object? Max { get; init; }

    /// <summary>The longest text, in UTF-8 bytes.</summary>
    public long? MaxLength { get; init; }

    /// <summary>An RE2 regular expression that a text value must match in full.</summary>
    public string? Pattern { get; init; }

    /// <summary>The allowed values of a choice or multi_choice field.</summary>
    public IReadOnlyList<string>? Options { get; init; }

    /// <summary>The value a new customer gets when none is given, as a .NET value (string, long, decimal, ...).</summary>
    public object? DefaultValue { get; init; }

    /// <summary>
    /// Legal hold: days an erased customer's value of the field is kept, on a
    /// stub (1 to 36,500; crm.h, "Retention and legal hold"). Not for event
    /// properties.
    /// </summary>
    public int? HoldDays { get; init; }
}
