using System;
using System.Collections.Generic;

namespace Crm;

/// <summary>
/// An event read from the log. Immutable, and a snapshot: it holds copies of
/// everything libcrm returned.
/// </summary>
public sealed class CrmEvent
{
    /// <summary>The prefix of the history events libcrm appends for every create, update and delete of a customer.</summary>
    public const string RecordEventPrefix = "crm.record.";

    internal CrmEvent(long seq, long customerId, DateTimeOffset occurredAt, DateTimeOffset recordedAt, string type,
        string channel, string actor, string source, string? idempotencyKey,
        IReadOnlyDictionary<string, object?> properties, IReadOnlyDictionary<string, object?> before,
        IReadOnlyDictionary<string, object?> after, DateTimeOffset? validUntil = null)
    {
        ValidUntil = validUntil;
        Seq = seq;
        CustomerId = customerId;
        OccurredAt = occurredAt;
        RecordedAt = recordedAt;
        Type = type;
        Channel = channel;
        Actor = actor;
        Source = source;
        IdempotencyKey = idempotencyKey;
        Properties = properties;
        Before = before;
        After = after;
    }

    /// <summary>The event's sequence number: it grows with every append, across all customers.</summary>
    public long Seq { get; }

    /// <summary>The customer the event belongs to.</summary>
    public long CustomerId { get; }

    /// <summary>When it happened (UTC, microseconds).</summary>
    public DateTimeOffset OccurredAt { get; }

    /// <summary>When libcrm stored it (UTC, microseconds).</summary>
    public DateTimeOffset RecordedAt { get; }

    /// <summary>A correction's end of valid time (exclusive, UTC); null for every other event, whose values hold until the next change.</summary>
    public DateTimeOffset? ValidUntil { get; }

    /// <summary>What happened, e.g. "call" or "crm.record.updated".</summary>
    public string Type { get; }

    /// <summary>Through which channel; "" when none was given. History events have "crm".</summary>
    public string Channel { get; }

    /// <summary>Who acted; "" when none was given. For history events, the actor given to the change.</summary>
    public string Actor { get; }

    /// <summary>Where the event came from; "" when none was given.</summary>
    public string Source { get; }

    /// <summary>The idempotency key it was appended with, or null.</summary>
    public string? IdempotencyKey { get; }

    /// <summary>The event's typed properties (empty for history events).</summary>
    public IReadOnlyDictionary<string, object?> Properties { get; }

    /// <summary>Whether this is a history event libcrm appended for a change of the customer ("crm.record.*").</summary>
    public bool IsRecordHistory => Type.StartsWith(RecordEventPrefix, StringComparison.Ordinal);

    /// <summary>
    /// For history events, the changed fields' values before the change: its
    /// keys are the fields the change touched, and a field that was empty has
    /// a null value (e.g. every field of a "crm.record.created" event). Empty
    /// for other events.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Before { get; }

    /// <summary>
    /// For history events, the changed fields' values after the change, with
    /// the same keys as <see cref="Before"/>; a field that was cleared (or every
    /// field, for "crm.record.deleted") has a null value. Empty for other events.
    /// </summary>
    public IReadOnlyDictionary<string, object?> After { get; }

    /// <inheritdoc/>
    public override string ToString() => $"Event {Seq} {Type} (customer {CustomerId}, {OccurredAt:O})";
}
