using System;
using System.Collections;
using System.Collections.Generic;

namespace Crm;

/// <summary>
/// Valid time of a write (crm.h "Valid time"): from when the written values
/// hold, and for a correction of a closed stretch until when; and whether the
/// duplicate rules look at it (crm.h "Duplicates"). A write without options
/// holds from the time of the call, and the rules look at it.
/// </summary>
public sealed record WriteOptions
{
    /// <summary>
    /// From when the values hold (microsecond precision); null for the time of
    /// the call. A time in the past records a late change at its place in each
    /// field's timeline; one further ahead than the clock skew (60 s) or before
    /// the customer's created_at is refused (rules "future", "before_created").
    /// On a create it is the customer's created_at.
    /// </summary>
    public DateTimeOffset? EffectiveAt { get; init; }

    /// <summary>
    /// Until when (exclusive) a correction holds; after it the value in force
    /// before the correction resumes. Null: open, the change holds until the
    /// next known change of the field. Updates only (rule "effective_until").
    /// </summary>
    public DateTimeOffset? EffectiveUntil { get; init; }

    /// <summary>
    /// Save anyway (CRM_DUPLICATE_CHECK_SKIP): no duplicate rule looks at the write, so
    /// one that would block it (<see cref="CrmDuplicateException"/>) does not, and none
    /// warns (<see cref="WriteResult.Candidates"/> stays empty); the match keys are kept
    /// current all the same. For a data steward who has looked at the candidates and
    /// decided the customer is new. False (the default): each rule acts as its definition says.
    /// </summary>
    public bool SkipDuplicateCheck { get; init; }

    internal Native.WriteOptions ToNative()
    {
        var options = Native.WriteOptions.Init();
        if (EffectiveAt is DateTimeOffset at) options.EffectiveAt = CrmValue.ToMicros(at);
        if (EffectiveUntil is DateTimeOffset until) options.EffectiveUntil = CrmValue.ToMicros(until);
        options.DuplicateCheck = DuplicateCheck(SkipDuplicateCheck);
        return options;
    }

    /// <summary>duplicate_check of crm_write_options and crm_import_options: skip, or the rules'.</summary>
    internal static int DuplicateCheck(bool skip) =>
        skip ? Native.CRM_DUPLICATE_CHECK_SKIP : Native.CRM_DUPLICATE_CHECK_RULES;
}

/// <summary>What a write with <see cref="WriteOptions"/> did.</summary>
/// <param name="Id">The customer written.</param>
/// <param name="Version">Its version after the write.</param>
/// <param name="Created">Whether the write created the customer.</param>
/// <param name="EffectiveAt">The valid time the values hold from, as applied (the time of the call when none was given; a create's created_at).</param>
/// <param name="ChangedCurrent">Whether the values in force now changed; false for a correction of the past that a later change overrides, or a write that changed nothing.</param>
public sealed record WriteResult(long Id, long Version, bool Created, DateTimeOffset EffectiveAt, bool ChangedCurrent)
{
    /// <summary>
    /// The customers a duplicate rule with action "warn" found for the write (it was saved
    /// all the same), best first, as <see cref="CrmDuplicateException.Candidates"/> lists
    /// those of a write a rule blocks; empty when none, and when
    /// <see cref="WriteOptions.SkipDuplicateCheck"/> was set.
    /// </summary>
    public IReadOnlyList<DuplicateCandidate> Candidates { get; init; } = [];
}

/// <summary>
/// A field's timeline in valid time: its intervals, oldest first, and
/// <see cref="Held"/> to sum how long it held a value.
/// </summary>
public sealed class FieldIntervalList : IReadOnlyList<FieldInterval>
{
    private readonly FieldInterval[] _intervals;

    internal FieldIntervalList(FieldInterval[] intervals, DateTimeOffset readAt)
    {
        _intervals = intervals;
        ReadAt = readAt;
    }

    /// <summary>When the timeline was read: the current interval lasts up to then.</summary>
    public DateTimeOffset ReadAt { get; }

    /// <inheritdoc/>
    public FieldInterval this[int index] => _intervals[index];

    /// <inheritdoc/>
    public int Count => _intervals.Length;

    /// <inheritdoc/>
    public IEnumerator<FieldInterval> GetEnumerator() => ((IEnumerable<FieldInterval>)_intervals).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _intervals.GetEnumerator();

    /// <summary>
    /// How long in [<paramref name="from"/>, <paramref name="to"/>) the field
    /// held <paramref name="value"/> (compared with <see cref="object.Equals(object, object)"/>
    /// to the intervals' values), exact to the microsecond; the current interval
    /// counts up to <see cref="ReadAt"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="from"/> is after <paramref name="to"/>.</exception>
    public TimeSpan Held(object? value, DateTimeOffset from, DateTimeOffset to)
    {
        long fromUs = CrmValue.ToMicros(from), toUs = CrmValue.ToMicros(to);
        if (fromUs > toUs) throw new ArgumentException("from must not be after to.", nameof(from));
        long readUs = CrmValue.ToMicros(ReadAt), total = 0;
        foreach (FieldInterval interval in _intervals)
        {
            if (!Equals(interval.Value, value)) continue;
            long start = CrmValue.ToMicros(interval.From);
            long end = interval.To is DateTimeOffset t ? CrmValue.ToMicros(t) : readUs;
            total += Math.Max(0, Math.Min(end, toUs) - Math.Max(start, fromUs));
        }
        return TimeSpan.FromTicks(checked(total * 10));
    }
}
