using System;
using System.Collections.Generic;
using System.Linq;

namespace Crm;

/// <summary>Merging customers: one customer made of several, undone at any later time (crm.h,
/// "Merging customers").</summary>
public sealed partial class CrmDatabase
{
    /// <summary>
    /// Merges the customers <paramref name="mergedIds"/> (1 to 10,000) into customer
    /// <paramref name="survivorId"/> in one transaction. The survivor takes its field values by
    /// the rules of <paramref name="options"/> (by default <see cref="MergeRule.FirstNonEmpty"/>),
    /// as an update by <paramref name="actor"/> would; no duplicate rule looks at the merge.
    /// Each merged customer stops being a customer: <see cref="GetCustomer"/> of its id, and
    /// <see cref="GetCustomerByExternalId"/> of its external id when no customer holds it now,
    /// return the survivor with <see cref="Customer.MergedId"/> set, and writes naming it throw
    /// <see cref="CrmMergedException"/>. References other customers held to it point at the
    /// survivor; its events stay under its id and show in the survivor's timeline. On failure
    /// nothing is written.
    /// </summary>
    /// <param name="survivorId">The customer the others become.</param>
    /// <param name="mergedIds">The customers merged into it, in the order rules such as
    /// <see cref="MergeRule.FirstNonEmpty"/> look at them.</param>
    /// <param name="options">The rules by field and for the other fields; null: the defaults.</param>
    /// <param name="actor">Who merges (kept with the history and the "crm.record.merged" events); null for "api".</param>
    /// <param name="reason">Why (kept with the events; at most 1,000 bytes).</param>
    /// <returns>The receipt, whose <see cref="MergeResult.MergeId"/> <see cref="Unmerge"/> takes.</returns>
    /// <exception cref="InvalidArgumentException">No ids, an id twice, or the survivor among them (rule
    /// "merged_ids"); a reason too long (rule "reason").</exception>
    /// <exception cref="NotFoundException">An id that is no customer (field "id").</exception>
    /// <exception cref="CrmMergedException">An id that was merged already.</exception>
    /// <exception cref="ValidationException">A bad rule or value (rule "merge", naming the key), or a new
    /// value of the survivor that breaks a field's rule.</exception>
    /// <exception cref="CrmDeniedException">A restricted handle.</exception>
    /// <exception cref="ArgumentException">A rule's value of an unsupported .NET type, or a named
    /// rule's value as <see cref="MergeOptions.Default"/>.</exception>
    public MergeResult Merge(long survivorId, IReadOnlyList<long> mergedIds, MergeOptions? options = null,
        string? actor = null, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(mergedIds);
        DbHandle handle = Handle;
        long[] ids = mergedIds.ToArray();
        string? json = MergeJson.Options(options);
        Errors.Check(Native.crm_customer_merge(out StringHandle receipt, handle, survivorId, ids, (nuint)ids.Length,
            json, Actor(actor), Reason(reason)));
        using (receipt) return MergeJson.Result(receipt.Text());
    }

    /// <summary>
    /// Undoes merge <paramref name="mergeId"/> in one transaction: each customer it merged is a
    /// customer again under its id, with its values as they were; references the merge moved and
    /// that still point at the survivor point back. The survivor's fields the merge changed go
    /// back to their values before it, but a field changed since keeps its value and is reported
    /// in <see cref="UnmergeResult.Conflicts"/>. On failure nothing is written.
    /// </summary>
    /// <param name="mergeId">A <see cref="MergeResult.MergeId"/>.</param>
    /// <param name="actor">Who undoes it; null for "api".</param>
    /// <param name="reason">Why (kept with the "crm.record.unmerged" events; at most 1,000 bytes).</param>
    /// <exception cref="NotFoundException">No such merge, or one undone or erased (rule "merge").</exception>
    /// <exception cref="ConflictException">The survivor was merged into another customer since: undo
    /// that merge first (rule "merge").</exception>
    /// <exception cref="ConstraintException">A restored customer's unique value is held by another
    /// customer now (rule "unique").</exception>
    /// <exception cref="CrmDeniedException">A restricted handle.</exception>
    public UnmergeResult Unmerge(long mergeId, string? actor = null, string? reason = null)
    {
        DbHandle handle = Handle;
        Errors.Check(Native.crm_customer_unmerge(out StringHandle receipt, handle, mergeId, Actor(actor), Reason(reason)));
        using (receipt) return MergeJson.Unmerge(receipt.Text(), FieldTypes);
    }

    /// <summary>
    /// What merges say of <paramref name="id"/>: the customer it was merged into and where its
    /// chain of merges ends now (null for an id not merged), and the ids merged into it.
    /// </summary>
    /// <exception cref="NotFoundException">An id that is neither a customer nor merged (field "id").</exception>
    public MergeInfo Merges(long id)
    {
        Errors.Check(Native.crm_customer_merges(out StringHandle json, Handle, id));
        using (json) return MergeJson.Info(json.Text());
    }

    /// <summary>Every field's type by name, archived ones too.</summary>
    private IReadOnlyDictionary<string, string> FieldTypes() =>
        ListFields(includeArchived: true).ToDictionary(f => f.Name, f => f.Type, StringComparer.Ordinal);

    /// <summary>Checks an optional reason.</summary>
    private static string? Reason(string? reason) => reason is null ? null : CrmValue.CheckText(reason, nameof(reason));
}
