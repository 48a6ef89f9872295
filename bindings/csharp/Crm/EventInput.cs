using System;
using System.Collections.Generic;

namespace Crm;

/// <summary>
/// An event to append with <see cref="CrmDatabase.AppendEvent"/> or
/// <see cref="CrmDatabase.AppendEvents"/>: something that happened to one
/// customer. libcrm checks it when it is appended.
/// </summary>
public sealed record EventInput
{
    /// <summary>The customer the event belongs to; it must exist.</summary>
    public required long CustomerId { get; init; }

    /// <summary>
    /// What happened, e.g. "call", "email.sent", "order.placed": 1 to 64 letters,
    /// digits and . _ - : /. Types starting with "crm." are libcrm's own.
    /// </summary>
    public required string Type { get; init; }

    /// <summary>Through which channel, e.g. "phone", "email", "web"; null for none.</summary>
    public string? Channel { get; init; }

    /// <summary>Who acted; null for none.</summary>
    public string? Actor { get; init; }

    /// <summary>Where the event came from (the system that reported it); null for none.</summary>
    public string? Source { get; init; }

    /// <summary>When it happened; null means the time of the append. Events may be appended in any time order.</summary>
    public DateTimeOffset? OccurredAt { get; init; }

    /// <summary>
    /// An optional key (at most 255 bytes): appending a second event with a key
    /// already in the log stores nothing and reports the first event's sequence number.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>
    /// Typed properties by name (names follow the field name rule). Values are
    /// .NET objects as for customers: string, long or int, decimal, bool,
    /// DateOnly, DateTimeOffset, a sequence of strings. libcrm refuses null values.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Properties { get; init; } = new Dictionary<string, object?>();
}

/// <summary>The outcome of <see cref="CrmDatabase.AppendEvent"/>.</summary>
/// <param name="Seq">The event's sequence number; for a duplicate, the one of the event first appended with the key.</param>
/// <param name="Duplicate">Whether the idempotency key was already used, so nothing was stored.</param>
public readonly record struct AppendResult(long Seq, bool Duplicate);
