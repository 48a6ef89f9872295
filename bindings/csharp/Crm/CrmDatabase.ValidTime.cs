using System;
using System.Collections.Generic;

namespace Crm;

public sealed partial class CrmDatabase
{
    /// <summary>
    /// Creates a customer whose values hold from <see cref="WriteOptions.EffectiveAt"/>
    /// (or from a "created_at" value in <paramref name="values"/>: the customer's
    /// real start, e.g. when migrating it; both given must be equal).
    /// </summary>
    /// <param name="values">Field values by field name, as for <see cref="CreateCustomer(IReadOnlyDictionary{string, object?}, string?)"/>.</param>
    /// <param name="options">The valid time (<see cref="WriteOptions.EffectiveUntil"/> must be null), and
    /// <see cref="WriteOptions.SkipDuplicateCheck"/> to save although a duplicate rule would block it.</param>
    /// <param name="actor">Who makes the change; null means "api".</param>
    /// <returns>What the write did, with the candidates of a duplicate rule that warns (<see cref="WriteResult.Candidates"/>).</returns>
    /// <exception cref="ValidationException">A value breaks a rule, or the time is refused (rules "future", "effective_at", "effective_until").</exception>
    /// <exception cref="CrmDuplicateException">A duplicate rule blocks the write (its candidates in <see cref="CrmDuplicateException.Candidates"/>).</exception>
    public unsafe WriteResult CreateCustomer(IReadOnlyDictionary<string, object?> values, WriteOptions options, string? actor = null)
    {
        DbHandle handle = Handle;
        return WriteV2(values, nameof(values), options,
            (RecordHandle record, Native.WriteOptions* native, out WriteResultHandle result) =>
                Native.crm_customer_create_v2(out result, handle, record, native, Actor(actor)));
    }

    /// <summary>
    /// Changes the fields in <paramref name="changes"/> from <see cref="WriteOptions.EffectiveAt"/>
    /// on (and, for a correction, until <see cref="WriteOptions.EffectiveUntil"/>): a change
    /// effective in the past slots into each field's timeline at its place
    /// (crm.h "Valid time"); the customer's current values change only where it
    /// holds now (see <see cref="WriteResult.ChangedCurrent"/>).
    /// </summary>
    /// <param name="id">The customer's id.</param>
    /// <param name="changes">Field values by field name; a null value clears the field.</param>
    /// <param name="options">The valid time, and the duplicate check (<see cref="WriteOptions.SkipDuplicateCheck"/>).</param>
    /// <param name="expectedVersion">When above 0, the update applies only if the customer is still at this version.</param>
    /// <param name="actor">Who makes the change; null means "api".</param>
    /// <returns>What the write did, with the candidates of a duplicate rule that warns.</returns>
    /// <exception cref="ValidationException">A value breaks a rule, or the time is refused (rules "future", "before_created", "range").</exception>
    /// <exception cref="ConflictException">The customer is no longer at <paramref name="expectedVersion"/>.</exception>
    /// <exception cref="CrmDuplicateException">A duplicate rule blocks the write.</exception>
    public unsafe WriteResult UpdateCustomer(long id, IReadOnlyDictionary<string, object?> changes, WriteOptions options, long expectedVersion = 0, string? actor = null)
    {
        DbHandle handle = Handle;
        return WriteV2(changes, nameof(changes), options,
            (RecordHandle record, Native.WriteOptions* native, out WriteResultHandle result) =>
                Native.crm_customer_update_v2(out result, handle, id, expectedVersion, record, native, Actor(actor)));
    }

    /// <summary>
    /// Creates or updates the customer with the external_id in <paramref name="values"/>,
    /// with the valid time of <paramref name="options"/>. A "created_at" value creates as
    /// <see cref="CreateCustomer(IReadOnlyDictionary{string, object?}, WriteOptions, string?)"/>
    /// and, when the customer exists, must equal its stored created_at.
    /// </summary>
    /// <returns>What the write did (<see cref="WriteResult.Created"/> tells a create), with the candidates of a duplicate rule that warns.</returns>
    /// <exception cref="CrmDuplicateException">A duplicate rule blocks the write (unless <see cref="WriteOptions.SkipDuplicateCheck"/>).</exception>
    public unsafe WriteResult UpsertCustomer(IReadOnlyDictionary<string, object?> values, WriteOptions options, string? actor = null)
    {
        DbHandle handle = Handle;
        return WriteV2(values, nameof(values), options,
            (RecordHandle record, Native.WriteOptions* native, out WriteResultHandle result) =>
                Native.crm_customer_upsert_v2(out result, handle, record, native, Actor(actor)));
    }

    /// <summary>One _v2 write of a record, given the record and the native options.</summary>
    private unsafe delegate int WriteV2Call(RecordHandle record, Native.WriteOptions* options, out WriteResultHandle result);

    /// <summary>Builds the record and the options, runs <paramref name="call"/>, and reads its crm_write_result.</summary>
    private static unsafe WriteResult WriteV2(IReadOnlyDictionary<string, object?> values, string parameter, WriteOptions options, WriteV2Call call)
    {
        ArgumentNullException.ThrowIfNull(options);
        Native.WriteOptions native = options.ToNative();
        using RecordHandle record = RecordWriter.Build(values, parameter);
        int status = call(record, &native, out WriteResultHandle result);
        using (result)
        {
            Errors.Check(status);
            return new WriteResult(
                Native.crm_write_result_id(result),
                Native.crm_write_result_version(result),
                Native.crm_write_result_created(result) != 0,
                CrmValue.FromMicros(Native.crm_write_result_effective_at(result)),
                Native.crm_write_result_changed_current(result) != 0)
            {
                Candidates = DuplicateJson.Candidates(Native.Text(Native.crm_write_result_candidates_json(result))),
            };
        }
    }

    /// <summary>
    /// The customer as it was at valid time <paramref name="at"/>, by what libcrm
    /// had recorded up to <paramref name="knownAt"/> ("what would we have said
    /// then"); null means by today's knowledge, as <see cref="GetCustomerAt(long, DateTimeOffset)"/>.
    /// </summary>
    /// <exception cref="NotFoundException">By that knowledge the customer did not exist at <paramref name="at"/>.</exception>
    public Customer GetCustomerAt(long id, DateTimeOffset at, DateTimeOffset? knownAt)
    {
        int status = Native.crm_customer_get_at_v2(out RecordHandle record, Handle, id, CrmValue.ToMicros(at), KnownAt(knownAt));
        return Read(status, record);
    }

    /// <summary>
    /// A field's timeline in valid time as libcrm knew it at <paramref name="knownAt"/>
    /// (null: today): each interval with its start, end (null while current),
    /// <see cref="FieldInterval.Duration"/> and <see cref="FieldInterval.RecordedAt"/>;
    /// adjacent intervals of equal value are one, stretches when the field was
    /// empty are left out. <see cref="FieldIntervalList.Held"/> sums a value's time.
    /// </summary>
    /// <exception cref="NotFoundException">No customer or field has that id or name.</exception>
    public FieldIntervalList FieldTimeline(long customerId, string field, DateTimeOffset? knownAt)
    {
        DbHandle handle = Handle;
        int status = Native.crm_field_timeline_get_v2(out FieldTimelineHandle timeline, handle, customerId, Arg(field, nameof(field)), KnownAt(knownAt));
        using (timeline)
        {
            Errors.Check(status);
            int size = checked((int)Native.crm_field_timeline_size(timeline));
            var intervals = new FieldInterval[size];
            DateTimeOffset readAt = DateTimeOffset.UtcNow;
            for (int i = 0; i < size; i++)
            {
                nuint index = (nuint)i;
                long from = Native.crm_field_timeline_from(timeline, index);
                long to = Native.crm_field_timeline_to(timeline, index);
                long duration = Native.crm_field_timeline_duration(timeline, index);
                object? value;
                // Borrowed from the timeline: read before the timeline is freed.
                using (RecordHandle record = RecordHandle.Borrow(Native.crm_field_timeline_value(timeline, index), timeline))
                    value = RecordReader.ReadSingleValue(record);
                if (to == Native.CRM_TIME_MAX) readAt = CrmValue.FromMicros(from + duration);
                intervals[i] = new FieldInterval(
                    CrmValue.FromMicros(from),
                    to == Native.CRM_TIME_MAX ? null : CrmValue.FromMicros(to),
                    value)
                {
                    RecordedAt = CrmValue.FromMicros(Native.crm_field_timeline_recorded_at(timeline, index)),
                    Duration = TimeSpan.FromTicks(checked(duration * 10)),
                };
            }
            return new FieldIntervalList(intervals, readAt);
        }
    }

    /// <summary>
    /// The query's aggregates (without any, a count) as of each of
    /// <paramref name="instants"/> (valid times; known at the query's
    /// <see cref="Crm.Query.KnownAt"/>), in one pass over the history: e.g. the
    /// customers on the premium plan at each month-end. One row per instant
    /// (and group), in the order given: "valid_at", then the groups and aggregates.
    /// Customers queries only.
    /// </summary>
    /// <exception cref="InvalidArgumentException">No instants or more than 1,000 (rule "instants"), or an events query (rule "target").</exception>
    public IReadOnlyList<QueryRow> AggregateSeries(Query query, IEnumerable<DateTimeOffset> instants)
    {
        DbHandle handle = Handle;
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(instants);
        var micros = new List<long>();
        foreach (DateTimeOffset instant in instants) micros.Add(CrmValue.ToMicros(instant));
        using QueryHandle native = query.Build();
        int status = Native.crm_query_run_series(out RowsHandle rows, handle, native, micros.ToArray(), (nuint)micros.Count);
        return ReadRows(status, rows).Rows;
    }

    private static long KnownAt(DateTimeOffset? knownAt) =>
        knownAt is DateTimeOffset k ? CrmValue.ToMicros(k) : Native.CRM_TIME_MAX;
}
