using System;

namespace Crm;

/// <summary>The types a field can have (see crm_field_define in crm/crm.h).</summary>
public enum FieldType
{
    /// <summary>"text": single-line text, at most 65,535 bytes.</summary>
    Text,
    /// <summary>"long_text": text, at most 16 MiB.</summary>
    LongText,
    /// <summary>"integer": 64-bit signed integer.</summary>
    Integer,
    /// <summary>"decimal": exact decimal with Scale digits after the point; money is scale 2.</summary>
    Decimal,
    /// <summary>"boolean".</summary>
    Boolean,
    /// <summary>"date": a calendar date.</summary>
    Date,
    /// <summary>"datetime": a UTC instant with microseconds.</summary>
    DateTime,
    /// <summary>"choice": one of Options.</summary>
    Choice,
    /// <summary>"multi_choice": a list of distinct values from Options.</summary>
    MultiChoice,
    /// <summary>"tags": a list of distinct free-text values.</summary>
    Tags,
    /// <summary>"email": text checked for the form.</summary>
    Email,
    /// <summary>"phone": text checked for the form.</summary>
    Phone,
    /// <summary>"url": text checked for the form.</summary>
    Url,
    /// <summary>"reference": the id of another customer.</summary>
    Reference,
}

/// <summary>Conversions between <see cref="FieldType"/> and libcrm's type names.</summary>
public static class FieldTypes
{
    /// <summary>libcrm's name of a field type, e.g. "multi_choice".</summary>
    public static string ToName(this FieldType type) => type switch
    {
        FieldType.Text => "text",
        FieldType.LongText => "long_text",
        FieldType.Integer => "integer",
        FieldType.Decimal => "decimal",
        FieldType.Boolean => "boolean",
        FieldType.Date => "date",
        FieldType.DateTime => "datetime",
        FieldType.Choice => "choice",
        FieldType.MultiChoice => "multi_choice",
        FieldType.Tags => "tags",
        FieldType.Email => "email",
        FieldType.Phone => "phone",
        FieldType.Url => "url",
        FieldType.Reference => "reference",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown field type"),
    };

    /// <summary>The <see cref="FieldType"/> named <paramref name="name"/>, if this binding knows it.</summary>
    public static bool TryParse(string name, out FieldType type)
    {
        foreach (FieldType candidate in Enum.GetValues<FieldType>())
        {
            if (candidate.ToName() == name)
            {
                type = candidate;
                return true;
            }
        }
        type = default;
        return false;
    }
}
