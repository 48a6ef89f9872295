using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Crm;

/// <summary>
/// What <see cref="CrmDatabase.ApplyRetention"/> removed (crm.h,
/// <c>crm_retention_apply</c>).
/// </summary>
/// <param name="EventsRemoved">Events removed because their type's retention or hold period ended.</param>
/// <param name="ByType">The same by event type name; every type with a period is listed, also with 0.</param>
/// <param name="StubsRemoved">Legal-hold stubs removed because their hold ended.</param>
/// <param name="StubEventsRemoved">The events those stubs still held, their history included.</param>
public sealed record RetentionReport(
    long EventsRemoved, IReadOnlyDictionary<string, long> ByType, long StubsRemoved, long StubEventsRemoved);

/// <summary>Retention periods and legal hold.</summary>
public sealed partial class CrmDatabase
{
    /// <summary>
    /// Applies every retention and hold period at <paramref name="now"/>, the
    /// host's clock, in one write: removes events of types with a retention
    /// period that ended, stubs' events whose type's hold ended, and stubs
    /// whose hold ended. History is never removed. Idempotent (an earlier
    /// <paramref name="now"/> removes nothing more); libcrm runs no threads, so
    /// the host schedules the call.
    /// </summary>
    /// <exception cref="InvalidArgumentException"><paramref name="now"/> is outside the years 0001 to 9999 (rule "now_us").</exception>
    public RetentionReport ApplyRetention(DateTimeOffset now)
    {
        DbHandle handle = Handle;
        Errors.Check(Native.crm_retention_apply(out StringHandle json, handle, CrmValue.ToMicros(now)));
        string text;
        using (json) text = json.Text();
        using JsonDocument document = JsonDocument.Parse(text);
        JsonElement root = document.RootElement;
        var byType = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (JsonProperty type in root.GetProperty("by_type").EnumerateObject())
            byType[type.Name] = type.Value.GetInt64();
        return new RetentionReport(
            root.GetProperty("events_removed").GetInt64(),
            byType,
            root.GetProperty("stubs_removed").GetInt64(),
            root.GetProperty("stub_events_removed").GetInt64());
    }

    /// <summary>
    /// When the legal hold of stub <paramref name="id"/> ends, or null when
    /// customer <paramref name="id"/> is not a stub (crm.h,
    /// <c>crm_customer_held_until</c>).
    /// </summary>
    /// <exception cref="NotFoundException">No customer has that id.</exception>
    public DateTimeOffset? HeldUntil(long id)
    {
        DbHandle handle = Handle;
        Errors.Check(Native.crm_customer_held_until(out long us, handle, id));
        return us == 0 ? null : CrmValue.FromMicros(us);
    }
}
