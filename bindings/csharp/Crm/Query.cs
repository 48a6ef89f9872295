using System;
using System.Collections.Generic;
using System.Globalization;

namespace Crm;

/// <summary>What a <see cref="Query"/> selects rows from (CRM_QUERY_* in crm/crm.h).</summary>
public enum QueryTarget
{
    /// <summary>Customers: every active field plus id, created_at and updated_at.</summary>
    Customers = Native.CRM_QUERY_CUSTOMERS,

    /// <summary>
    /// Events: seq, customer_id, type, channel, actor, source, idempotency_key,
    /// occurred_at, recorded_at, and the event's customer as customer.&lt;field&gt;.
    /// </summary>
    Events = Native.CRM_QUERY_EVENTS,
}

/// <summary>Time buckets a date or datetime field is grouped by (CRM_BUCKET_* in crm/crm.h).</summary>
public enum Bucket
{
    /// <summary>The value itself.</summary>
    None = Native.CRM_BUCKET_NONE,

    /// <summary>"2024-03-01".</summary>
    Day = Native.CRM_BUCKET_DAY,

    /// <summary>The Monday the week starts on, "2024-02-26".</summary>
    Week = Native.CRM_BUCKET_WEEK,

    /// <summary>"2024-03".</summary>
    Month = Native.CRM_BUCKET_MONTH,

    /// <summary>"2024-Q1".</summary>
    Quarter = Native.CRM_BUCKET_QUARTER,

    /// <summary>"2024".</summary>
    Year = Native.CRM_BUCKET_YEAR,
}

/// <summary>Aggregate functions (CRM_AGG_* in crm/crm.h).</summary>
public enum AggregateFunction
{
    /// <summary>Rows (with no field), or rows where the field holds a value. Default alias "count".</summary>
    Count = Native.CRM_AGG_COUNT,

    /// <summary>Distinct values of the field. Default alias "count_distinct_&lt;field&gt;".</summary>
    CountDistinct = Native.CRM_AGG_COUNT_DISTINCT,

    /// <summary>The sum; exact for decimals. Default alias "sum_&lt;field&gt;".</summary>
    Sum = Native.CRM_AGG_SUM,

    /// <summary>The average; for decimals, with two more places than the field. Default alias "avg_&lt;field&gt;".</summary>
    Avg = Native.CRM_AGG_AVG,

    /// <summary>The smallest value. Default alias "min_&lt;field&gt;".</summary>
    Min = Native.CRM_AGG_MIN,

    /// <summary>The largest value. Default alias "max_&lt;field&gt;".</summary>
    Max = Native.CRM_AGG_MAX,
}

/// <summary>
/// A query over customers or events: a filter in libcrm's filter language with
/// its parameters, the fields to return, sort keys, page size, and for
/// <see cref="CrmDatabase.Aggregate"/> groups and aggregates. A plain .NET
/// object: nothing crosses into libcrm until a <see cref="CrmDatabase"/> method
/// runs it, and the same query may be run many times and from several threads
/// as long as it is not changed meanwhile.
/// </summary>
/// <example>
/// <code>
/// var q = new Query("stage = ? and ltv &gt;= :min", "customer")
///     .Parameter("min", 10000m)
///     .Select("name", "ltv")
///     .OrderBy("ltv", descending: true);
/// foreach (QueryRow row in db.Query(q)) Console.WriteLine($"{row.GetString("name")}: {row.GetDecimal("ltv")}");
/// </code>
/// </example>
public sealed class Query
{
    private readonly List<object?> _positional = new();
    private readonly Dictionary<string, object?> _named = new(StringComparer.Ordinal);
    private readonly List<string> _select = new();
    private readonly List<(string Field, bool Descending)> _order = new();
    private readonly List<(string Field, Bucket Bucket)> _groups = new();
    private readonly List<(AggregateFunction Function, string? Field, string? Alias)> _aggregates = new();
    private int _pageSize = 100;

    /// <summary>A query over every customer.</summary>
    public Query() { }

    /// <summary>A query with a filter whose ? placeholders take <paramref name="parameters"/> in order.</summary>
    /// <param name="filter">The filter, e.g. "stage = ? and tags has 'vip'"; null or "" for every row.</param>
    /// <param name="parameters">Values of the ? placeholders, bound as "1", "2", ...</param>
    public Query(string? filter, params object?[] parameters)
    {
        Where(filter, parameters);
    }

    /// <summary>A query over customers with a filter and positional parameters.</summary>
    public static Query Customers(string? filter = null, params object?[] parameters) =>
        new(filter, parameters) { Target = QueryTarget.Customers };

    /// <summary>A query over events with a filter and positional parameters.</summary>
    public static Query Events(string? filter = null, params object?[] parameters) =>
        new(filter, parameters) { Target = QueryTarget.Events };

    /// <summary>Customers (the default) or events.</summary>
    public QueryTarget Target { get; set; } = QueryTarget.Customers;

    /// <summary>The filter; null or "" for every row. libcrm checks it when the query runs.</summary>
    public string? Filter { get; set; }

    /// <summary>Rows fetched per crossing into libcrm, 1 to 10,000 (default 100).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int PageSize
    {
        get => _pageSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(PageSize));
            _pageSize = value;
        }
    }

    /// <summary>Whether archived fields may be filtered on and returned.</summary>
    public bool IncludeArchived { get; set; }

    /// <summary>
    /// The valid time the query sees customers as of (crm.h "Valid time"):
    /// each as it was then, late changes included, and only those that existed
    /// then; null for now. Customers queries only.
    /// </summary>
    public DateTimeOffset? ValidAt { get; set; }

    /// <summary>Evaluates by what libcrm had recorded up to this instant; null for today's knowledge.</summary>
    public DateTimeOffset? KnownAt { get; set; }

    /// <summary>Sets <see cref="ValidAt"/> and <see cref="KnownAt"/>: the query as of a past instant, optionally as known at another.</summary>
    /// <returns>This query.</returns>
    public Query AsOf(DateTimeOffset validAt, DateTimeOffset? knownAt = null)
    {
        ValidAt = validAt;
        KnownAt = knownAt;
        return this;
    }

    /// <summary>Values of the ? placeholders, in order (bound as "1", "2", ...).</summary>
    public IReadOnlyList<object?> PositionalParameters => _positional;

    /// <summary>Values of the :name placeholders.</summary>
    public IReadOnlyDictionary<string, object?> NamedParameters => _named;

    /// <summary>The fields returned; empty for every active field.</summary>
    public IReadOnlyList<string> SelectedFields => _select;

    /// <summary>Sets the filter and replaces the positional parameters.</summary>
    /// <param name="filter">The filter; null or "" for every row.</param>
    /// <param name="parameters">Values of the ? placeholders, in order.</param>
    /// <returns>This query.</returns>
    /// <exception cref="ArgumentException">A value's .NET type is not supported.</exception>
    public Query Where(string? filter, params object?[] parameters)
    {
        Filter = filter;
        _positional.Clear();
        foreach (object? value in parameters ?? [null])
        {
            CrmValue.From(value, (_positional.Count + 1).ToString(CultureInfo.InvariantCulture));
            _positional.Add(value);
        }
        return this;
    }

    /// <summary>Binds the :<paramref name="name"/> placeholder (replacing an earlier value).</summary>
    /// <param name="name">The name without the colon.</param>
    /// <param name="value">A value of a type a field takes (string, long, decimal, bool, DateOnly, ...).</param>
    /// <returns>This query.</returns>
    /// <exception cref="ArgumentException">The value's .NET type is not supported.</exception>
    public Query Parameter(string name, object? value)
    {
        CrmValue.CheckName(name, nameof(name));
        CrmValue.From(value, name);
        _named[name] = value;
        return this;
    }

    /// <summary>Adds fields to return; without any, every active field is returned.</summary>
    /// <returns>This query.</returns>
    public Query Select(params string[] fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        foreach (string field in fields) _select.Add(CrmValue.CheckName(field, nameof(fields)));
        return this;
    }

    /// <summary>
    /// Adds a sort key. Rows with no value come first ascending, last
    /// descending; ties are ordered by id (or seq).
    /// </summary>
    /// <returns>This query.</returns>
    public Query OrderBy(string field, bool descending = false)
    {
        _order.Add((CrmValue.CheckName(field, nameof(field)), descending));
        return this;
    }

    /// <summary>Adds a descending sort key.</summary>
    /// <returns>This query.</returns>
    public Query OrderByDescending(string field) => OrderBy(field, descending: true);

    /// <summary>Groups aggregate rows by a field, or by time buckets of a date or datetime field.</summary>
    /// <returns>This query.</returns>
    public Query GroupBy(string field, Bucket bucket = Bucket.None)
    {
        _groups.Add((CrmValue.CheckName(field, nameof(field)), bucket));
        return this;
    }

    /// <summary>Adds an aggregate.</summary>
    /// <param name="function">The function.</param>
    /// <param name="field">The field it reads; null with <see cref="AggregateFunction.Count"/> counts rows.</param>
    /// <param name="alias">The result's name; null for libcrm's default ("count", "sum_&lt;field&gt;", ...).</param>
    /// <returns>This query.</returns>
    public Query Aggregate(AggregateFunction function, string? field = null, string? alias = null)
    {
        if (field is not null) CrmValue.CheckName(field, nameof(field));
        if (alias is not null) CrmValue.CheckName(alias, nameof(alias));
        _aggregates.Add((function, field, alias));
        return this;
    }

    /// <summary>A copy that later changes to this query do not affect.</summary>
    public Query Clone()
    {
        var copy = new Query
        {
            Target = Target, Filter = Filter, _pageSize = _pageSize, IncludeArchived = IncludeArchived,
            ValidAt = ValidAt, KnownAt = KnownAt,
        };
        copy._positional.AddRange(_positional);
        foreach (var (name, value) in _named) copy._named[name] = value;
        copy._select.AddRange(_select);
        copy._order.AddRange(_order);
        copy._groups.AddRange(_groups);
        copy._aggregates.AddRange(_aggregates);
        return copy;
    }

    /// <summary>
    /// A crm_query holding this query, built for one call (crm_query is not
    /// thread-safe, a Query may be shared).
    /// </summary>
    internal QueryHandle Build(string? cursor = null)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (int i = 0; i < _positional.Count; i++)
            values[(i + 1).ToString(CultureInfo.InvariantCulture)] = _positional[i];
        foreach (var (name, value) in _named)
        {
            if (!values.TryAdd(name, value))
                throw new ArgumentException($"Parameter '{name}' is bound both by position and by name.");
        }
        var parameters = RecordWriter.Convert(values, "parameters");
        string? filter = Filter is null ? null : CrmValue.CheckText(Filter, nameof(Filter));
        string? at = cursor is null ? null : CrmValue.CheckText(cursor, nameof(cursor));

        Errors.Check(Native.crm_query_new(out QueryHandle query, (int)Target));
        try
        {
            Errors.Check(Native.crm_query_set_filter(query, filter));
            using (RecordHandle record = RecordHandle.Borrow(Native.crm_query_params(query), query))
                RecordWriter.Fill(record, parameters);
            foreach (string field in _select) Errors.Check(Native.crm_query_select(query, field));
            foreach (var (field, descending) in _order)
                Errors.Check(Native.crm_query_order_by(query, field, descending ? 1 : 0));
            Errors.Check(Native.crm_query_set_page_size(query, (uint)_pageSize));
            if (at is not null) Errors.Check(Native.crm_query_set_cursor(query, at));
            Errors.Check(Native.crm_query_include_archived(query, IncludeArchived ? 1 : 0));
            foreach (var (field, bucket) in _groups)
                Errors.Check(Native.crm_query_group_by(query, field, (int)bucket));
            foreach (var (function, field, alias) in _aggregates)
                Errors.Check(Native.crm_query_aggregate(query, (int)function, field, alias));
            if (ValidAt is not null || KnownAt is not null)
            {
                Errors.Check(Native.crm_query_set_as_of(query,
                    ValidAt is DateTimeOffset valid ? CrmValue.ToMicros(valid) : Native.CRM_TIME_MAX,
                    KnownAt is DateTimeOffset known ? CrmValue.ToMicros(known) : Native.CRM_TIME_MAX));
            }
            return query;
        }
        catch
        {
            query.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Target}: {Filter}";
}
