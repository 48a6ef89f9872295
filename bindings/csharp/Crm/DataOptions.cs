using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Threading;

namespace Crm;

/// <summary>What an import or export reads or writes (CRM_DATA_* in crm/crm.h).</summary>
public enum DataTarget
{
    /// <summary>Customer records.</summary>
    Customers = Native.CRM_DATA_CUSTOMERS,
    /// <summary>Events of the log.</summary>
    Events = Native.CRM_DATA_EVENTS,
}

/// <summary>File formats of import and export (CRM_FORMAT_* in crm/crm.h).</summary>
public enum DataFormat
{
    /// <summary>By the file name: .jsonl or .ndjson JSON Lines, anything else CSV.</summary>
    Auto = Native.CRM_FORMAT_AUTO,
    /// <summary>RFC 4180 CSV with a header row naming the columns.</summary>
    Csv = Native.CRM_FORMAT_CSV,
    /// <summary>JSON Lines: one JSON object per line.</summary>
    JsonLines = Native.CRM_FORMAT_JSONL,
}

/// <summary>
/// How far a long call (import, export, dump, load, backup, restore) has come,
/// as libcrm reports it to <see cref="TransferOptions.Progress"/>.
/// </summary>
/// <param name="Items">Done so far: rows of an import or export, customers and events of a dump or load, pages of a file backup.</param>
/// <param name="Bytes">Bytes of the file read or written so far.</param>
/// <param name="BytesTotal">The size of the file read; null when unknown, as for a file being written.</param>
public readonly record struct DataProgress(long Items, long Bytes, long? BytesTotal);

/// <summary>
/// Options of the calls that move a whole workspace (<see cref="CrmDatabase.Dump"/>,
/// <see cref="CrmDatabase.Load"/>, <see cref="CrmDatabase.Backup"/>,
/// <see cref="CrmDatabase.Restore"/>), and the progress and cancellation that
/// import and export take too.
/// </summary>
public record TransferOptions
{
    /// <summary>
    /// Called on the calling thread between batches (at least once per 10,000
    /// items or 1 MiB, and once at the end). An exception it throws stops the
    /// call, which then throws <see cref="CrmCancelledException"/> with that
    /// exception as its <see cref="Exception.InnerException"/>. It must not
    /// call libcrm: such a call throws <see cref="MisuseException"/> (libcrm
    /// holds the workspace for the call in progress). Null: no reports.
    /// </summary>
    public Action<DataProgress>? Progress { get; init; }

    /// <summary>
    /// Stops the call at its next progress report once cancelled: the call
    /// throws <see cref="CrmCancelledException"/> with an
    /// <see cref="OperationCanceledException"/> as its inner exception.
    /// </summary>
    public CancellationToken CancellationToken { get; init; }
}

/// <summary>Options of <see cref="CrmDatabase.ImportFile"/>; the defaults are libcrm's (CRM_IMPORT_OPTIONS_INIT).</summary>
public sealed record ImportOptions : TransferOptions
{
    // CRM_IMPORT_OPTIONS_INIT, as generated from crm/crm.h.
    private static readonly Native.ImportOptions Defaults = Native.ImportOptions.Init();

    /// <summary>Customers (the default) or events.</summary>
    public DataTarget Target { get; init; } = (DataTarget)Defaults.Target;

    /// <summary>CSV or JSON Lines; <see cref="DataFormat.Auto"/> (the default) by the file name.</summary>
    public DataFormat Format { get; init; } = (DataFormat)Defaults.Format;

    /// <summary>
    /// How columns become fields (crm.h, "The mapping"; docs/data-in-out.md),
    /// e.g. <c>new JsonObject { ["columns"] = new JsonObject { ["E-mail"] = "email" }, ["key"] = "email" }</c>;
    /// null (and <see cref="MappingJson"/> null): every column to the field of its name.
    /// </summary>
    public JsonObject? Mapping { get; init; }

    /// <summary>The mapping as JSON text (read from a file, say), instead of <see cref="Mapping"/>.</summary>
    public string? MappingJson { get; init; }

    /// <summary>Where rejected rows are listed (a CSV file); null: not written.</summary>
    public string? RejectPath { get; init; }

    /// <summary>Read, check and write every row in a transaction that is rolled back; the report says what would happen.</summary>
    public bool DryRun { get; init; } = Defaults.DryRun != 0;

    /// <summary>Rows per transaction, 1 to 1,000,000; 0: the whole file in one. Default 10,000.</summary>
    public long BatchRows { get; init; } = Defaults.BatchRows;

    /// <summary>Recorded on every write; null: "import".</summary>
    public string? Actor { get; init; }

    /// <summary>
    /// Customers: import the rows a duplicate rule's "import" action would reject (rule
    /// "duplicate") anyway: no rule looks at the rows (CRM_DUPLICATE_CHECK_SKIP), as
    /// <see cref="WriteOptions.SkipDuplicateCheck"/> for a single write. Default false.
    /// </summary>
    public bool SkipDuplicateCheck { get; init; } = Defaults.DuplicateCheck == Native.CRM_DUPLICATE_CHECK_SKIP;
}

/// <summary>Options of <see cref="CrmDatabase.Export"/>; the defaults are libcrm's (CRM_EXPORT_OPTIONS_INIT).</summary>
public sealed record ExportOptions : TransferOptions
{
    // CRM_EXPORT_OPTIONS_INIT, as generated from crm/crm.h.
    private static readonly Native.ExportOptions Defaults = Native.ExportOptions.Init();

    /// <summary>Customers (the default) or events.</summary>
    public DataTarget Target { get; init; } = (DataTarget)Defaults.Target;

    /// <summary>CSV or JSON Lines; <see cref="DataFormat.Auto"/> (the default) by the file name.</summary>
    public DataFormat Format { get; init; } = (DataFormat)Defaults.Format;

    /// <summary>Which rows, in the filter language; null: every row.</summary>
    public string? Filter { get; init; }

    /// <summary>Which columns; null: customers: id and every field the handle reads; events: every member.</summary>
    public IReadOnlyList<string>? Fields { get; init; }

    /// <summary>Events: only those that occurred at or after this instant; null: no lower bound.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Events: only those that occurred before this instant; null: no upper bound.</summary>
    public DateTimeOffset? Until { get; init; }
}

/// <summary>What an import did, or with <see cref="ImportOptions.DryRun"/> would do (crm.h, <c>crm_import</c>).</summary>
/// <param name="Rows">Data rows read.</param>
/// <param name="Created">Customers created or events appended.</param>
/// <param name="Updated">Customers changed.</param>
/// <param name="Unchanged">Rows that changed nothing (a customer as stored, an event already in the log).</param>
/// <param name="Rejected">Rows rejected (each changed nothing).</param>
/// <param name="Bytes">Bytes of the file read.</param>
/// <param name="DryRun">Whether nothing was kept.</param>
/// <param name="Rejects">The first 100 rejected rows.</param>
public sealed record ImportReport(
    long Rows, long Created, long Updated, long Unchanged, long Rejected, long Bytes, bool DryRun,
    IReadOnlyList<ImportReject> Rejects)
{
    /// <summary>Rows written although a duplicate rule's "warn" action flagged them.</summary>
    public long Warned { get; init; }

    /// <summary>The first 100 of those rows, each with its candidates.</summary>
    public IReadOnlyList<ImportWarning> Warnings { get; init; } = Array.Empty<ImportWarning>();
}

/// <summary>One row an import wrote although a duplicate rule's "warn" action flagged it.</summary>
/// <param name="Row">1 for the first data row.</param>
/// <param name="Line">The line of the file the row starts on.</param>
/// <param name="Candidates">The customers it may duplicate, best first.</param>
public sealed record ImportWarning(long Row, long Line, IReadOnlyList<DuplicateCandidate> Candidates);

/// <summary>One row an import rejected.</summary>
/// <param name="Row">1 for the first data row.</param>
/// <param name="Line">The line of the file the row starts on.</param>
/// <param name="Column">The column at fault, or "".</param>
/// <param name="Field">The field it maps to, or "".</param>
/// <param name="Rule">The rule broken ("format", "required", "reference", "file", "duplicate", ...).</param>
/// <param name="Message">libcrm's message.</param>
public sealed record ImportReject(long Row, long Line, string Column, string Field, string Rule, string Message);

/// <summary>What <see cref="CrmDatabase.Verify"/> found (crm.h, <c>crm_verify</c>).</summary>
/// <param name="Ok">Whether every check passed.</param>
/// <param name="Checks">Each check: "schema", "integrity", "counters", "history", ...</param>
/// <param name="Problems">The first 100 problems.</param>
public sealed record VerifyReport(bool Ok, IReadOnlyList<VerifyCheck> Checks, IReadOnlyList<VerifyProblem> Problems);

/// <summary>One check of <see cref="CrmDatabase.Verify"/>.</summary>
/// <param name="Name">"schema", "integrity", "counters", "history", ...</param>
/// <param name="Ok">Whether it passed.</param>
/// <param name="Checked">How many items it checked.</param>
public sealed record VerifyCheck(string Name, bool Ok, long Checked);

/// <summary>One problem <see cref="CrmDatabase.Verify"/> found.</summary>
/// <param name="Check">The check that found it.</param>
/// <param name="CustomerId">The customer it is about, if any.</param>
/// <param name="Field">The field it is about, or "".</param>
/// <param name="Message">What is wrong.</param>
public sealed record VerifyProblem(string Check, long? CustomerId, string Field, string Message);
