using System;
using System.Collections.Generic;

namespace Crm;

/// <summary>Which of a customer's events <see cref="CrmDatabase.Timeline"/> returns, in which order.</summary>
public sealed record TimelineOptions
{
    /// <summary>Only events that occurred at or after this instant; null for no lower bound.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only events that occurred before this instant; null for no upper bound.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only events of these types; null or empty for all.</summary>
    public IReadOnlyList<string>? Types { get; init; }

    /// <summary>Only events through these channels; null or empty for all.</summary>
    public IReadOnlyList<string>? Channels { get; init; }

    /// <summary>Oldest first instead of newest first (the default).</summary>
    public bool OldestFirst { get; init; }

    /// <summary>Events fetched per crossing into libcrm, 1 to 1000 (default 50).</summary>
    public int PageSize { get; init; } = (int)Native.TimelineOptions.Init().PageSize;
}

/// <summary>One page of a customer's timeline.</summary>
/// <param name="Events">The page's events, in timeline order.</param>
/// <param name="NextCursor">Where the next page starts; null when this was the last page.</param>
public sealed record TimelinePage(IReadOnlyList<CrmEvent> Events, string? NextCursor);

/// <summary>An interval of valid time during which one field of a customer held one value.</summary>
/// <param name="From">When the field took the value (UTC).</param>
/// <param name="To">When it stopped holding it; null while the value is still current.</param>
/// <param name="Value">The value, typed as in <see cref="Customer"/>.</param>
public sealed record FieldInterval(DateTimeOffset From, DateTimeOffset? To, object? Value)
{
    /// <summary>When libcrm recorded the change that set the value (of merged changes, the earliest); null when not known.</summary>
    public DateTimeOffset? RecordedAt { get; init; }

    /// <summary>The interval's length; for the current interval, up to when the timeline was read.</summary>
    public TimeSpan Duration { get; init; }
}
