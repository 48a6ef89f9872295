using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Crm;

/// <summary>
/// What an erase did (crm.h, <c>crm_customer_erase</c>): the ids erased with
/// their tombstones' sequence numbers, and what was removed, kept or
/// suppressed.
/// </summary>
/// <param name="ErasedIds">The ids erased, ascending.</param>
/// <param name="Tombstones">Each one's "crm.record.erased" event seq, aligned with <paramref name="ErasedIds"/>.</param>
/// <param name="Customers">Records removed (0 for a customer deleted earlier).</param>
/// <param name="Events">Interactions removed.</param>
/// <param name="HistoryEvents">crm.record.* history events removed.</param>
/// <param name="IdempotencyKeys">Keys of the events removed.</param>
/// <param name="SearchEntries">Search-index entries removed.</param>
/// <param name="ReferencesCleared">Other customers whose reference fields to an erased id were cleared.</param>
/// <param name="Kept">What a legal hold kept, one JSON object each.</param>
/// <param name="Suppressed">Hashes of email and phone kept.</param>
public sealed record EraseReceipt(
    IReadOnlyList<long> ErasedIds,
    IReadOnlyList<long> Tombstones,
    long Customers,
    long Events,
    long HistoryEvents,
    long IdempotencyKeys,
    long SearchEntries,
    long ReferencesCleared,
    IReadOnlyList<string> Kept,
    long Suppressed)
{
    /// <summary>The receipt libcrm returns as JSON, decoded.</summary>
    internal static EraseReceipt FromJson(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        JsonElement removed = root.GetProperty("removed");
        long[] Ids(string name) => root.GetProperty(name).EnumerateArray().Select(e => e.GetInt64()).ToArray();
        long Removed(string name) => removed.GetProperty(name).GetInt64();
        return new EraseReceipt(
            Ids("erased_ids"),
            Ids("tombstones"),
            Removed("customers"),
            Removed("events"),
            Removed("history_events"),
            Removed("idempotency_keys"),
            Removed("search_entries"),
            Removed("references_cleared"),
            root.GetProperty("kept").EnumerateArray().Select(e => e.GetRawText()).ToArray(),
            root.GetProperty("suppressed").GetInt64());
    }
}

/// <summary>Erasure: removing a person for good (crm.h, "Erasure").</summary>
public sealed partial class CrmDatabase
{
    /// <summary>
    /// Erases customer <paramref name="id"/> (or a customer deleted earlier)
    /// in one transaction: its record, every event of it (history included),
    /// its search entry and the references other customers hold to it; a
    /// "crm.record.erased" tombstone naming <paramref name="actor"/> and
    /// <paramref name="reason"/> (no personal data) stays in the log. Use
    /// <see cref="DeleteCustomer"/> to end a relationship but keep the
    /// history; this when the person's data must be gone. Follow with
    /// <see cref="Checkpoint"/> to take the bytes out of a file's log.
    /// </summary>
    /// <param name="id">The customer.</param>
    /// <param name="actor">Who asked (kept in the tombstone); null for "api".</param>
    /// <param name="reason">Why, e.g. a ticket number (kept in the tombstone); never personal data.</param>
    /// <param name="keepHeld">Keep data under a legal hold in a stub.</param>
    /// <param name="overrideHold">Erase held data too.</param>
    /// <param name="suppress">Keep keyed hashes of email and phone.</param>
    /// <exception cref="NotFoundException">No such customer, or erased before.</exception>
    /// <exception cref="InvalidArgumentException">A bad id, reason (over 1,000 bytes) or combination of flags.</exception>
    public unsafe EraseReceipt Erase(
        long id, string? actor = null, string? reason = null,
        bool keepHeld = false, bool overrideHold = false, bool suppress = false)
    {
        DbHandle handle = Handle;
        using var strings = new Utf8Allocations();
        Native.EraseOptions options = EraseOptionsOf(strings, actor, reason, keepHeld, overrideHold, suppress);
        Errors.Check(Native.crm_customer_erase(out StringHandle receipt, handle, id, &options));
        using (receipt) return EraseReceipt.FromJson(receipt.Text());
    }

    /// <summary>
    /// Erases every customer matching the query's filter (a customer query;
    /// its parameters bound; selection, order and paging ignored) in one
    /// transaction, rewriting the search index once for all of them: one
    /// receipt. An empty filter is refused (rule "filter"): write "id > 0" to
    /// erase everyone. Other parameters as <see cref="Erase"/>.
    /// </summary>
    /// <exception cref="InvalidArgumentException">Not a customer query, no filter, or a filter that does not parse.</exception>
    public unsafe EraseReceipt EraseWhere(
        Query query, string? actor = null, string? reason = null,
        bool keepHeld = false, bool overrideHold = false, bool suppress = false)
    {
        DbHandle handle = Handle;
        ArgumentNullException.ThrowIfNull(query);
        using QueryHandle native = query.Build();
        using var strings = new Utf8Allocations();
        Native.EraseOptions options = EraseOptionsOf(strings, actor, reason, keepHeld, overrideHold, suppress);
        Errors.Check(Native.crm_customer_erase_where(out StringHandle receipt, handle, native, &options));
        using (receipt) return EraseReceipt.FromJson(receipt.Text());
    }

    /// <summary>
    /// The backend's upkeep after an erase (crm.h, <c>crm_checkpoint</c>): in a
    /// file, the write-ahead log truncated, so erased bytes are gone from it;
    /// on PostgreSQL, VACUUM of libcrm's tables.
    /// </summary>
    /// <exception cref="BusyException">Another connection still reads or writes the file.</exception>
    /// <exception cref="MisuseException">Inside a transaction.</exception>
    public void Checkpoint()
    {
        DbHandle handle = Handle;
        Errors.Check(Native.crm_checkpoint(handle));
    }

    private static unsafe Native.EraseOptions EraseOptionsOf(
        Utf8Allocations strings, string? actor, string? reason, bool keepHeld, bool overrideHold, bool suppress)
    {
        Native.EraseOptions options = Native.EraseOptions.Init();
        options.Actor = strings.String(actor, nameof(actor));
        options.Reason = strings.String(reason, nameof(reason));
        options.Flags = (keepHeld ? Native.CRM_ERASE_KEEP_HELD : 0)
            | (overrideHold ? Native.CRM_ERASE_OVERRIDE_HOLD : 0)
            | (suppress ? Native.CRM_ERASE_SUPPRESS : 0);
        return options;
    }
}
