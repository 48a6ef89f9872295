namespace Crm;

/// <summary>The kind of a value as libcrm stores it (crm_value_kind in crm/crm.h).</summary>
internal enum ValueKind
{
    Null = 0,
    Text = 1,
    Integer = 2,
    Decimal = 3,
    Boolean = 4,
    Date = 5,
    DateTime = 6,
    List = 7,
}
