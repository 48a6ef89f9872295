using System;
using System.Collections.Generic;

namespace Crm;

public sealed partial class CrmDatabase
{
    /// <summary>
    /// Appends an event to the log after libcrm checked it (the customer
    /// exists, names are valid, property types fit and, for a registered type,
    /// its property schema holds).
    /// </summary>
    /// <param name="input">The event.</param>
    /// <returns>
    /// The event's sequence number, and whether its idempotency key was already
    /// used (then nothing was stored and the sequence number is the first event's).
    /// </returns>
    /// <exception cref="NotFoundException">The customer does not exist.</exception>
    /// <exception cref="ValidationException">A property breaks its type's schema (see Field and Rule).</exception>
    /// <exception cref="InvalidArgumentException">A name is not valid, or the type is one of libcrm's own ("crm.*").</exception>
    /// <exception cref="ArgumentException">A property value's .NET type is not supported, or a text contains NUL.</exception>
    public unsafe AppendResult AppendEvent(EventInput input)
    {
        DbHandle handle = Handle;
        ArgumentNullException.ThrowIfNull(input);
        _ = Arg(input.Type, nameof(input.Type));
        // One crossing for the whole event: the batch encoder's one-event
        // batch, decoded by libcrm (crm_event_decode).
        (byte[] bytes, _) = EventBatchEncoder.Encode([input], nameof(input));
        EventHandle evt;
        fixed (byte* start = bytes)
            Errors.Check(Native.crm_event_decode(out evt, start, (nuint)bytes.Length));
        using (evt)
        {
            Errors.Check(Native.crm_event_append(out long seq, out int duplicate, handle, evt));
            return new AppendResult(seq, duplicate != 0);
        }
    }

    /// <summary>
    /// Appends events all or nothing, crossing into libcrm once (one
    /// crm.wire.EventBatch). An event whose idempotency key is already in the
    /// log stores nothing and reports the first event's sequence number.
    /// </summary>
    /// <param name="events">The events, in order.</param>
    /// <returns>Each event's sequence number, in order.</returns>
    /// <exception cref="BatchException">An event was rejected; nothing was stored. Carries every event's outcome.</exception>
    /// <exception cref="ArgumentException">An event is null, or a property value's .NET type is not supported.</exception>
    public unsafe IReadOnlyList<long> AppendEvents(IEnumerable<EventInput> events)
    {
        DbHandle handle = Handle;
        (byte[] batch, int count) = EventBatchEncoder.Encode(events);
        if (count == 0) return [];

        int status;
        BatchReportHandle report;
        fixed (byte* bytes = batch)
        {
            status = Native.crm_event_append_batch(out report, handle, bytes, (nuint)batch.Length);
        }
        BatchRowResult[] results = FinishBatch(status, report);
        var seqs = new long[results.Length];
        for (int i = 0; i < results.Length; i++) seqs[i] = results[i].Id;
        return seqs;
    }

    /// <summary>Reads one event by its sequence number.</summary>
    /// <exception cref="NotFoundException">No event has that sequence number.</exception>
    public CrmEvent GetEvent(long seq)
    {
        int status = Native.crm_event_get(out EventHandle evt, Handle, seq);
        using (evt)
        {
            Errors.Check(status);
            return ReadEvent(evt);
        }
    }

    /// <summary>
    /// A customer's events, ordered by when they occurred (then by sequence
    /// number), newest first unless <see cref="TimelineOptions.OldestFirst"/>.
    /// Pages are fetched as the enumeration proceeds; paging is by position,
    /// so events appended meanwhile never make an event repeat or go missing.
    /// </summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="options">Bounds, filters, order and page size; null for the defaults.</param>
    /// <exception cref="InvalidArgumentException">An option is out of range (thrown when enumeration starts).</exception>
    public IEnumerable<CrmEvent> Timeline(long customerId, TimelineOptions? options = null)
    {
        _ = Handle;
        CheckPageSize(options);
        return EnumerateTimeline(customerId, options);
    }

    private IEnumerable<CrmEvent> EnumerateTimeline(long customerId, TimelineOptions? options)
    {
        string? cursor = null;
        do
        {
            TimelinePage page = TimelinePage(customerId, options, cursor);
            foreach (CrmEvent e in page.Events) yield return e;
            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    /// <summary>One page of a customer's timeline (see <see cref="Timeline"/>).</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="options">Bounds, filters, order and page size; null for the defaults.</param>
    /// <param name="cursor">The previous page's <see cref="Crm.TimelinePage.NextCursor"/>, or null for the first page.</param>
    /// <returns>The events and the cursor of the next page (null after the last one).</returns>
    /// <exception cref="InvalidArgumentException">An option or the cursor is not valid.</exception>
    public unsafe TimelinePage TimelinePage(long customerId, TimelineOptions? options = null, string? cursor = null)
    {
        DbHandle handle = Handle;
        CheckPageSize(options);
        Native.TimelineOptions native = Native.TimelineOptions.Init();
        using var strings = new Utf8Allocations();
        if (options is not null)
        {
            if (options.From is { } from) native.FromUs = CrmValue.ToMicros(from);
            if (options.To is { } to) native.ToUs = CrmValue.ToMicros(to);
            native.Types = strings.Array(options.Types, nameof(options.Types), out native.TypeCount);
            native.Channels = strings.Array(options.Channels, nameof(options.Channels), out native.ChannelCount);
            native.OldestFirst = options.OldestFirst ? 1 : 0;
            native.PageSize = (uint)options.PageSize;
        }
        native.Cursor = strings.String(cursor, nameof(cursor));

        int status = Native.crm_event_timeline(out EventPageHandle page, handle, customerId, &native);
        using (page)
        {
            Errors.Check(status);
            string next = Native.Text(Native.crm_event_page_next_cursor(page));
            return new TimelinePage(ReadPage(page), next.Length == 0 ? null : next);
        }
    }

    /// <summary>
    /// The committed high-water mark: every event with a sequence number up to
    /// it is stored, or will never exist (numbers of rolled-back writers are
    /// holes). On PostgreSQL, where writers commit out of order, it stays below
    /// the numbers of transactions still open; it never goes down.
    /// </summary>
    public long EventHighWater()
    {
        Errors.Check(Native.crm_event_high_water(out long seq, Handle));
        return seq;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> events of all customers with a sequence
    /// number above <paramref name="afterSeq"/> and at most the committed
    /// high-water mark (<see cref="EventHighWater"/>), in sequence order: for
    /// mirroring the log. Pass the last event's <see cref="CrmEvent.Seq"/> to
    /// get the next ones; no event committed later has a number passed.
    /// </summary>
    /// <param name="afterSeq">The last sequence number already seen (0 for the start).</param>
    /// <param name="limit">At most this many events, 1 to 10,000.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not positive.</exception>
    /// <exception cref="InvalidArgumentException"><paramref name="limit"/> is above libcrm's maximum.</exception>
    public IReadOnlyList<CrmEvent> Follow(long afterSeq, int limit = 1000)
    {
        DbHandle handle = Handle;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        int status = Native.crm_event_follow(out EventPageHandle page, handle, afterSeq, (uint)limit);
        using (page)
        {
            Errors.Check(status);
            return ReadPage(page);
        }
    }

    /// <summary>
    /// Registers (or replaces) an event type with a property schema: events of
    /// the type are then validated like customer fields (types, required, and
    /// the other rules).
    /// </summary>
    /// <param name="name">The event type, e.g. "order.placed".</param>
    /// <param name="properties">The properties, each defined like a field.</param>
    /// <param name="description">A description of the type.</param>
    /// <param name="retentionDays">Events older than that are removed by <see cref="ApplyRetention"/> (0: kept).</param>
    /// <param name="holdDays">An erased customer's events of the type are kept that long on a stub (0: none).</param>
    /// <param name="heldProperties">The properties such held events keep.</param>
    /// <exception cref="ValidationException">A property definition or a period is not valid.</exception>
    /// <exception cref="InvalidArgumentException">The name is not valid, or is one of libcrm's own types.</exception>
    public void DefineEventType(string name, IEnumerable<FieldDefinition> properties, string description = "",
        int retentionDays = 0, int holdDays = 0, IReadOnlyList<string>? heldProperties = null)
    {
        DbHandle handle = Handle;
        string json = FieldJson.EventType(Arg(name, nameof(name)), Arg(description, nameof(description)), properties,
            retentionDays, holdDays, heldProperties);
        Errors.Check(Native.crm_event_type_define(handle, json));
    }

    private static void CheckPageSize(TimelineOptions? options)
    {
        if (options is not null)
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.PageSize, nameof(options.PageSize));
    }

    /// <summary>Copies every event of a page; the borrowed events are read before the page is freed.</summary>
    private static IReadOnlyList<CrmEvent> ReadPage(EventPageHandle page)
    {
        int size = checked((int)Native.crm_event_page_size(page));
        var events = new CrmEvent[size];
        for (int i = 0; i < size; i++)
        {
            using EventHandle evt = EventHandle.Borrow(Native.crm_event_page_at(page, (nuint)i), page);
            events[i] = ReadEvent(evt);
        }
        return Array.AsReadOnly(events);
    }

    /// <summary>Copies an event, including its borrowed property and history records.</summary>
    private static CrmEvent ReadEvent(EventHandle evt)
    {
        string key = Native.Text(Native.crm_event_idempotency_key(evt));
        var (before, after) = Align(
            ReadBorrowed(Native.crm_event_before(evt), evt),
            ReadBorrowed(Native.crm_event_after(evt), evt));
        return new CrmEvent(
            Native.crm_event_seq(evt),
            Native.crm_event_customer(evt),
            CrmValue.FromMicros(Native.crm_event_occurred_at(evt)),
            CrmValue.FromMicros(Native.crm_event_recorded_at(evt)),
            Native.Text(Native.crm_event_type(evt)),
            Native.Text(Native.crm_event_channel(evt)),
            Native.Text(Native.crm_event_actor(evt)),
            Native.Text(Native.crm_event_source(evt)),
            key.Length == 0 ? null : key,
            ReadBorrowed(Native.crm_event_properties(evt), evt),
            before,
            after,
            Native.crm_event_valid_until(evt) is long until && until != Native.CRM_TIME_MAX
                ? CrmValue.FromMicros(until) : null);
    }

    /// <summary>
    /// libcrm leaves an empty side out (a field absent from before was empty,
    /// one absent from after was cleared); <see cref="CrmEvent"/> gives both
    /// sides the same keys, with null for the empty side.
    /// </summary>
    private static (IReadOnlyDictionary<string, object?> Before, IReadOnlyDictionary<string, object?> After) Align(
        IReadOnlyDictionary<string, object?> before, IReadOnlyDictionary<string, object?> after)
    {
        if (before.Count == 0 && after.Count == 0) return (before, after);
        var names = new List<string>(before.Keys);
        foreach (string name in after.Keys)
            if (!before.ContainsKey(name)) names.Add(name);
        return (Fill(before, names), Fill(after, names));

        static IReadOnlyDictionary<string, object?> Fill(IReadOnlyDictionary<string, object?> side, List<string> names)
        {
            if (side.Count == names.Count) return side;
            var values = new Dictionary<string, object?>(names.Count, StringComparer.Ordinal);
            foreach (string name in names) values[name] = side.TryGetValue(name, out object? v) ? v : null;
            return new FieldValues(names, values);
        }
    }

    private static IReadOnlyDictionary<string, object?> ReadBorrowed(nint record, EventHandle owner)
    {
        using RecordHandle handle = RecordHandle.Borrow(record, owner);
        FieldValues values = RecordReader.ReadValues(handle);
        return values.Count == 0 ? FieldValues.Empty : values;
    }
}
