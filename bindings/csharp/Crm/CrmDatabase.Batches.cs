using System;
using System.Collections.Generic;

namespace Crm;

public sealed partial class CrmDatabase
{
    /// <summary>
    /// Creates one customer per row, all or nothing, crossing into libcrm once.
    /// Rows may name different fields: a field a row does not name (or names
    /// with null) takes its default.
    /// </summary>
    /// <param name="rows">Field values by field name, one dictionary per customer.</param>
    /// <param name="actor">Who makes the change; null means "api".</param>
    /// <returns>The new customers' ids, in row order.</returns>
    /// <exception cref="BatchException">A row was rejected; nothing was stored. Carries every row's outcome.</exception>
    /// <exception cref="System.ArgumentException">A row is null, or a value's .NET type is not supported.</exception>
    public IReadOnlyList<long> InsertMany(IEnumerable<IReadOnlyDictionary<string, object?>> rows, string? actor = null)
    {
        BatchRowResult[] results = WriteBatch(rows, actor, Native.CRM_BATCH_CREATE);
        var ids = new long[results.Length];
        for (int i = 0; i < results.Length; i++) ids[i] = results[i].Id;
        return ids;
    }

    /// <summary>
    /// Creates or updates one customer per row by its "external_id", all or
    /// nothing, crossing into libcrm once. Rows may name different fields: a
    /// field a row does not name keeps its stored value (no history change is
    /// written for it), or takes its default when the customer is created;
    /// a null value clears the field of a customer that is updated. So rows
    /// from a file with optional columns never clear what they do not mention.
    /// </summary>
    /// <param name="rows">Field values by field name, each with a non-empty "external_id".</param>
    /// <param name="actor">Who makes the change; null means "api".</param>
    /// <returns>Each row's customer id and whether it was created, in row order.</returns>
    /// <exception cref="BatchException">A row was rejected; nothing was stored. Carries every row's outcome.</exception>
    /// <exception cref="System.ArgumentException">A row is null, or a value's .NET type is not supported.</exception>
    public IReadOnlyList<(long Id, bool Created)> UpsertMany(IEnumerable<IReadOnlyDictionary<string, object?>> rows, string? actor = null)
    {
        BatchRowResult[] results = WriteBatch(rows, actor, Native.CRM_BATCH_UPSERT);
        var outcome = new (long, bool)[results.Length];
        for (int i = 0; i < results.Length; i++) outcome[i] = (results[i].Id, results[i].Created);
        return outcome;
    }

    /// <summary>
    /// As <see cref="InsertMany(IEnumerable{IReadOnlyDictionary{string, object?}}, string?)"/>, every customer
    /// starting at <see cref="WriteOptions.EffectiveAt"/> (a row's own "created_at" may give each its own).
    /// With <see cref="WriteOptions.SkipDuplicateCheck"/> a row a duplicate rule's "batch" action would
    /// reject (<see cref="StatusCode.Duplicate"/>) is saved anyway.
    /// </summary>
    public IReadOnlyList<long> InsertMany(IEnumerable<IReadOnlyDictionary<string, object?>> rows, WriteOptions options, string? actor = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        BatchRowResult[] results = WriteBatch(rows, actor, Native.CRM_BATCH_CREATE, options);
        var ids = new long[results.Length];
        for (int i = 0; i < results.Length; i++) ids[i] = results[i].Id;
        return ids;
    }

    /// <summary>
    /// As <see cref="UpsertMany(IEnumerable{IReadOnlyDictionary{string, object?}}, string?)"/>, with the valid
    /// time of <paramref name="options"/> for every row (a row that creates refuses an EffectiveUntil), and
    /// its <see cref="WriteOptions.SkipDuplicateCheck"/>.
    /// </summary>
    public IReadOnlyList<(long Id, bool Created)> UpsertMany(IEnumerable<IReadOnlyDictionary<string, object?>> rows, WriteOptions options, string? actor = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        BatchRowResult[] results = WriteBatch(rows, actor, Native.CRM_BATCH_UPSERT, options);
        var outcome = new (long, bool)[results.Length];
        for (int i = 0; i < results.Length; i++) outcome[i] = (results[i].Id, results[i].Created);
        return outcome;
    }

    private unsafe BatchRowResult[] WriteBatch(IEnumerable<IReadOnlyDictionary<string, object?>> rows, string? actor, int mode, WriteOptions? options = null)
    {
        DbHandle handle = Handle;
        (byte[] batch, int count) = BatchEncoder.Encode(rows, Actor(actor));
        if (count == 0) return [];

        int status;
        BatchReportHandle report;
        fixed (byte* bytes = batch)
        {
            if (options is null)
            {
                status = Native.crm_customer_write_batch(out report, handle, bytes, (nuint)batch.Length, mode);
            }
            else
            {
                Native.WriteOptions native = options.ToNative();
                status = Native.crm_customer_write_batch_v2(out report, handle, bytes, (nuint)batch.Length, mode, &native);
            }
        }
        return FinishBatch(status, report);
    }

    /// <summary>
    /// Every row's outcome of a batch call that returned <paramref name="status"/>,
    /// or the exception: <see cref="BatchException"/> when rows were rejected.
    /// Frees the report.
    /// </summary>
    private static BatchRowResult[] FinishBatch(int status, BatchReportHandle report)
    {
        using (report)
        {
            if (status == 0) return ReadReport(report);
            // Read the last error before any other call into libcrm could replace it.
            CrmException error = Errors.FromLastError(status);
            if (!report.IsInvalid && Native.crm_batch_report_rejected(report) > 0)
                throw new BatchException(error, ReadReport(report));
            throw error;
        }
    }

    private static BatchRowResult[] ReadReport(BatchReportHandle report)
    {
        int size = checked((int)Native.crm_batch_report_size(report));
        var rows = new BatchRowResult[size];
        for (int i = 0; i < size; i++)
        {
            nuint row = (nuint)i;
            int status = Native.crm_batch_report_status(report, row);
            string field = Native.Text(Native.crm_batch_report_field(report, row));
            string rule = Native.Text(Native.crm_batch_report_rule(report, row));
            rows[i] = new BatchRowResult(
                i,
                (StatusCode)status,
                Errors.StatusName(status),
                Native.crm_batch_report_id(report, row),
                Native.crm_batch_report_created(report, row) != 0,
                Errors.Describe(Native.Text(Native.crm_batch_report_message(report, row)), field, rule, null),
                field,
                rule);
        }
        return rows;
    }
}
