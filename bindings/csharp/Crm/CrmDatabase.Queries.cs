using System;
using System.Collections.Generic;

namespace Crm;

public sealed partial class CrmDatabase
{
    /// <summary>
    /// The rows matching <paramref name="query"/>, in its order. Pages of
    /// <see cref="Query.PageSize"/> rows are fetched as the enumeration
    /// proceeds, each in one crossing into libcrm; paging is by position, so
    /// rows added or changed meanwhile never make a row repeat or go missing.
    /// The query is copied when the enumeration starts.
    /// </summary>
    /// <param name="query">The query.</param>
    /// <exception cref="InvalidArgumentException">The filter has a syntax error or misses a parameter (see <see cref="CrmException.Position"/>); thrown when enumeration starts.</exception>
    /// <exception cref="ValidationException">The filter names an unknown field, uses an operator a field's type does not have, or a value that does not fit (see Field, Rule and Position).</exception>
    public IEnumerable<QueryRow> Query(Query query)
    {
        _ = Handle;
        ArgumentNullException.ThrowIfNull(query);
        return EnumerateQuery(query.Clone());
    }

    /// <summary>
    /// Pages one after the other; each page's rows are decoded one at a time
    /// from libcrm's encoded page as the caller reads them (the page is freed
    /// when its last row was read or the enumeration is disposed).
    /// </summary>
    private IEnumerable<QueryRow> EnumerateQuery(Query query)
    {
        string? cursor = null;
        do
        {
            using RowsHandle rows = RunQuery(query, cursor);
            Errors.Check(Native.crm_rows_encode(out nint bytes, out nuint encodedSize, rows));
            int size = checked((int)encodedSize);
            RowSetReader.PageIndex page = IndexPage(bytes, size);
            for (int i = 0; i < page.RowCount; i++) yield return RowSetReader.RowAt(bytes, size, page, i);
            cursor = page.Next;
        }
        while (cursor is not null);
    }

    private static unsafe RowSetReader.PageIndex IndexPage(nint bytes, int size) =>
        RowSetReader.Index(new ReadOnlySpan<byte>((void*)bytes, size));

    /// <summary>Runs one page of <paramref name="query"/>; the caller frees the rows.</summary>
    private RowsHandle RunQuery(Query query, string? cursor)
    {
        DbHandle handle = Handle;
        using QueryHandle native = query.Build(cursor);
        int status = Native.crm_query_run(out RowsHandle rows, handle, native);
        if (status != 0)
        {
            rows.Dispose();
            Errors.Check(status);
        }
        return rows;
    }

    /// <summary>One page of the rows matching <paramref name="query"/> (see <see cref="Query(Crm.Query)"/>).</summary>
    /// <param name="query">The query.</param>
    /// <param name="cursor">The previous page's <see cref="Crm.QueryPage.NextCursor"/>, or null for the first page.</param>
    /// <returns>The rows, their columns, and the cursor of the next page (null after the last one).</returns>
    /// <exception cref="InvalidArgumentException">The filter or the cursor is not valid.</exception>
    /// <exception cref="ValidationException">The filter does not fit the fields.</exception>
    public QueryPage QueryPage(Query query, string? cursor = null)
    {
        _ = Handle;
        ArgumentNullException.ThrowIfNull(query);
        return ReadRows(0, RunQuery(query, cursor));
    }

    /// <summary>How many rows match the query's filter, without fetching them.</summary>
    /// <exception cref="InvalidArgumentException">The filter is not valid.</exception>
    /// <exception cref="ValidationException">The filter does not fit the fields.</exception>
    public long Count(Query query)
    {
        DbHandle handle = Handle;
        ArgumentNullException.ThrowIfNull(query);
        using QueryHandle native = query.Build();
        Errors.Check(Native.crm_query_count(out long count, handle, native));
        return count;
    }

    /// <summary>
    /// How SQLite runs the query, one step per line (e.g. "SEARCH c USING
    /// INDEX ..."): to check that a filter uses an index.
    /// </summary>
    public string Explain(Query query)
    {
        DbHandle handle = Handle;
        ArgumentNullException.ThrowIfNull(query);
        using QueryHandle native = query.Build();
        Errors.Check(Native.crm_query_explain(out StringHandle plan, handle, native));
        using (plan) return plan.Text();
    }

    /// <summary>
    /// One row per group of the rows matching the query's filter: the
    /// <see cref="Crm.Query.GroupBy"/> fields (time buckets as text such as
    /// "2024-03"), then the <see cref="Crm.Query.Aggregate"/> results by alias.
    /// Sums of decimals are exact decimals.
    /// </summary>
    /// <exception cref="InvalidArgumentException">The query has neither a group nor an aggregate, or the filter is not valid.</exception>
    /// <exception cref="ValidationException">A group, aggregate or filter does not fit the fields.</exception>
    public IReadOnlyList<QueryRow> Aggregate(Query query)
    {
        DbHandle handle = Handle;
        ArgumentNullException.ThrowIfNull(query);
        using QueryHandle native = query.Build();
        int status = Native.crm_query_run_aggregate(out RowsHandle rows, handle, native);
        return ReadRows(status, rows).Rows;
    }

    /// <summary>Per active field, how many customers hold a value: why is that report empty?</summary>
    public IReadOnlyList<FieldFillRate> FillRates()
    {
        int status = Native.crm_field_fill_rates(out RowsHandle rows, Handle);
        IReadOnlyList<QueryRow> read = ReadRows(status, rows).Rows;
        var rates = new FieldFillRate[read.Count];
        for (int i = 0; i < rates.Length; i++)
        {
            QueryRow r = read[i];
            rates[i] = new FieldFillRate(TextOf(r, "field"), TextOf(r, "label"), TextOf(r, "group"),
                r.GetInt64("filled"), r.GetInt64("total"));
        }
        return Array.AsReadOnly(rates);
    }

    /// <summary>
    /// Customers matching the words of <paramref name="text"/> in their names,
    /// emails, phone numbers (with or without punctuation), company and other
    /// text fields, best match first; a trailing * matches a prefix ("lov*").
    /// </summary>
    /// <param name="text">The words.</param>
    /// <param name="limit">At most this many customers, 1 to 10,000.</param>
    /// <exception cref="ValidationException">The text holds no words.</exception>
    public IReadOnlyList<QueryRow> Search(string text, int limit = 20)
    {
        DbHandle handle = Handle;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        int status = Native.crm_customer_search(out RowsHandle rows, handle, Arg(text, nameof(text)), (uint)limit);
        return ReadRows(status, rows).Rows;
    }

    /// <summary>
    /// Saves a named filter (without parameters) in the workspace, replacing
    /// a segment of the same name. A field a segment uses cannot be renamed or
    /// deleted while the segment exists.
    /// </summary>
    /// <exception cref="InvalidArgumentException">The filter is not valid or has parameters.</exception>
    /// <exception cref="ValidationException">The filter does not fit the fields.</exception>
    public void SaveSegment(string name, string filter, QueryTarget target = QueryTarget.Customers)
    {
        DbHandle handle = Handle;
        Errors.Check(Native.crm_segment_save(handle, Arg(name, nameof(name)), (int)target, Arg(filter, nameof(filter))));
    }

    /// <summary>Deletes a segment.</summary>
    /// <exception cref="NotFoundException">No segment has that name.</exception>
    public void DeleteSegment(string name)
    {
        DbHandle handle = Handle;
        Errors.Check(Native.crm_segment_delete(handle, Arg(name, nameof(name))));
    }

    /// <summary>How many rows match the segment now.</summary>
    /// <exception cref="NotFoundException">No segment has that name.</exception>
    public long SegmentCount(string name)
    {
        DbHandle handle = Handle;
        Errors.Check(Native.crm_segment_count(out long count, handle, Arg(name, nameof(name))));
        return count;
    }

    /// <summary>
    /// Every saved segment, by name, with its live count; a segment that can no
    /// longer run is listed with its <see cref="Segment.Error"/> and no count.
    /// </summary>
    public IReadOnlyList<Segment> Segments()
    {
        int status = Native.crm_segment_list(out RowsHandle rows, Handle);
        IReadOnlyList<QueryRow> read = ReadRows(status, rows).Rows;
        var segments = new Segment[read.Count];
        for (int i = 0; i < segments.Length; i++)
        {
            QueryRow r = read[i];
            QueryTarget target = TextOf(r, "target") == "events" ? QueryTarget.Events : QueryTarget.Customers;
            long? count = r.TryGetValue("count", out object? value) && value is long n ? n : null;
            string? error = r.TryGetValue("error", out object? message) && message is string text ? text : null;
            segments[i] = new Segment(TextOf(r, "name"), target, TextOf(r, "filter"), count) { Error = error };
        }
        return Array.AsReadOnly(segments);
    }

    /// <summary>
    /// Customers grouped by the time bucket (UTC) of their first event of type
    /// <paramref name="firstType"/> (<see cref="Bucket.None"/>: one group
    /// "all"); per group, how many had an event of type
    /// <paramref name="thenType"/> in the window [first event, first event +
    /// <paramref name="withinDays"/> days) (the first event's instant
    /// included, <paramref name="withinDays"/> × 24 hours later excluded), and
    /// how many such events there were.
    /// </summary>
    /// <exception cref="InvalidArgumentException">withinDays is out of range (1 to 36,500) or a type is empty.</exception>
    public IReadOnlyList<CohortRow> Cohort(string firstType, string thenType, int withinDays, Bucket bucket = Bucket.Month)
    {
        DbHandle handle = Handle;
        ArgumentOutOfRangeException.ThrowIfNegative(withinDays);
        int status = Native.crm_cohort(out RowsHandle rows, handle, Arg(firstType, nameof(firstType)),
            Arg(thenType, nameof(thenType)), (uint)withinDays, (int)bucket);
        IReadOnlyList<QueryRow> read = ReadRows(status, rows).Rows;
        var cohorts = new CohortRow[read.Count];
        for (int i = 0; i < cohorts.Length; i++)
        {
            QueryRow r = read[i];
            cohorts[i] = new CohortRow(TextOf(r, "cohort"), r.GetInt64("customers"), r.GetInt64("converted"), r.GetInt64("events"));
        }
        return Array.AsReadOnly(cohorts);
    }

    /// <summary>Checks the status of a call that produced rows, then reads the page in one crossing (crm_rows_encode).</summary>
    private static unsafe QueryPage ReadRows(int status, RowsHandle rows)
    {
        using (rows)
        {
            Errors.Check(status);
            Errors.Check(Native.crm_rows_encode(out nint bytes, out nuint size, rows));
            return RowSetReader.Read(new ReadOnlySpan<byte>((void*)bytes, checked((int)size)));
        }
    }

    private static string TextOf(QueryRow row, string column) =>
        row.TryGetValue(column, out object? value) && value is string text ? text : "";
}
