using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Crm;

/// <summary>
/// Data in and out (crm.h, "Data in and out"): import and bulk export of
/// customers or events, dump and load of a whole workspace, backup, restore
/// and verify. Every call runs in libcrm; this turns the options into
/// libcrm's structs, the host's progress callback into a <c>crm_progress_fn</c>
/// and the JSON reports into records. docs/data-in-out.md shows them at work.
/// </summary>
public sealed partial class CrmDatabase
{
    /// <summary>
    /// Imports the customers or events (<see cref="ImportOptions.Target"/>) of
    /// the CSV or JSON Lines file at <paramref name="path"/>, each row checked
    /// and written as the single-row calls would, through the options' mapping
    /// (crm.h, <c>crm_import</c>). A rejected row changes nothing and is
    /// counted, listed in the report (the first 100) and in the options'
    /// reject file; the other rows import. A call that fails as a whole keeps
    /// the batches committed before it and says where it stopped
    /// (<see cref="CrmException.Position"/>: the byte offset in the file);
    /// importing the same file again completes it. A customer row a duplicate
    /// rule's "import" action blocks is rejected with rule "duplicate", unless
    /// <see cref="ImportOptions.SkipDuplicateCheck"/> imports it anyway.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">The options; null for libcrm's defaults.</param>
    /// <returns>What the import did (or, for a dry run, would do).</returns>
    /// <exception cref="NotFoundException">No file at the path (rule "path"), or a column naming no field (rule "unknown_field").</exception>
    /// <exception cref="InvalidArgumentException">A file that is not UTF-8 or has a bad header row (rule "file"); a mapping libcrm cannot use (rule "mapping_json"); a bad option (its name as the rule).</exception>
    /// <exception cref="CrmCancelledException">The progress callback threw, or the token was cancelled (the inner exception).</exception>
    /// <exception cref="CrmDeniedException">A restricted handle whose profile does not grant "import" (rule "operation").</exception>
    public unsafe ImportReport ImportFile(string path, ImportOptions? options = null)
    {
        DbHandle handle = Handle;
        Arg(path, nameof(path));
        options ??= new ImportOptions();
        using var strings = new Utf8Allocations();
        Native.ImportOptions native = Native.ImportOptions.Init();
        native.Target = (int)options.Target;
        native.Format = (int)options.Format;
        native.MappingJson = strings.String(MappingText(options), nameof(ImportOptions.Mapping));
        native.RejectPath = strings.String(options.RejectPath, nameof(ImportOptions.RejectPath));
        native.DryRun = options.DryRun ? 1 : 0;
        native.BatchRows = options.BatchRows;
        native.Actor = strings.String(options.Actor, nameof(ImportOptions.Actor));
        native.DuplicateCheck = WriteOptions.DuplicateCheck(options.SkipDuplicateCheck);
        using var relay = new ProgressRelay(options);
        native.Progress = relay.Function;
        native.ProgressContext = relay.Context;
        int status = Native.crm_import(out StringHandle report, handle, path, &native);
        using (report)
        {
            relay.Check(status);
            return ReadImportReport(report.Text());
        }
    }

    /// <summary>
    /// Writes the customers or events (<see cref="ExportOptions.Target"/>) that
    /// match the options' filter to the CSV or JSON Lines file at
    /// <paramref name="path"/>, read in one snapshot (crm.h, <c>crm_export</c>).
    /// The file is replaced only when complete: a failed or cancelled export
    /// leaves no file (and a file that was at the path as it was). A customer
    /// export imports back with <see cref="ImportFile"/> to the same values.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">The options; null for every customer, every field the handle reads.</param>
    /// <returns>The number of rows written.</returns>
    /// <exception cref="NotFoundException">A column naming no field (rule "unknown_field").</exception>
    /// <exception cref="CrmCancelledException">The progress callback threw, or the token was cancelled (the inner exception).</exception>
    /// <exception cref="CrmDeniedException">A restricted handle whose profile does not grant "bulk_export" (rule "operation"), or that hides a field named (rule "hidden").</exception>
    /// <exception cref="ArgumentException">A name in <see cref="ExportOptions.Fields"/> is null or holds a comma.</exception>
    public unsafe long Export(string path, ExportOptions? options = null)
    {
        DbHandle handle = Handle;
        Arg(path, nameof(path));
        options ??= new ExportOptions();
        using var strings = new Utf8Allocations();
        Native.ExportOptions native = Native.ExportOptions.Init();
        native.Target = (int)options.Target;
        native.Format = (int)options.Format;
        native.Filter = strings.String(options.Filter, nameof(ExportOptions.Filter));
        native.Fields = strings.String(FieldsText(options.Fields), nameof(ExportOptions.Fields));
        if (options.Since is { } since) native.FromUs = CrmValue.ToMicros(since);
        if (options.Until is { } until) native.UntilUs = CrmValue.ToMicros(until);
        using var relay = new ProgressRelay(options);
        native.Progress = relay.Function;
        native.ProgressContext = relay.Context;
        int status = Native.crm_export(out long rows, handle, path, &native);
        relay.Check(status);
        return rows;
    }

    /// <summary>
    /// Writes the whole workspace to the file at <paramref name="path"/> as a
    /// dump (crm.h, <c>crm_dump</c>): every id, version, time and the whole
    /// log, read in one snapshot while writers go on; the file is replaced
    /// only when complete. It holds the suppression key: keep it as you keep
    /// the workspace. <see cref="Load"/> reads it into an empty workspace on
    /// either backend.
    /// </summary>
    /// <exception cref="CrmCancelledException">The progress callback threw, or the token was cancelled.</exception>
    /// <exception cref="CrmDeniedException">A restricted handle whose profile does not grant "dump" or hides anything (rule "operation").</exception>
    public unsafe void Dump(string path, TransferOptions? options = null) =>
        Transfer(path, options, static (db, p, o) => Native.crm_dump(db, p, o));

    /// <summary>
    /// Loads the dump at <paramref name="path"/> into this workspace, which
    /// must be empty, in one transaction: every id, seq and time as dumped, so
    /// that <see cref="Checksum"/> equals the dumped workspace's (crm.h,
    /// <c>crm_load</c>). On any failure the workspace stays empty.
    /// </summary>
    /// <exception cref="ConflictException">The workspace is not empty (rule "target").</exception>
    /// <exception cref="NotWorkspaceException">Not a dump (rule "file").</exception>
    /// <exception cref="VersionException">A dump of a newer format.</exception>
    /// <exception cref="CrmIOException">A truncated or inconsistent dump (rule "damaged"; <see cref="CrmException.Position"/> its byte offset).</exception>
    /// <exception cref="CrmCancelledException">The progress callback threw, or the token was cancelled.</exception>
    public unsafe void Load(string path, TransferOptions? options = null) =>
        Transfer(path, options, static (db, p, o) => Native.crm_load(db, p, o));

    /// <summary>
    /// Writes a backup of the workspace to <paramref name="path"/>: one
    /// consistent state, taken while others read and write it (crm.h,
    /// <c>crm_backup</c>). A file or in-memory workspace gives a workspace
    /// file (open it as any), a PostgreSQL one a dump. <see cref="Restore"/>
    /// puts it back.
    /// </summary>
    /// <exception cref="CrmCancelledException">The progress callback threw, or the token was cancelled.</exception>
    /// <exception cref="CrmDeniedException">A restricted handle whose profile does not grant "backup" or hides anything (rule "operation").</exception>
    public unsafe void Backup(string path, TransferOptions? options = null) =>
        Transfer(path, options, static (db, p, o) => Native.crm_backup(db, p, o));

    /// <summary>
    /// Restores the backup at <paramref name="path"/> (a workspace file or a
    /// dump, from either backend) into this workspace, which must be empty as
    /// for <see cref="Load"/> (crm.h, <c>crm_restore</c>); its checksum then
    /// equals the backed-up workspace's.
    /// </summary>
    /// <exception cref="ConflictException">The workspace is not empty (rule "target").</exception>
    /// <exception cref="NotWorkspaceException">Not a sound workspace file or dump.</exception>
    /// <exception cref="CrmCancelledException">The progress callback threw, or the token was cancelled.</exception>
    public unsafe void Restore(string path, TransferOptions? options = null) =>
        Transfer(path, options, static (db, p, o) => Native.crm_restore(db, p, o));

    /// <summary>
    /// Checks the workspace in one snapshot and reports what it found (crm.h,
    /// <c>crm_verify</c>): its layout ("schema"), the storage's own check
    /// ("integrity"), the id counters ("counters"), that every customer's
    /// history replays to its stored values ("history"), that its match
    /// keys are those of its values ("match_keys") and that the merge table
    /// is sound ("merges"). Throws only when the
    /// check itself could not run: read <see cref="VerifyReport.Ok"/>.
    /// </summary>
    /// <exception cref="CrmDeniedException">A restricted handle.</exception>
    public VerifyReport Verify()
    {
        DbHandle handle = Handle;
        Errors.Check(Native.crm_verify(out StringHandle json, handle));
        using (json) return ReadVerifyReport(json.Text());
    }

    private unsafe delegate int TransferCall(DbHandle db, string path, Native.TransferOptions* options);

    private unsafe void Transfer(string path, TransferOptions? options, TransferCall call)
    {
        DbHandle handle = Handle;
        Arg(path, nameof(path));
        using var relay = new ProgressRelay(options);
        Native.TransferOptions native = Native.TransferOptions.Init();
        native.Progress = relay.Function;
        native.ProgressContext = relay.Context;
        relay.Check(call(handle, path, &native));
    }

    private static string? MappingText(ImportOptions options)
    {
        if (options.Mapping is not null && options.MappingJson is not null)
            throw new ArgumentException("Set Mapping or MappingJson, not both.", nameof(options));
        return options.MappingJson ?? options.Mapping?.ToJsonString();
    }

    private static string? FieldsText(IReadOnlyList<string>? fields)
    {
        if (fields is null) return null;
        foreach (string? name in fields)
        {
            if (name is null) throw new ArgumentException("Fields must not contain null.", nameof(fields));
            if (name.Contains(',')) throw new ArgumentException($"A field name holds no ',': '{name}'.", nameof(fields));
        }
        return string.Join(",", fields);
    }

    private static ImportReport ReadImportReport(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        long Count(string name) => root.GetProperty(name).GetInt64();
        var rejects = new List<ImportReject>();
        if (root.TryGetProperty("rejects", out JsonElement listed))
        {
            foreach (JsonElement item in listed.EnumerateArray())
            {
                rejects.Add(new ImportReject(
                    item.GetProperty("row").GetInt64(), item.GetProperty("line").GetInt64(),
                    Text(item, "column"), Text(item, "field"), Text(item, "rule"), Text(item, "message")));
            }
        }
        var warnings = new List<ImportWarning>();
        if (root.TryGetProperty("warnings", out JsonElement warned))
        {
            foreach (JsonElement item in warned.EnumerateArray())
            {
                warnings.Add(new ImportWarning(
                    item.GetProperty("row").GetInt64(), item.GetProperty("line").GetInt64(),
                    DuplicateJson.Candidates(item.GetProperty("candidates").GetRawText())));
            }
        }
        return new ImportReport(
            Count("rows"), Count("created"), Count("updated"), Count("unchanged"), Count("rejected"),
            Count("bytes"), root.GetProperty("dry_run").GetBoolean(), rejects)
        {
            Warned = root.TryGetProperty("warned", out JsonElement count) ? count.GetInt64() : 0,
            Warnings = warnings,
        };
    }

    private static VerifyReport ReadVerifyReport(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        VerifyCheck[] checks = root.GetProperty("checks").EnumerateArray()
            .Select(c => new VerifyCheck(Text(c, "name"), c.GetProperty("ok").GetBoolean(), c.GetProperty("checked").GetInt64()))
            .ToArray();
        VerifyProblem[] problems = root.GetProperty("problems").EnumerateArray()
            .Select(p => new VerifyProblem(
                Text(p, "check"),
                p.TryGetProperty("customer_id", out JsonElement id) && id.ValueKind == JsonValueKind.Number ? id.GetInt64() : null,
                Text(p, "field"), Text(p, "message")))
            .ToArray();
        return new VerifyReport(root.GetProperty("ok").GetBoolean(), checks, problems);
    }

    // A string member of a report, "" when absent or null.
    private static string Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() ?? ""
            : "";
}
