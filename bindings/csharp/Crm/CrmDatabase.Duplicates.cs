namespace Crm;

/// <summary>
/// Duplicates (crm.h, "Duplicates"): <see cref="Duplicates"/> holds the workspace's duplicate
/// rules and settings, a customer's match keys, a record's candidates and the workspace scan.
/// </summary>
public sealed partial class CrmDatabase
{
    /// <summary>Duplicate rules, settings, match keys, candidates and the scan.</summary>
    public CrmDuplicates Duplicates => new(this);
}
