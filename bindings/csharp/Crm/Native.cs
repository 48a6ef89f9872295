using System.Runtime.InteropServices;

namespace Crm;

/// <summary>
/// The declaration table: every libcrm C function the binding calls, as
/// declared in crm/crm.h. Strings are passed as UTF-8; strings libcrm returns
/// are declared as <see cref="nint"/> because they are borrowed (or freed with
/// crm_string_free) and must not be freed by the marshaller.
/// </summary>
internal static partial class Native
{
    private const string Library = "crm";

    /// <summary>Registers the resolver before the first call into libcrm.</summary>
    static Native() => NativeLibraryResolver.Register(typeof(Native).Assembly);

    internal const int CRM_OPEN_CREATE = 1;
    internal const int CRM_OPEN_READ_ONLY = 2;
    internal const int CRM_LIST_INCLUDE_ARCHIVED = 1;
    internal const int CRM_BATCH_CREATE = 1;
    internal const int CRM_BATCH_UPSERT = 2;

    /// <summary>crm_open_options (libcrm 0.1 layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct OpenOptions
    {
        public uint StructSize;
        public int Flags;
        public int BusyTimeoutMs;
        public int Sync;
    }

    /// <summary>"No bound" for <see cref="TimelineOptions"/> (CRM_TIME_MIN, CRM_TIME_MAX).</summary>
    internal const long CRM_TIME_MIN = long.MinValue, CRM_TIME_MAX = long.MaxValue;

    /// <summary>
    /// crm_timeline_options (libcrm 0.1 layout). The pointers are UTF-8 strings
    /// and arrays of them that the caller keeps alive for the duration of the call.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct TimelineOptions
    {
        public uint StructSize;
        public long FromUs;
        public long ToUs;
        public byte** Types;
        public nuint TypeCount;
        public byte** Channels;
        public nuint ChannelCount;
        public int OldestFirst;
        public uint PageSize;
        public byte* Cursor;

        /// <summary>CRM_TIMELINE_OPTIONS_INIT.</summary>
        public static TimelineOptions Init() => new()
        {
            StructSize = (uint)sizeof(TimelineOptions),
            FromUs = CRM_TIME_MIN,
            ToUs = CRM_TIME_MAX,
            PageSize = 50,
        };
    }

    // Version and errors
    [LibraryImport(Library)] internal static partial nint crm_version();
    [LibraryImport(Library)] internal static partial int crm_version_number();
    [LibraryImport(Library)] internal static partial int crm_schema_version();
    [LibraryImport(Library)] internal static partial nint crm_status_name(int status);
    [LibraryImport(Library)] internal static partial int crm_last_error_code();
    [LibraryImport(Library)] internal static partial nint crm_last_error_message();
    [LibraryImport(Library)] internal static partial nint crm_last_error_field();
    [LibraryImport(Library)] internal static partial nint crm_last_error_rule();
    [LibraryImport(Library)] internal static partial long crm_last_error_position();
    [LibraryImport(Library)] internal static partial void crm_string_free(nint s);

    // Workspace and transactions
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_open(out DbHandle db, string path, in OpenOptions options);
    [LibraryImport(Library)] internal static partial void crm_close(nint db);
    [LibraryImport(Library)] internal static partial int crm_db_schema_version(out int version, DbHandle db);
    [LibraryImport(Library)] internal static partial int crm_begin(DbHandle db);
    // Commit and rollback take the raw handle: a Transaction holds its own
    // reference on the DbHandle, so it can end even after the database was disposed.
    [LibraryImport(Library)] internal static partial int crm_commit(nint db);
    [LibraryImport(Library)] internal static partial int crm_rollback(nint db);

    // Fields
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_field_define(out long fieldId, DbHandle db, string definitionJson);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_field_update(DbHandle db, string name, string patchJson);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_field_archive(DbHandle db, string name);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_field_restore(DbHandle db, string name);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_field_delete(DbHandle db, string name);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_field_describe(out nint json, DbHandle db, string name);
    [LibraryImport(Library)] internal static partial int crm_field_list(out nint json, DbHandle db, int flags);

    // Records
    [LibraryImport(Library)] internal static partial int crm_record_new(out RecordHandle record);
    [LibraryImport(Library)] internal static partial void crm_record_free(nint record);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_set_text(RecordHandle record, string field, string value);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_set_integer(RecordHandle record, string field, long value);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_set_decimal(RecordHandle record, string field, string value);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_set_boolean(RecordHandle record, string field, int value);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_set_date(RecordHandle record, string field, string value);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_set_datetime(RecordHandle record, string field, long value);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_set_list(RecordHandle record, string field, string[] items, nuint count);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_set_null(RecordHandle record, string field);
    [LibraryImport(Library)] internal static partial long crm_record_id(RecordHandle record);
    [LibraryImport(Library)] internal static partial long crm_record_version(RecordHandle record);
    [LibraryImport(Library)] internal static partial nuint crm_record_field_count(RecordHandle record);
    [LibraryImport(Library)] internal static partial nint crm_record_field_name(RecordHandle record, nuint index);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_kind(RecordHandle record, string field);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_get_text(out nint value, RecordHandle record, string field);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_get_integer(out long value, RecordHandle record, string field);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_get_decimal(out nint value, RecordHandle record, string field);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_get_boolean(out int value, RecordHandle record, string field);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_get_date(out nint value, RecordHandle record, string field);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_get_datetime(out long value, RecordHandle record, string field);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_get_list_size(out nuint size, RecordHandle record, string field);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_record_get_list_item(out nint value, RecordHandle record, string field, nuint index);

    // Customers
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_customer_create(out long id, DbHandle db, RecordHandle record, string? actor);
    [LibraryImport(Library)]
    internal static partial int crm_customer_get(out RecordHandle record, DbHandle db, long id);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_customer_get_by_external_id(out RecordHandle record, DbHandle db, string externalId);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_customer_get_by_email(out RecordHandle record, DbHandle db, string email);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_customer_update(out long version, DbHandle db, long id, long expectedVersion, RecordHandle changes, string? actor);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_customer_delete(DbHandle db, long id, long expectedVersion, string? actor);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_customer_upsert(out long id, out int created, DbHandle db, RecordHandle record, string? actor);
    [LibraryImport(Library)] internal static partial int crm_customer_count(out long count, DbHandle db);

    // Bulk writes
    [LibraryImport(Library)]
    internal static unsafe partial int crm_customer_write_batch(out BatchReportHandle report, DbHandle db, byte* batch, nuint batchSize, int mode);
    [LibraryImport(Library)] internal static partial void crm_batch_report_free(nint report);
    [LibraryImport(Library)] internal static partial nuint crm_batch_report_size(BatchReportHandle report);
    [LibraryImport(Library)] internal static partial nuint crm_batch_report_rejected(BatchReportHandle report);
    [LibraryImport(Library)] internal static partial int crm_batch_report_status(BatchReportHandle report, nuint row);
    [LibraryImport(Library)] internal static partial long crm_batch_report_id(BatchReportHandle report, nuint row);
    [LibraryImport(Library)] internal static partial int crm_batch_report_created(BatchReportHandle report, nuint row);
    [LibraryImport(Library)] internal static partial nint crm_batch_report_message(BatchReportHandle report, nuint row);
    [LibraryImport(Library)] internal static partial nint crm_batch_report_field(BatchReportHandle report, nuint row);
    [LibraryImport(Library)] internal static partial nint crm_batch_report_rule(BatchReportHandle report, nuint row);

    // Events
    [LibraryImport(Library)] internal static partial int crm_event_new(out EventHandle evt);
    [LibraryImport(Library)] internal static partial void crm_event_free(nint evt);
    [LibraryImport(Library)] internal static partial int crm_event_set_customer(EventHandle evt, long customerId);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_event_set_type(EventHandle evt, string? type);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_event_set_channel(EventHandle evt, string? channel);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_event_set_actor(EventHandle evt, string? actor);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_event_set_source(EventHandle evt, string? source);
    [LibraryImport(Library)] internal static partial int crm_event_set_occurred_at(EventHandle evt, long occurredUs);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_event_set_idempotency_key(EventHandle evt, string? key);
    /// <summary>Borrowed: valid until the event is freed (wrap with <see cref="RecordHandle.Borrow"/>).</summary>
    [LibraryImport(Library)] internal static partial nint crm_event_properties(EventHandle evt);
    [LibraryImport(Library)] internal static partial long crm_event_seq(EventHandle evt);
    [LibraryImport(Library)] internal static partial long crm_event_customer(EventHandle evt);
    [LibraryImport(Library)] internal static partial long crm_event_occurred_at(EventHandle evt);
    [LibraryImport(Library)] internal static partial long crm_event_recorded_at(EventHandle evt);
    [LibraryImport(Library)] internal static partial nint crm_event_type(EventHandle evt);
    [LibraryImport(Library)] internal static partial nint crm_event_channel(EventHandle evt);
    [LibraryImport(Library)] internal static partial nint crm_event_actor(EventHandle evt);
    [LibraryImport(Library)] internal static partial nint crm_event_source(EventHandle evt);
    [LibraryImport(Library)] internal static partial nint crm_event_idempotency_key(EventHandle evt);
    /// <summary>Borrowed: valid until the event is freed.</summary>
    [LibraryImport(Library)] internal static partial nint crm_event_before(EventHandle evt);
    /// <summary>Borrowed: valid until the event is freed.</summary>
    [LibraryImport(Library)] internal static partial nint crm_event_after(EventHandle evt);
    [LibraryImport(Library)]
    internal static partial int crm_event_append(out long seq, out int duplicate, DbHandle db, EventHandle evt);
    [LibraryImport(Library)]
    internal static unsafe partial int crm_event_append_batch(out BatchReportHandle report, DbHandle db, byte* batch, nuint batchSize);
    [LibraryImport(Library)] internal static partial int crm_event_get(out EventHandle evt, DbHandle db, long seq);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_event_type_define(DbHandle db, string definitionJson);
    [LibraryImport(Library)] internal static partial void crm_event_page_free(nint page);
    [LibraryImport(Library)] internal static partial nuint crm_event_page_size(EventPageHandle page);
    /// <summary>Borrowed: valid until the page is freed; NULL when out of range.</summary>
    [LibraryImport(Library)] internal static partial nint crm_event_page_at(EventPageHandle page, nuint index);
    /// <summary>Borrowed: valid until the page is freed; "" on the last page.</summary>
    [LibraryImport(Library)] internal static partial nint crm_event_page_next_cursor(EventPageHandle page);
    [LibraryImport(Library)]
    internal static partial int crm_event_timeline(out EventPageHandle page, DbHandle db, long customerId, in TimelineOptions options);
    [LibraryImport(Library)]
    internal static partial int crm_event_follow(out EventPageHandle page, DbHandle db, long afterSeq, uint limit);

    // History of records
    [LibraryImport(Library)]
    internal static partial int crm_customer_get_at(out RecordHandle record, DbHandle db, long id, long atUs);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_field_timeline_get(out FieldTimelineHandle timeline, DbHandle db, long customerId, string field);
    [LibraryImport(Library)] internal static partial void crm_field_timeline_free(nint timeline);
    [LibraryImport(Library)] internal static partial nuint crm_field_timeline_size(FieldTimelineHandle timeline);
    [LibraryImport(Library)] internal static partial long crm_field_timeline_from(FieldTimelineHandle timeline, nuint index);
    [LibraryImport(Library)] internal static partial long crm_field_timeline_to(FieldTimelineHandle timeline, nuint index);
    /// <summary>Borrowed: valid until the timeline is freed; NULL when out of range.</summary>
    [LibraryImport(Library)] internal static partial nint crm_field_timeline_value(FieldTimelineHandle timeline, nuint index);

    // Queries, reports, search, segments, cohorts
    [LibraryImport(Library)] internal static partial int crm_query_new(out QueryHandle query, int target);
    [LibraryImport(Library)] internal static partial void crm_query_free(nint query);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_query_set_filter(QueryHandle query, string? filter);
    /// <summary>Borrowed: valid until the query is freed (wrap with <see cref="RecordHandle.Borrow"/>).</summary>
    [LibraryImport(Library)] internal static partial nint crm_query_params(QueryHandle query);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_query_select(QueryHandle query, string field);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_query_order_by(QueryHandle query, string field, int descending);
    [LibraryImport(Library)] internal static partial int crm_query_set_page_size(QueryHandle query, uint pageSize);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_query_set_cursor(QueryHandle query, string? cursor);
    [LibraryImport(Library)] internal static partial int crm_query_include_archived(QueryHandle query, int include);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_query_group_by(QueryHandle query, string field, int bucket);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_query_aggregate(QueryHandle query, int function, string? field, string? alias);
    [LibraryImport(Library)] internal static partial int crm_query_run(out RowsHandle rows, DbHandle db, QueryHandle query);
    [LibraryImport(Library)] internal static partial int crm_query_count(out long count, DbHandle db, QueryHandle query);
    [LibraryImport(Library)] internal static partial int crm_query_run_aggregate(out RowsHandle rows, DbHandle db, QueryHandle query);
    [LibraryImport(Library)] internal static partial int crm_query_explain(out nint plan, DbHandle db, QueryHandle query);
    [LibraryImport(Library)] internal static partial void crm_rows_free(nint rows);
    /// <summary>The page as one crm.wire.RowSet; the bytes are borrowed until the rows are freed.</summary>
    [LibraryImport(Library)] internal static partial int crm_rows_encode(out nint bytes, out nuint size, RowsHandle rows);
    [LibraryImport(Library)] internal static partial int crm_field_fill_rates(out RowsHandle rows, DbHandle db);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_customer_search(out RowsHandle rows, DbHandle db, string text, uint limit);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_segment_save(DbHandle db, string name, int target, string filter);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_segment_delete(DbHandle db, string name);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_segment_count(out long count, DbHandle db, string name);
    [LibraryImport(Library)] internal static partial int crm_segment_list(out RowsHandle rows, DbHandle db);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int crm_cohort(out RowsHandle rows, DbHandle db, string firstType, string thenType, uint withinDays, int bucket);

    /// <summary>Copies a borrowed UTF-8 string; NULL reads as "".</summary>
    internal static string Text(nint utf8) => Marshal.PtrToStringUTF8(utf8) ?? string.Empty;
}
