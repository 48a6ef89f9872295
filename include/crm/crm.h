/*
 * libcrm: an embeddable CRM engine.
 *
 * This header is the whole public contract of libcrm. It is C99; every symbol
 * starts with crm_ or CRM_. Evolution is additive: a released function never
 * changes its signature (a successor gets a _v2 name), option structs only
 * grow at the end and carry their own size.
 *
 * Conventions that hold for every function below unless its comment says
 * otherwise:
 *
 *  - Return value: an int status, CRM_OK (0) on success or one of the CRM_E_*
 *    codes. On failure, crm_last_error_*() on the same thread describe what
 *    went wrong (message, and where it applies the field and the rule), and
 *    nothing stored in the workspace has changed. For a bad argument
 *    (CRM_E_INVALID_ARGUMENT) the rule names the parameter, e.g. "id".
 *  - Out-parameters come first. Whatever a caller receives through a `**out`
 *    it owns and releases with the matching crm_*_free(), which accepts NULL.
 *    On failure *out is set to NULL (or 0).
 *  - Strings are NUL-terminated UTF-8. Invalid UTF-8 is rejected with
 *    CRM_E_INVALID_ARGUMENT, never stored; so is a NUL byte inside text that
 *    arrives with a length (batch messages, escapes in JSON), which a C
 *    caller would read back cut short. Strings returned as `const char*`
 *    are borrowed: they stay valid until the event documented with the
 *    function (typically the next change to, or the free of, the object they
 *    were read from).
 *  - Times are UTC microseconds since 1970-01-01T00:00:00Z (int64_t). Dates
 *    are ISO-8601 text "YYYY-MM-DD". Decimals (money) are exact decimal text
 *    such as "-1234.50", never binary floating point.
 *
 * Thread-safety: one crm_db may be used from several threads at once; calls
 * are serialized on the handle. A transaction opened with crm_begin() belongs
 * to the thread that opened it: calls from other threads on the same handle
 * wait until it is committed or rolled back, and only that thread may
 * commit or roll it back (others get CRM_E_MISUSE). All other objects
 * (crm_record, crm_event, pages, reports) are not thread-safe: use one from
 * one thread at a time.
 * Several processes may open the same workspace file; writers wait up to the
 * busy timeout for each other and then fail with CRM_E_BUSY. A workspace on
 * PostgreSQL differs: see "Backends: what differs" below.
 */
#ifndef CRM_CRM_H_
#define CRM_CRM_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CRM_BUILDING_LIBRARY) && defined(__GNUC__)
#define CRM_API __attribute__((visibility("default")))
#else
#define CRM_API
#endif

/* ------------------------------------------------------------------------ */
/* Version                                                                  */
/* ------------------------------------------------------------------------ */

#define CRM_VERSION_MAJOR 0
#define CRM_VERSION_MINOR 2
#define CRM_VERSION_PATCH 0
#define CRM_VERSION_STRING "0.2.0"
/* One integer that grows with every release: major*10000 + minor*100 + patch.
 */
#define CRM_VERSION_NUMBER \
  (CRM_VERSION_MAJOR * 10000 + CRM_VERSION_MINOR * 100 + CRM_VERSION_PATCH)

/* The version of the library actually loaded, e.g. "0.1.0". Static storage. */
CRM_API const char* crm_version(void);
/* CRM_VERSION_NUMBER of the library actually loaded. */
CRM_API int crm_version_number(void);

/* ------------------------------------------------------------------------ */
/* Status codes and errors                                                  */
/* ------------------------------------------------------------------------ */

enum {
  CRM_OK = 0,
  CRM_E_NOT_FOUND = 1,        /* no record, field or item with that key */
  CRM_E_INVALID_ARGUMENT = 2, /* NULL pointer, bad UTF-8, malformed input */
  CRM_E_VALIDATION = 3,       /* a value breaks a field's type or rule */
  CRM_E_CONSTRAINT = 4,       /* unique value taken, record still referenced */
  CRM_E_CONFLICT = 5,         /* expected version is not the current one */
  CRM_E_BUSY = 6,             /* another process held the file too long */
  CRM_E_IO = 7,               /* the file could not be read or written */
  CRM_E_NOMEM = 8,            /* out of memory */
  CRM_E_MISUSE = 9,           /* call out of order (e.g. commit, no begin) */
  CRM_E_NOT_WORKSPACE = 10,   /* the file is not a libcrm workspace */
  CRM_E_VERSION = 11,         /* written by a newer libcrm; left untouched */
  CRM_E_READ_ONLY = 12,       /* write on a workspace opened read-only */
  CRM_E_INTERNAL = 13,        /* a libcrm bug: please report it */
  CRM_E_UNSUPPORTED = 14,     /* the workspace's storage backend lacks it */
  CRM_E_DENIED = 15,          /* the handle's access profile forbids it */
  CRM_E_CANCELLED = 16,       /* the host's progress callback asked to stop */
  CRM_E_DUPLICATE = 17,       /* a duplicate rule blocks the write */
  CRM_E_MERGED = 18           /* the id was merged into another customer */
};

/* Name of a status code, e.g. "CRM_E_VALIDATION". Static storage. */
CRM_API const char* crm_status_name(int status);

/*
 * The last error on the calling thread. Each failing call replaces it; a
 * successful call leaves it as it was. Strings are owned by libcrm and valid
 * until the next failing call on the same thread.
 */
CRM_API int crm_last_error_code(void);
/* Human-readable message; "" when there was no error. */
CRM_API const char* crm_last_error_message(void);
/* The field the error is about (e.g. "email"), or "" when none applies. */
CRM_API const char* crm_last_error_field(void);
/* The rule that was broken, one of the CRM_RULE_* texts below (e.g.
 * CRM_RULE_MAX_LENGTH, "max_length"; for CRM_E_INVALID_ARGUMENT the name of
 * the parameter, e.g. CRM_RULE_ID, "id"), or "" when none applies. */
CRM_API const char* crm_last_error_rule(void);

/* For an error in a filter text: the byte offset it points at; -1 when the
 * last error is not about a position. */
CRM_API int64_t crm_last_error_position(void);

/*
 * The whole last error of the calling thread in one call, for bindings that
 * read it in one crossing: the same code, message, field, rule and position
 * as the crm_last_error_*() functions above. Never NULL. The struct and its
 * strings are thread-local and owned by libcrm: they stay valid until the
 * next libcrm call on the same thread (copy what you keep). Later releases
 * only append members at the end, so read the members you know through the
 * pointer and never copy the struct by value or allocate one.
 */
typedef struct crm_error {
  int code;            /* CRM_OK when there was no error */
  const char* message; /* "" when there was no error */
  const char* field;   /* "" when none applies */
  const char* rule;    /* one of the CRM_RULE_* texts, or "" */
  int64_t position;    /* byte offset in a filter text, or -1 */
  /* For CRM_E_DUPLICATE: the candidates that blocked the write, as JSON
   * (see "Duplicates"); "[]" for any other error. Since 0.3. */
  const char* candidates_json;
  /* For CRM_E_MERGED: the customer the id named was merged into, where its
   * chain of merges ends now (see "Merging customers"); 0 for any other
   * error. Since 0.3. */
  int64_t survivor_id;
} crm_error;

CRM_API const crm_error* crm_last_error(void);

/* Frees a string libcrm returned through a char** out-parameter. */
CRM_API void crm_string_free(char* s);

/* ------------------------------------------------------------------------ */
/* Error rules                                                              */
/* ------------------------------------------------------------------------ */

/*
 * The closed set of texts crm_last_error_rule() (and crm_batch_report_rule())
 * returns besides "": no other text is ever returned. A rule says which
 * rule was broken; the field it applies to, if any, is crm_last_error_field().
 * A text is listed once even where it serves in two groups (e.g. "options" is
 * the rule of a choice value and the name of an options argument).
 */

/* Rules about values and fields (mostly CRM_E_VALIDATION, CRM_E_CONSTRAINT,
 * CRM_E_NOT_FOUND). */
#define CRM_RULE_TYPE "type" /* a value of another kind than the field's */
#define CRM_RULE_REQUIRED "required"     /* a required field left empty */
#define CRM_RULE_UNIQUE "unique"         /* a unique field's value is taken */
#define CRM_RULE_MAX_LENGTH "max_length" /* text longer than allowed */
#define CRM_RULE_MIN "min" /* below the field's minimum (or a bad minimum) */
#define CRM_RULE_MAX "max" /* above the field's maximum, or out of range */
#define CRM_RULE_PATTERN "pattern" /* text that does not match the pattern */
/* Not one of a choice's options; also the argument naming an options struct. */
#define CRM_RULE_OPTIONS "options"
#define CRM_RULE_SCALE "scale"   /* more decimals than the field keeps */
#define CRM_RULE_FORMAT "format" /* malformed email, phone, url, date... */
#define CRM_RULE_READ_ONLY "read_only" /* a value libcrm maintains itself */
#define CRM_RULE_ARCHIVED "archived"   /* the field is archived */
#define CRM_RULE_UNKNOWN_FIELD "unknown_field" /* no field by that name */
#define CRM_RULE_REFERENCE "reference"         /* no customer with that id */
#define CRM_RULE_RANGE "range" /* a number or time outside what is stored */
#define CRM_RULE_MAX_ITEMS "max_items" /* a list with too many items */
#define CRM_RULE_DISTINCT "distinct"   /* an item or name listed twice */
#define CRM_RULE_RESERVED "reserved"   /* a name libcrm keeps for itself */
#define CRM_RULE_INDEXED "indexed"     /* an indexed value too long to index */
#define CRM_RULE_UTF8 "utf8"   /* text that is not UTF-8, or holds a NUL byte */
#define CRM_RULE_LABEL "label" /* a field's label too long or not UTF-8 */
#define CRM_RULE_DESCRIPTION "description" /* a field's description, idem */
/* A field's group too long or not UTF-8; also a query's group-by list. */
#define CRM_RULE_GROUP "group"
#define CRM_RULE_DEFAULT_VALUE "default_value" /* a field's bad default */
#define CRM_RULE_BUILTIN "builtin" /* a standard field cannot be changed so */
#define CRM_RULE_MAX_FIELDS "max_fields" /* no room for one more field */
#define CRM_RULE_SEGMENT "segment"       /* a segment uses the field */
#define CRM_RULE_ABSENT "absent"   /* a batch row's value that must be absent */
#define CRM_RULE_COLUMNS "columns" /* a batch's columns are inconsistent */
#define CRM_RULE_JSON "json"       /* malformed JSON text */
#define CRM_RULE_KEY "key"         /* an unknown key in JSON text */
/* A legal hold: a bad hold_days or held_properties in a definition; or held
 * data that blocks an erase made without choosing what to do with it. */
#define CRM_RULE_HOLD "hold"
/* A bad retention_days in an event type definition. */
#define CRM_RULE_RETENTION "retention"
/* An email or phone number that is suppressed (see "Suppression"). */
#define CRM_RULE_SUPPRESSED "suppressed"
/* CRM_E_DUPLICATE: a duplicate rule blocks the write (the field is the
 * rule's name); CRM_E_VALIDATION: a bad duplicate rule definition or
 * duplicate settings (the message names the key); CRM_E_NOT_FOUND: no rule
 * of that name. */
#define CRM_RULE_DUPLICATE "duplicate"
/* CRM_E_MERGED: a write, delete, erase or event naming a customer that was
 * merged into another (the field is "id" or "customer_id");
 * CRM_E_NOT_FOUND: no merge with that id; CRM_E_VALIDATION: bad merge
 * options (the message names the key); CRM_E_CONFLICT: a merge that
 * cannot be undone yet (see crm_customer_unmerge). */
#define CRM_RULE_MERGE "merge"

/* Rules about filters and queries. */
#define CRM_RULE_SYNTAX "syntax"     /* a filter that does not parse */
#define CRM_RULE_DEPTH "depth"       /* a filter nested too deep */
#define CRM_RULE_TERMS "terms"       /* a filter with too many comparisons */
#define CRM_RULE_VALUES "values"     /* a filter with too many values */
#define CRM_RULE_OPERATOR "operator" /* an operator the field's type lacks */
/* An aggregate the field cannot take, or whose result overflows. */
#define CRM_RULE_AGGREGATE "aggregate"
#define CRM_RULE_AGGREGATES "aggregates"   /* too many or bad aggregates */
#define CRM_RULE_SELECT "select"           /* too many or bad selected fields */
#define CRM_RULE_SORT "sort"               /* too many or bad sort keys */
#define CRM_RULE_BUCKET "bucket"           /* an unknown time bucket */
#define CRM_RULE_TARGET "target"           /* an unknown query target */
#define CRM_RULE_FUNCTION "function"       /* an unknown aggregate function */
#define CRM_RULE_PARAMETER "parameter"     /* a filter parameter not supplied */
#define CRM_RULE_WITHIN_DAYS "within_days" /* a cohort window out of range */

/* Rules about access profiles (CRM_E_DENIED; "profile" also for
 * CRM_E_VALIDATION of a profile definition and CRM_E_NOT_FOUND of a
 * profile name). */
#define CRM_RULE_PROFILE "profile" /* a bad, unknown or dropped profile */
#define CRM_RULE_HIDDEN "hidden"   /* names a field or event it hides */
#define CRM_RULE_NOT_WRITABLE "not_writable" /* writes a field it can't */
#define CRM_RULE_MASKED "masked"             /* compares a masked field */
#define CRM_RULE_SCOPE "scope"         /* a write leaving the record scope */
#define CRM_RULE_OPERATION "operation" /* an operation it does not grant */
#define CRM_RULE_APPEND "append"       /* appends an event it may not */
/* Valid time (see "Valid time"). */
#define CRM_RULE_FUTURE "future" /* a valid time ahead of the clock */
#define CRM_RULE_BEFORE_CREATED "before_created" /* before created_at */

/* Rules about workspace files (CRM_E_NOT_WORKSPACE, CRM_E_IO). */
#define CRM_RULE_SCHEMA "schema"   /* the file's schema is not libcrm's */
#define CRM_RULE_DAMAGED "damaged" /* a stored value libcrm never writes */
/* A file that is not in the format a call reads (an import's CSV or JSON
 * Lines, a dump); also a cell that does not parse as its field's type. */
#define CRM_RULE_FILE "file"

/* Rules about storage backends (PostgreSQL workspaces; CRM_E_IO). */
#define CRM_RULE_CONNECTION "connection" /* server unreachable, or lost */
#define CRM_RULE_SERVER "server"         /* the server refused a statement */
#define CRM_RULE_PLUGIN "plugin" /* a backend's plugin library unusable */
/* CRM_E_UNSUPPORTED: a call the workspace's backend does not offer yet. */
#define CRM_RULE_BACKEND "backend"

/* Argument rules: for CRM_E_INVALID_ARGUMENT the rule is the name of the
 * parameter (or option member) at fault, as spelled in this header. */
#define CRM_RULE_ACTOR "actor"
#define CRM_RULE_AFTER_ID "after_id"
#define CRM_RULE_AFTER_SEQ "after_seq"
#define CRM_RULE_ALIAS "alias"
#define CRM_RULE_BATCH "batch"
#define CRM_RULE_BATCH_ROWS "batch_rows"
#define CRM_RULE_BATCH_SIZE "batch_size"
#define CRM_RULE_CHANGES "changes"
#define CRM_RULE_CHANNEL "channel"
#define CRM_RULE_CHANNELS "channels"
#define CRM_RULE_CURSOR "cursor"
#define CRM_RULE_CUSTOMER_ID "customer_id"
#define CRM_RULE_DB "db"
#define CRM_RULE_DEFINITION_JSON "definition_json"
#define CRM_RULE_DUPLICATE_CHECK "duplicate_check"
#define CRM_RULE_EMAIL "email"
#define CRM_RULE_EVENT "event"
#define CRM_RULE_EFFECTIVE_AT "effective_at"
#define CRM_RULE_EFFECTIVE_UNTIL "effective_until"
#define CRM_RULE_EXPECTED_VERSION "expected_version"
#define CRM_RULE_EXTERNAL_ID "external_id"
#define CRM_RULE_FIELD "field"
#define CRM_RULE_FIELDS "fields"
#define CRM_RULE_FILTER "filter"
#define CRM_RULE_FIRST_TYPE "first_type"
#define CRM_RULE_FLAGS "flags"
#define CRM_RULE_FROM "from"
#define CRM_RULE_FROM_US "from_us"
#define CRM_RULE_ID "id"
#define CRM_RULE_IDEMPOTENCY_KEY "idempotency_key"
#define CRM_RULE_INDEX "index"
#define CRM_RULE_INSTANTS "instants"
#define CRM_RULE_ITEMS "items"
#define CRM_RULE_LIMIT "limit"
#define CRM_RULE_MAPPING_JSON "mapping_json"
#define CRM_RULE_MERGE_ID "merge_id"
#define CRM_RULE_MERGED_IDS "merged_ids"
#define CRM_RULE_MODE "mode"
#define CRM_RULE_NAME "name"
#define CRM_RULE_NOW_US "now_us"
#define CRM_RULE_OPTIONS_JSON "options_json"
#define CRM_RULE_OUT "out"
#define CRM_RULE_OUT_BYTES "out_bytes"
#define CRM_RULE_OUT_FIELD_ID "out_field_id"
#define CRM_RULE_OUT_ID "out_id"
#define CRM_RULE_OUT_JSON "out_json"
#define CRM_RULE_OUT_SEQ "out_seq"
#define CRM_RULE_OUT_SIZE "out_size"
#define CRM_RULE_OUT_SUPPRESSED "out_suppressed"
#define CRM_RULE_OUT_VIEW "out_view"
#define CRM_RULE_PAGE_CUSTOMERS "page_customers"
#define CRM_RULE_PAGE_SIZE "page_size"
#define CRM_RULE_PATCH_JSON "patch_json"
#define CRM_RULE_PATH "path"
#define CRM_RULE_PHONE "phone"
#define CRM_RULE_QUERY "query"
#define CRM_RULE_REASON "reason"
#define CRM_RULE_RECORD "record"
#define CRM_RULE_REJECT_PATH "reject_path"
#define CRM_RULE_ROWS "rows"
#define CRM_RULE_RULES "rules"
#define CRM_RULE_SETTINGS_JSON "settings_json"
#define CRM_RULE_SOURCE "source"
#define CRM_RULE_STRUCT_SIZE "struct_size"
#define CRM_RULE_SURVIVOR_ID "survivor_id"
#define CRM_RULE_TEXT "text"
#define CRM_RULE_THEN_TYPE "then_type"
#define CRM_RULE_TIMELINE "timeline"
#define CRM_RULE_TO "to"
#define CRM_RULE_TYPES "types"
#define CRM_RULE_UNTIL_US "until_us"
#define CRM_RULE_URL "url"
#define CRM_RULE_VALUE "value"

/* ------------------------------------------------------------------------ */
/* Workspace                                                                */
/* ------------------------------------------------------------------------ */

/* A workspace: one SQLite file (or memory), or a workspace in a PostgreSQL
 * database (crm_open_url). Thread-safe, see above. */
typedef struct crm_db crm_db;

enum {
  CRM_OPEN_CREATE = 1,   /* create the file if it does not exist */
  CRM_OPEN_READ_ONLY = 2 /* never write; writes fail with CRM_E_READ_ONLY */
};

/* Durability of a file's commits; a PostgreSQL workspace's is the server's
 * (see "Backends: what differs" below). */
enum {
  /* Default. A commit survives a crash of the process; after a power loss
   * the last commits before it may be lost, never half-applied. */
  CRM_SYNC_NORMAL = 1,
  /* Every commit is on disk when it returns, at some cost in write speed. */
  CRM_SYNC_FULL = 2
};

typedef struct crm_open_options {
  uint32_t struct_size;    /* sizeof(crm_open_options); set by _INIT */
  int flags;               /* CRM_OPEN_* bits */
  int32_t busy_timeout_ms; /* wait for other writers up to this long */
  int sync;                /* CRM_SYNC_* */
} crm_open_options;

#define CRM_OPEN_OPTIONS_INIT \
  { sizeof(crm_open_options), CRM_OPEN_CREATE, 5000, CRM_SYNC_NORMAL }

/* Fills `options` with the values of CRM_OPEN_OPTIONS_INIT, for hosts and
 * bindings that cannot use the macro. `struct_size` is
 * sizeof(crm_open_options) as the caller's crm.h declares it: a host built
 * against an older header gets the members it knows. CRM_E_INVALID_ARGUMENT
 * (rule "options" or "struct_size") for NULL or a size no release had. */
CRM_API int crm_open_options_init(crm_open_options* options,
                                  size_t struct_size);

/*
 * Opens (and with CRM_OPEN_CREATE creates) the workspace at `path`, or an
 * in-memory workspace that lives until crm_close() when path is ":memory:".
 * A file written by an older libcrm is migrated forward in one transaction;
 * one written by a newer libcrm fails with CRM_E_VERSION and is not modified;
 * a file that is not a workspace fails with CRM_E_NOT_WORKSPACE.
 * A workspace file is treated as untrusted input: before anything is
 * written or run, its schema must be exactly what libcrm's migrations and
 * its own field definitions create. A file with anything foreign, altered
 * or missing (a trigger, a view, a table, an index, a column, a field whose
 * column is not its own, a layout version no libcrm writes) fails with
 * CRM_E_NOT_WORKSPACE, rule "schema", and is not modified. Nothing stored
 * in a file runs as code: triggers, views and extensions are off.
 * `options` may be NULL for the defaults (CRM_OPEN_OPTIONS_INIT).
 */
CRM_API int crm_open(crm_db** out, const char* path,
                     const crm_open_options* options);

/*
 * Backends: what differs. A workspace file (crm_open) and a workspace in a
 * PostgreSQL database (crm_open_url) take the same calls with the same
 * statuses, rules and results, except for what this list says; the
 * functions concerned point here.
 *
 *  - Search order: both find the same set of customers, in another order
 *    (a file ranks by FTS5's bm25, PostgreSQL by ts_rank; ties by id on
 *    both), so a limit below the number of matches may keep different ones.
 *  - Search limits on PostgreSQL: a search holds at most 1,000 words and
 *    65,536 bytes of words (else CRM_E_VALIDATION, rule "terms"); in very
 *    long text (long_text) a word counts by its first 2,046 bytes, only a
 *    word's first 256 positions are kept, positions past 16,383 count as
 *    16,383, and once a customer's words take 1,000,000 bytes the rest of
 *    its text is not indexed.
 *  - Text order: sorting (rows and groups) and <, <=, >, >=, between over
 *    the text of fields and event properties follow the database's
 *    collation on PostgreSQL and byte order in a file: alike under the "C"
 *    and "C.UTF-8" collations, not under a language's (e.g.
 *    "en_US.UTF-8"). Equality, in, min, max and the contains / starts with
 *    / ends with operators (and their i- forms, which fold ASCII case only)
 *    compare bytes on both.
 *  - Event properties: one property holding values of different kinds in
 *    different events sorts and compares across kinds differently (in
 *    PostgreSQL's jsonb order text comes before numbers, in a file after),
 *    and so do min and max over booleans and lists. Decimal properties
 *    compare exactly on PostgreSQL (as numeric), as binary floating point
 *    in a file.
 *  - crm_query_explain() returns the backend's own plan text (SQLite's
 *    EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN), and the server's planner
 *    chooses by its statistics of tables all its workspaces share.
 *  - Durability: CRM_SYNC_* apply to files. On PostgreSQL `sync` has no
 *    effect: whether a commit survives a crash of the server or a power
 *    loss is the server's setting (synchronous_commit, fsync, replicas).
 *  - Writers: a
 *    file has one writer at a time (others wait up to the busy timeout,
 *    then CRM_E_BUSY). A PostgreSQL workspace has several writers at once,
 *    each with its own crm_db (field definitions still take turns with
 *    writes); event seqs are unique but commit out of order, and a
 *    rolled-back write leaves a hole among ids and seqs, so
 *    crm_event_follow() returns events only up to the committed high-water
 *    mark, below which no event appears later. Within crm_begin() each
 *    call on PostgreSQL sees what other writers committed meanwhile (read
 *    committed); guard updates with expected_version. On PostgreSQL the
 *    busy timeout is the server's lock_timeout (0 waits 1 ms).
 *  - Field changes: on PostgreSQL, making a field indexed or unique adds
 *    an index to the customer table all the database's workspaces share,
 *    which holds back their writes (not their reads) until the change
 *    commits; taking one away (indexed or unique turned off, such a field
 *    deleted) holds back their reads too. In a file they concern that file
 *    only.
 *  - Erasure (crm_customer_erase): both remove the same rows. In a file
 *    the removed bytes are overwritten (secure delete, the search index
 *    rewritten) and, after crm_checkpoint() or the last crm_close(), gone
 *    from the file and its write-ahead log. On PostgreSQL erased rows stay
 *    as dead row versions until VACUUM (crm_checkpoint() runs it on
 *    libcrm's tables), VACUUM does not zero the space it frees, and the
 *    server's WAL, archives, replicas and backups keep them as long as
 *    the server's settings keep those. crm_customer_delete() erases no
 *    bytes on either.
 *  - crm_checkpoint(): in a file it truncates the write-ahead log
 *    (CRM_E_BUSY while another connection reads or writes the file); on
 *    PostgreSQL it runs VACUUM on libcrm's tables, which drops the dead
 *    row versions no open transaction of the server can still see, for
 *    every workspace of the database (row versions a transaction can still
 *    see are dropped by a later VACUUM; tables the role does not own are
 *    skipped by the server).
 *  - CRM_OPEN_READ_ONLY: writes fail with CRM_E_READ_ONLY on both, and
 *    neither creates a workspace. A file of an older layout cannot be
 *    opened read-only (CRM_E_READ_ONLY: it would need migrating); on
 *    PostgreSQL opening may still create or migrate libcrm's tables, which
 *    the database's workspaces share.
 *  - Errors only a server gives: CRM_E_IO rule "connection" (unreachable,
 *    or the connection was lost: the call's changes are gone; within
 *    crm_begin() end the transaction with crm_rollback(); the next call
 *    outside one reconnects), CRM_E_IO rule "server" (a statement the
 *    server refused: permissions, disk full, a timeout; its SQLSTATE in the
 *    message) and CRM_E_IO rule "plugin" (libcrm_postgres.so or libpq
 *    unusable).
 *  - Paths and URLs: ":memory:" is a file's; crm_workspace_create() and
 *    crm_workspace_drop() take URLs only. No other call is for one backend
 *    only; crm_checkpoint() does each backend's own upkeep (above).
 */

/*
 * Opens (and with CRM_OPEN_CREATE creates) a workspace that lives in a
 * database server rather than a file. `url` is a libpq connection URL with
 * the workspace's name as the `workspace` parameter:
 *   postgresql://[user@]host[:port]/database?workspace=NAME[&sslmode=...]
 * Many workspaces share one database. Passwords come from libpq's password
 * file or environment (a password in the URL is used, never echoed in
 * errors). The backend's plugin library (libcrm_postgres.so) is loaded on
 * first use; a missing plugin or client library is CRM_E_IO, rule "plugin".
 * Errors: CRM_E_INVALID_ARGUMENT rule "url" (not such a URL, or no
 * workspace), CRM_E_NOT_FOUND (no such workspace and no CRM_OPEN_CREATE),
 * CRM_E_IO rule "connection" (server unreachable), CRM_E_VERSION (a newer
 * libcrm's layout), CRM_E_NOT_WORKSPACE rule "schema" (tables libcrm did not
 * make). Calls the backend does not offer yet fail with CRM_E_UNSUPPORTED,
 * rule "backend". `options` as for crm_open(); `sync` has no effect (the
 * server's own durability settings apply). What else differs from a file:
 * "Backends: what differs" in crm.h.
 */
CRM_API int crm_open_url(crm_db** out, const char* url,
                         const crm_open_options* options);

/* Creates the workspace `url` names (as crm_open_url() reads it), or drops
 * it with everything it holds. Errors as crm_open_url(), and
 * CRM_E_CONSTRAINT rule "unique" when creating a workspace that exists,
 * CRM_E_NOT_FOUND when dropping one that does not. */
CRM_API int crm_workspace_create(const char* url);
CRM_API int crm_workspace_drop(const char* url);

/* Moving a workspace between a file and a PostgreSQL workspace (in any
 * direction, also file to file and server to server): copies all the
 * content of `from` into `to`, which must be empty, as crm_open() or
 * crm_open_url() creates it (only the standard fields; else
 * CRM_E_CONFLICT, rule "target", saying what it holds, and nothing
 * changes). Kept as they are: field definitions (ids, names, types, labels,
 * groups, rules, archived, indexed, unique; deleted fields too, which
 * history names), customers with their ids, versions, created_at,
 * updated_at and values, every event with its seq, times, type, channel,
 * actor, source, idempotency key and properties or history changes,
 * registered event types and saved segments, access profiles, duplicate
 * rules and settings, legal-hold stubs' marks with when each hold ends, the
 * suppression key and list, the merge table (which ids went into which
 * survivor, with the snapshots undoing a merge restores); and the id
 * counters,
 * so that
 * the next customer id and event seq of `to` are above every one `from`
 * ever handed out (deleted customers' ids included). `to`'s search index
 * and column indexes and match keys are rebuilt from the copied values,
 * fields and duplicate settings.
 *
 * `from` is read in one snapshot (a concurrent writer of `from` is either
 * wholly in the copy or not at all); `to` is written in one transaction: on
 * any failure it stays empty. Customers and events go in pages of 1,000, so
 * memory does not grow with the workspace. Takes `from`'s lock, then
 * `to`'s: do not copy between the same two handles in opposite directions
 * from two threads at once. Inside a host transaction (crm_begin) on `to`,
 * the copy is part of it. CRM_E_INVALID_ARGUMENT (rule "to") when `to` and
 * `from` are the same handle; a value in `from` libcrm never writes is
 * CRM_E_IO, rule "damaged". */
CRM_API int crm_workspace_copy(crm_db* to, crm_db* from);

/* A checksum of the workspace's content: SHA-256 in 64 lower-case hex
 * digits, into *out (free with crm_string_free). Equal for two
 * workspaces holding the same content whatever their backends (as after
 * crm_workspace_copy()), different after any change to a field definition,
 * a customer, an event, a registered event type, a segment, an access
 * profile, a duplicate rule or the duplicate settings, a legal-hold stub,
 * a suppression, a merge or its undoing. Covers what
 * crm_workspace_copy() keeps, except the id counters; not what is derived
 * (search and column indexes) nor how a backend lays rows out (see
 * docs/postgresql.md, "Moving a workspace", for the canonical form). Read
 * in one snapshot, in pages. */
CRM_API int crm_workspace_checksum(char** out, crm_db* db);

/* Closes the workspace; an open transaction is rolled back. Accepts NULL.
 * No other thread may be using `db` during or after the call. */
CRM_API void crm_close(crm_db* db);

/* The schema version this library writes to files, and the one of an open
 * workspace: its file's, or for a workspace on PostgreSQL its database's
 * layout version, which the PostgreSQL backend numbers on its own. */
CRM_API int crm_schema_version(void);
CRM_API int crm_db_schema_version(int* out, crm_db* db);

/*
 * Transactions the host groups calls in. Between crm_begin() and
 * crm_commit() every call's changes become durable together; crm_rollback()
 * discards them all. A call that fails inside a transaction undoes its own
 * changes and leaves the transaction open with the earlier calls' changes,
 * except after CRM_E_NOMEM or CRM_E_IO: SQLite may then have rolled back the
 * whole transaction, and every later call (crm_commit included) returns
 * CRM_E_MISUSE saying so until crm_rollback() ends it. Nothing of it is
 * stored either way. Transactions do not nest: crm_begin() inside one is
 * CRM_E_MISUSE. What a transaction on PostgreSQL sees of other writers, and
 * a lost connection: see "Backends: what differs".
 */
CRM_API int crm_begin(crm_db* db);
CRM_API int crm_commit(crm_db* db);
CRM_API int crm_rollback(crm_db* db);

/* ------------------------------------------------------------------------ */
/* Fields: the standard ones and those users define at run time             */
/* ------------------------------------------------------------------------ */

/*
 * Field types, by the name used in definitions:
 *   "text"         single-line text, at most 65,535 bytes
 *   "long_text"    text, at most 16 MiB
 *   "integer"      64-bit signed integer
 *   "decimal"      exact decimal with "scale" digits after the point (0..9);
 *                  money is a decimal with scale 2
 *   "boolean"
 *   "date"         "YYYY-MM-DD"
 *   "datetime"     UTC microseconds
 *   "choice"       one of "options"
 *   "multi_choice" a list of distinct values from "options"
 *   "tags"         a list of distinct free-text values
 *   "email", "phone", "url"   text checked for the form
 *   "reference"    the id (integer) of another customer record
 *
 * A definition is a JSON object, e.g.
 *   {"name": "plan", "label": "Plan", "group": "finance", "type": "choice",
 *    "options": ["basic", "premium"], "required": true,
 *    "default_value": {"text": "basic"}, "indexed": true}
 * Keys: name (lowercase letters, digits and '_', starting with a letter, at
 * most 48 bytes), label, description, group, type, required, unique, indexed,
 * scale, min, max (text in the field's form: "10", "9.99", "2024-01-31",
 * "2024-01-31T08:00:00Z"), max_length (bytes), pattern (RE2 regular
 * expression that a text value must match in full), options, and
 * default_value (a value object: {"text": ..}, {"integer": ..},
 * {"decimal": ".."}, {"boolean": ..}, {"date": ".."}, {"datetime_us": ..},
 * {"list": {"items": [..]}}). Unknown keys are an error. As in Protocol
 * Buffers' JSON mapping, 64-bit integers (id, max_length, integer and
 * datetime_us values) are written as JSON strings; input takes either form.
 *
 * Standard fields exist in every workspace and are described by the same
 * calls: kind ("person" or "company"), name, email (unique), phone, company,
 * street, city, region, postal_code, country, owner, stage (lead, prospect,
 * customer, former), tags, external_id (unique, owned by the host), and
 * created_at and updated_at, which libcrm maintains (a create may give
 * created_at: see crm_customer_create_v2()).
 */

/* Defines a new user-defined field. *out_field_id receives its id. An
 * indexed or unique one on PostgreSQL holds back other workspaces' writes
 * while it is made: see "Backends: what differs". */
CRM_API int crm_field_define(int64_t* out_field_id, crm_db* db,
                             const char* definition_json);

/*
 * Changes a field with a JSON patch holding only what changes: name
 * (rename; stored values and history keep following the field), label,
 * description, group, required, unique, indexed, min, max, max_length,
 * pattern, default_value, add_options (options to append), and type with
 * scale, which is allowed only where every stored value converts without
 * loss (else CRM_E_VALIDATION naming the first value that does not).
 * "min": "" or "max": "" removes that bound; "default_value": {} removes
 * the default.
 * Standard fields accept label, description, group, indexed and add_options.
 * Adding or taking away an index on PostgreSQL holds back other workspaces:
 * see "Backends: what differs".
 */
CRM_API int crm_field_update(crm_db* db, const char* name,
                             const char* patch_json);

/* Archives a field: hidden from reads and refused in writes; data kept. */
CRM_API int crm_field_archive(crm_db* db, const char* name);
/* Restores an archived field with its data. */
CRM_API int crm_field_restore(crm_db* db, const char* name);
/* Deletes a user-defined field and its values. Cannot be undone. An indexed
 * or unique one on PostgreSQL: see "Backends: what differs". */
CRM_API int crm_field_delete(crm_db* db, const char* name);

/* The definition of one field (archived ones too) as a JSON object, with
 * the read-only keys id, builtin, read_only and status. */
CRM_API int crm_field_describe(char** out_json, crm_db* db, const char* name);

enum { CRM_LIST_INCLUDE_ARCHIVED = 1 };
/* All fields, standard first then user-defined by id, as a JSON array. */
CRM_API int crm_field_list(char** out_json, crm_db* db, int flags);

/* ------------------------------------------------------------------------ */
/* Records: a bag of typed field values                                     */
/* ------------------------------------------------------------------------ */

/*
 * A crm_record carries field values into and out of the workspace. Values
 * are checked against the workspace's fields when the record is written,
 * not when set. Setting a field twice keeps the last value. Not thread-safe.
 */
typedef struct crm_record crm_record;

/* The kind of value a record holds for a field. */
typedef enum crm_value_kind {
  CRM_VALUE_NULL = 0, /* absent from the record, or explicitly cleared */
  CRM_VALUE_TEXT = 1,
  CRM_VALUE_INTEGER = 2,
  CRM_VALUE_DECIMAL = 3,
  CRM_VALUE_BOOLEAN = 4,
  CRM_VALUE_DATE = 5,
  CRM_VALUE_DATETIME = 6,
  CRM_VALUE_LIST = 7
} crm_value_kind;

CRM_API int crm_record_new(crm_record** out);
CRM_API void crm_record_free(crm_record* record);

/* Setters. `field` is a field name. Text-like fields (text, long_text, email,
 * phone, url, choice) take text; integer and reference take an integer;
 * multi_choice and tags take a list. */
CRM_API int crm_record_set_text(crm_record* record, const char* field,
                                const char* value);
CRM_API int crm_record_set_integer(crm_record* record, const char* field,
                                   int64_t value);
CRM_API int crm_record_set_decimal(crm_record* record, const char* field,
                                   const char* value);
CRM_API int crm_record_set_boolean(crm_record* record, const char* field,
                                   int value);
CRM_API int crm_record_set_date(crm_record* record, const char* field,
                                const char* value);
CRM_API int crm_record_set_datetime(crm_record* record, const char* field,
                                    int64_t value);
CRM_API int crm_record_set_list(crm_record* record, const char* field,
                                const char* const* items, size_t count);
/* Marks the field as cleared: an update stores no value for it. */
CRM_API int crm_record_set_null(crm_record* record, const char* field);

/* Metadata of a record read from the workspace; 0 on a new record. */
CRM_API int64_t crm_record_id(const crm_record* record);
/* Starts at 1 and grows by one with every update of the record. */
CRM_API int64_t crm_record_version(const crm_record* record);

/* Fields present in the record, in a stable order (standard fields first).
 * Names are borrowed until the record changes or is freed. */
CRM_API size_t crm_record_field_count(const crm_record* record);
CRM_API const char* crm_record_field_name(const crm_record* record,
                                          size_t index);
/* CRM_VALUE_NULL for a field the record does not hold. */
CRM_API crm_value_kind crm_record_kind(const crm_record* record,
                                       const char* field);

/* Getters: CRM_E_NOT_FOUND when the record holds no value for the field,
 * CRM_E_VALIDATION (rule "type") when the value is of another kind. Text
 * is borrowed until the record changes or is freed. */
CRM_API int crm_record_get_text(const char** out, const crm_record* record,
                                const char* field);
CRM_API int crm_record_get_integer(int64_t* out, const crm_record* record,
                                   const char* field);
CRM_API int crm_record_get_decimal(const char** out, const crm_record* record,
                                   const char* field);
CRM_API int crm_record_get_boolean(int* out, const crm_record* record,
                                   const char* field);
CRM_API int crm_record_get_date(const char** out, const crm_record* record,
                                const char* field);
CRM_API int crm_record_get_datetime(int64_t* out, const crm_record* record,
                                    const char* field);
CRM_API int crm_record_get_list_size(size_t* out, const crm_record* record,
                                     const char* field);
CRM_API int crm_record_get_list_item(const char** out, const crm_record* record,
                                     const char* field, size_t index);

/*
 * A whole record in one crossing each way, in the encoded forms the bulk
 * calls use (see crm/crm.proto), so that bindings decode a record read and
 * encode a record to write with the code they use for pages and batches.
 */

/*
 * The record as one crm.wire.RowSet message holding one row: `columns` are
 * the record's fields in crm_record_field_name() order, the row's values are
 * aligned with them (a field set to null has a value with no kind set),
 * `ids` is [crm_record_id()] and `versions` is [crm_record_version()];
 * `next_cursor` is empty. Borrowed until the record changes or is freed.
 */
CRM_API int crm_record_encode(const void** out_bytes, size_t* out_size,
                              crm_record* record);

/*
 * The same row as crm_record_encode() in the JSON page form of
 * crm_rows_encode_json() (see there), with "versions": [version] after
 * "ids". Borrowed until the record changes or is freed.
 */
CRM_API int crm_record_encode_json(const char** out_json, size_t* out_size,
                                   crm_record* record);

/*
 * A new record from a crm.wire.CustomerBatch message holding exactly one
 * row, encoded as for crm_customer_write_batch() (`batch_size` bytes at
 * `batch`): each column the row gives a value becomes a field of the record
 * (a value with no kind set: the field is set to null, as by
 * crm_record_set_null()); a column the row lists as absent is not in the
 * record. The batch's actor must be empty. The values are checked as the
 * record setters check theirs (text is UTF-8 without NUL bytes) and against
 * the workspace's fields only when the record is written. On failure
 * CRM_E_INVALID_ARGUMENT with the rule: "batch" (not a CustomerBatch
 * message), "batch_size" (over 2 GiB), "rows" (not exactly one row),
 * "actor" (an actor is given), "distinct" (a column named twice, naming
 * it), "utf8" (text that is not UTF-8 or holds a NUL byte, naming the
 * field), "absent" or "columns" (absent positions or a value count that do
 * not fit the columns). The caller frees *out with crm_record_free().
 */
CRM_API int crm_record_decode(crm_record** out, const void* batch,
                              size_t batch_size);

/* ------------------------------------------------------------------------ */
/* Customers                                                                */
/* ------------------------------------------------------------------------ */

/*
 * `actor` names the user or system making a change (e.g. "alice",
 * "erp-sync"); it is kept with the record's history. NULL means "api".
 */

/* Creates a customer from the fields in `record`. Missing fields take their
 * default; required fields without one must be present. The record may
 * hold "created_at", as for crm_customer_create_v2() with options NULL.
 * Customer ids are never reused: a new customer never gets the id of a
 * deleted one, nor its events and history, across reopens too. */
CRM_API int crm_customer_create(int64_t* out_id, crm_db* db,
                                const crm_record* record, const char* actor);

/* Reads a customer with all its active fields that hold a value. The caller
 * frees *out with crm_record_free(). */
CRM_API int crm_customer_get(crm_record** out, crm_db* db, int64_t id);
CRM_API int crm_customer_get_by_external_id(crm_record** out, crm_db* db,
                                            const char* external_id);
/* Email comparison ignores ASCII case. */
CRM_API int crm_customer_get_by_email(crm_record** out, crm_db* db,
                                      const char* email);

/*
 * Changes only the fields present in `changes` (crm_record_set_null clears
 * one). With expected_version > 0 the update is applied only if the record's
 * version is still that one, else CRM_E_CONFLICT and nothing changes; 0
 * skips the check. *out_version (may be NULL) receives the new version.
 */
CRM_API int crm_customer_update(int64_t* out_version, crm_db* db, int64_t id,
                                int64_t expected_version,
                                const crm_record* changes, const char* actor);

/* Deletes a customer. expected_version as for update. A customer that a
 * reference field of another customer points to is not deleted
 * (CRM_E_CONSTRAINT naming that field). Its history and events stay,
 * readable for audit (crm_customer_get_at, crm_field_timeline_get,
 * crm_event_timeline), and so do the deleted values' bytes: delete ends a
 * customer relationship, it does not forget the person. To remove a person
 * for good (a data-protection erasure request), use crm_customer_erase()
 * instead, also after a delete: see "Erasure" below. */
CRM_API int crm_customer_delete(crm_db* db, int64_t id,
                                int64_t expected_version, const char* actor);

/* Creates or updates the customer whose external_id is the one in `record`
 * (which must hold one). *out_created (may be NULL) is 1 if it was created. */
CRM_API int crm_customer_upsert(int64_t* out_id, int* out_created, crm_db* db,
                                const crm_record* record, const char* actor);

/* Number of customers in the workspace. */
CRM_API int crm_customer_count(int64_t* out, crm_db* db);

/* ------------------------------------------------------------------------ */
/* Bulk writes: one ABI crossing per batch                                  */
/* ------------------------------------------------------------------------ */

/* The outcome of a batch, row by row. Not thread-safe. */
typedef struct crm_batch_report crm_batch_report;

enum {
  CRM_BATCH_CREATE = 1, /* every row creates a customer */
  CRM_BATCH_UPSERT = 2  /* every row must carry external_id; creates or
                           updates the customer with that external id */
};

/*
 * Writes a batch of customers encoded as a crm.wire.CustomerBatch Protocol
 * Buffers message (see crm/crm.proto, installed beside this header): column
 * names once, then rows of values aligned with them. A row tells "absent"
 * (CustomerRow.absent: the row does not mention the field) from null (a
 * value with no kind set). Creating, both give the field its default, as a
 * field that is not a column does. In an upsert that updates, an absent field
 * keeps its stored value and gets no history change, while a null clears
 * the field. Text in a batch (values, list items, the actor) is refused with
 * CRM_E_INVALID_ARGUMENT (rule "utf8", naming the field) when it is not
 * UTF-8 or holds a NUL byte, as the record setters refuse it. All or
 * nothing: if any
 * row is rejected, no row is stored, the call returns CRM_E_VALIDATION (or
 * the first rejected row's status) and the report says which rows failed
 * and why. On success the report holds every row's id. *out_report may be
 * NULL when the caller does not want it; otherwise it is set even on
 * failure when the batch could be decoded, and freed with
 * crm_batch_report_free(). When the batch fails as a whole before its rows
 * are looked at (an unknown column, a read-only workspace), the report
 * holds no rows.
 */
CRM_API int crm_customer_write_batch(crm_batch_report** out_report, crm_db* db,
                                     const void* batch, size_t batch_size,
                                     int mode);

CRM_API void crm_batch_report_free(crm_batch_report* report);
/* Rows in the batch. */
CRM_API size_t crm_batch_report_size(const crm_batch_report* report);
/* Rows rejected (0 when the batch was stored). */
CRM_API size_t crm_batch_report_rejected(const crm_batch_report* report);
/* Per row (0-based); out-of-range rows read as CRM_E_NOT_FOUND / 0 / "". */
CRM_API int crm_batch_report_status(const crm_batch_report* report, size_t row);
/* The customer id (0 when rejected or when the batch was not stored). */
CRM_API int64_t crm_batch_report_id(const crm_batch_report* report, size_t row);
/* 1 if the row created the customer, 0 if it updated one (upsert). */
CRM_API int crm_batch_report_created(const crm_batch_report* report,
                                     size_t row);
/* Borrowed until the report is freed. */
CRM_API const char* crm_batch_report_message(const crm_batch_report* report,
                                             size_t row);
CRM_API const char* crm_batch_report_field(const crm_batch_report* report,
                                           size_t row);
CRM_API const char* crm_batch_report_rule(const crm_batch_report* report,
                                          size_t row);
/* Row `row`'s duplicate candidates as a JSON array (see "Duplicates"): those
 * a "warn" rule found for a row written, those a "block" rule found for a
 * row rejected with CRM_E_DUPLICATE; "[]" otherwise and for an event batch.
 * Owned by the report. Since 0.3. */
CRM_API const char* crm_batch_report_candidates_json(
    const crm_batch_report* report, size_t row);

/* ------------------------------------------------------------------------ */
/* Write options and results: the _v2 writes                                */
/* ------------------------------------------------------------------------ */

/*
 * Per-write parameters beyond the record and the actor go into one
 * versioned struct, taken by the _v2 create, update, upsert and batch calls;
 * it only grows at the end. Results beyond an id come back through one
 * versioned result object, which later releases grow with accessors. A _v2
 * call with `options` NULL behaves exactly as the call without _v2.
 */

/* effective_at's default: the time of the call. */
#define CRM_EFFECTIVE_NOW INT64_MIN

/* How far ahead of libcrm's clock a valid time may lie: a time up to this
 * far in the future is taken as now (clocks of hosts disagree); one further
 * ahead is refused (rule "future"). 60 seconds, in microseconds. */
#define CRM_CLOCK_SKEW_US 60000000

typedef struct crm_write_options {
  uint32_t struct_size; /* sizeof(crm_write_options); set by _INIT */
  /* From when the written values hold (valid time, UTC microseconds); see
   * "Valid time" below. CRM_EFFECTIVE_NOW: the time of the call. */
  int64_t effective_at;
  /* Until when a correction holds (exclusive); after it the value in force
   * before it resumes. CRM_TIME_MAX: open, the change holds until the next
   * known change of the field. Updates only. */
  int64_t effective_until;
  /* CRM_DUPLICATE_CHECK_*: whether the workspace's duplicate rules look at
   * this write (see "Duplicates"). Since 0.3. */
  int duplicate_check;
} crm_write_options;

/* crm_write_options.duplicate_check and crm_import_options.duplicate_check */
enum {
  /* Default: each duplicate rule acts as its definition says for the
   * operation (allow, warn or block). */
  CRM_DUPLICATE_CHECK_RULES = 0,
  /* No rule looks at the write: a data steward's "save anyway" after a
   * warning or a block. Match keys are kept current all the same. */
  CRM_DUPLICATE_CHECK_SKIP = 1
};

#define CRM_WRITE_OPTIONS_INIT                                  \
  {                                                             \
    sizeof(crm_write_options), CRM_EFFECTIVE_NOW, CRM_TIME_MAX, \
        CRM_DUPLICATE_CHECK_RULES                               \
  }

/* Fills `options` with the values of CRM_WRITE_OPTIONS_INIT; as
 * crm_open_options_init(). */
CRM_API int crm_write_options_init(crm_write_options* options,
                                   size_t struct_size);

/* What a _v2 write did. Not thread-safe; freed with crm_write_result_free()
 * (NULL accepted). Every _v2 write takes `out` NULL when the caller does not
 * want it; on failure *out is NULL. */
typedef struct crm_write_result crm_write_result;

CRM_API void crm_write_result_free(crm_write_result* result);
/* The customer written. */
CRM_API int64_t crm_write_result_id(const crm_write_result* result);
/* Its version after the write (as crm_customer_update's out_version). */
CRM_API int64_t crm_write_result_version(const crm_write_result* result);
/* 1 if the write created the customer, else 0. */
CRM_API int crm_write_result_created(const crm_write_result* result);
/* The valid time the write's values hold from: effective_at as applied
 * (CRM_EFFECTIVE_NOW and times within the clock skew become the call's
 * time; a create's is the record's created_at). */
CRM_API int64_t crm_write_result_effective_at(const crm_write_result* result);
/* 1 if the write changed the values in force now; 0 for a correction of
 * the past that a later change overrides (it changed history only) or a
 * write that changed nothing. */
CRM_API int crm_write_result_changed_current(const crm_write_result* result);
/* The duplicate candidates of a write that a rule with action "warn" found,
 * as a JSON array (see "Duplicates"; "[]" when none). Owned by the result,
 * valid until it is freed. Since 0.3. */
CRM_API const char* crm_write_result_candidates_json(
    const crm_write_result* result);

/*
 * As crm_customer_create(), with options. The record may hold "created_at"
 * (a datetime): the customer's real start, e.g. from a system it is
 * migrated from; its values hold from then. Without it, created_at is
 * options->effective_at, else now. Both given and different:
 * CRM_E_INVALID_ARGUMENT, rule "effective_at". effective_until must be
 * CRM_TIME_MAX (rule "effective_until"): a record cannot be created for a
 * while only.
 */
CRM_API int crm_customer_create_v2(crm_write_result** out, crm_db* db,
                                   const crm_record* record,
                                   const crm_write_options* options,
                                   const char* actor);
/* As crm_customer_update(), with options: a change effective in the past
 * slots into each field's timeline at its place (see "Valid time").
 * `changes` may hold "created_at" only with the customer's stored value
 * (else CRM_E_VALIDATION, rule "read_only"). A valid time outside the years
 * 0001-9999 fails with rule "range", naming effective_at, effective_until
 * or created_at. */
CRM_API int crm_customer_update_v2(crm_write_result** out, crm_db* db,
                                   int64_t id, int64_t expected_version,
                                   const crm_record* changes,
                                   const crm_write_options* options,
                                   const char* actor);
/* As crm_customer_upsert(), with options. A created_at in the record
 * creates as crm_customer_create_v2(); when the upsert updates, it must
 * equal the stored created_at (else CRM_E_VALIDATION, rule "read_only"), so
 * that a re-sent record updates. An upsert that would create with an
 * effective_until fails (rule "effective_until"). */
CRM_API int crm_customer_upsert_v2(crm_write_result** out, crm_db* db,
                                   const crm_record* record,
                                   const crm_write_options* options,
                                   const char* actor);
/* As crm_customer_write_batch(), with options applying to every row. A
 * row that creates may hold a "created_at" column, each row its own; in a
 * row that updates it must equal the stored created_at, as for
 * crm_customer_upsert_v2(). A row's created_at and options->effective_at
 * both given and different fail that row as crm_customer_create_v2() does
 * (rule "effective_at"). */
CRM_API int crm_customer_write_batch_v2(crm_batch_report** out_report,
                                        crm_db* db, const void* batch,
                                        size_t batch_size, int mode,
                                        const crm_write_options* options);

/* ------------------------------------------------------------------------ */
/* Events: the append-only log of every interaction                         */
/* ------------------------------------------------------------------------ */

/*
 * An event belongs to one customer and records something that happened:
 * when (occurred_at, UTC microseconds, given by the host; recorded_at is set
 * by libcrm), what (type, e.g. "call", "email.sent", "order.placed"),
 * through which channel ("phone", "email", "web", ...), who acted (actor),
 * where it came from (source), and typed properties. Events are immutable.
 *
 * Type and channel names are 1 to 64 letters, digits and . _ - : /. Types
 * starting with "crm." are libcrm's own: every create, update and delete of
 * a customer appends a "crm.record.created", "crm.record.updated" or
 * "crm.record.deleted" event (channel "crm", actor as given to the call)
 * holding each changed field's value before and after; crm_customer_erase()
 * leaves a "crm.record.erased" tombstone (see "Erasure"). Hosts cannot
 * append those, and cannot skip them.
 *
 * A crm_event is built by the host for crm_event_append(), or read from the
 * log. Not thread-safe.
 */
typedef struct crm_event crm_event;

CRM_API int crm_event_new(crm_event** out);
CRM_API void crm_event_free(crm_event* event);

/* Setters: the customer is required; text arguments are copied. Checks on
 * content happen at append time. NULL clears an optional text. */
CRM_API int crm_event_set_customer(crm_event* event, int64_t customer_id);
CRM_API int crm_event_set_type(crm_event* event, const char* type);
CRM_API int crm_event_set_channel(crm_event* event, const char* channel);
CRM_API int crm_event_set_actor(crm_event* event, const char* actor);
CRM_API int crm_event_set_source(crm_event* event, const char* source);
/* When it happened; unset means the time of the append. Events may be
 * appended in any time order. */
CRM_API int crm_event_set_occurred_at(crm_event* event, int64_t occurred_us);
/* An optional key (at most 255 bytes): appending a second event with a key
 * already in the log stores nothing and reports the first event's seq. */
CRM_API int crm_event_set_idempotency_key(crm_event* event, const char* key);

/* The event's properties, set and read with the crm_record_* calls (names
 * follow the field name rule). Borrowed: valid until the event is freed. */
CRM_API crm_record* crm_event_properties(crm_event* event);

/* Getters of an event read from the log. Strings are borrowed until the
 * event is freed; "" when absent. */
CRM_API int64_t crm_event_seq(const crm_event* event);
CRM_API int64_t crm_event_customer(const crm_event* event);
CRM_API int64_t crm_event_occurred_at(const crm_event* event);
CRM_API int64_t crm_event_recorded_at(const crm_event* event);
/* A history event's end of valid time: a correction's effective_until;
 * CRM_TIME_MAX for every other event (see "Valid time"); 0 for NULL. */
CRM_API int64_t crm_event_valid_until(const crm_event* event);
CRM_API const char* crm_event_type(const crm_event* event);
CRM_API const char* crm_event_channel(const crm_event* event);
CRM_API const char* crm_event_actor(const crm_event* event);
CRM_API const char* crm_event_source(const crm_event* event);
CRM_API const char* crm_event_idempotency_key(const crm_event* event);
/* For "crm.record.*" events: the changed fields' values before and after
 * the change (a field absent from `before` was empty, one absent from
 * `after` was cleared). Empty records for other events. Borrowed until the
 * event is freed. */
CRM_API crm_record* crm_event_before(crm_event* event);
CRM_API crm_record* crm_event_after(crm_event* event);

/*
 * A new event from a crm.wire.EventBatch message holding exactly one event,
 * encoded as for crm_event_append_batch() (`batch_size` bytes at `batch`):
 * the event crm_event_new() and the setters would build, properties
 * included, in one crossing. As for the setters, its content is checked when
 * it is appended; here only its text is (UTF-8 without NUL bytes: rule
 * "utf8", naming the member or property). Other failures:
 * CRM_E_INVALID_ARGUMENT, rule "batch" (not an EventBatch message, or not
 * exactly one event) or "batch_size" (over 2 GiB). The caller frees *out
 * with crm_event_free().
 */
CRM_API int crm_event_decode(crm_event** out, const void* batch,
                             size_t batch_size);

/* Appends an event after checking it (customer exists, names, property
 * types and, for a registered type, its property schema). *out_seq gets
 * the event's sequence number, which grows with every append.
 * *out_duplicate (may be NULL) is 1 when the idempotency key was already
 * used and nothing was stored. Seqs on PostgreSQL: see "Backends: what
 * differs". */
CRM_API int crm_event_append(int64_t* out_seq, int* out_duplicate, crm_db* db,
                             const crm_event* event);

/* Appends a crm.wire.EventBatch (see crm.proto) in one crossing, all or
 * nothing. The report's id is each event's seq and "created" is 0 for a
 * duplicate idempotency key. Ownership and failure as for
 * crm_customer_write_batch(). */
CRM_API int crm_event_append_batch(crm_batch_report** out_report, crm_db* db,
                                   const void* batch, size_t batch_size);

/* One event by its sequence number. */
CRM_API int crm_event_get(crm_event** out, crm_db* db, int64_t seq);

/*
 * Registers (or replaces) an event type with a property schema, as JSON:
 *   {"name": "order.placed", "description": "...",
 *    "properties": [{"name": "amount", "type": "decimal", "scale": 2,
 *                    "required": true, "min": "0"}, ...]}
 * Each property is defined like a field (types and rules as above).
 * Events of a registered type are then validated like record fields.
 */
CRM_API int crm_event_type_define(crm_db* db, const char* definition_json);

/* A page of events. Not thread-safe. */
typedef struct crm_event_page crm_event_page;

CRM_API void crm_event_page_free(crm_event_page* page);
CRM_API size_t crm_event_page_size(const crm_event_page* page);
/* Borrowed until the page is freed; NULL when out of range. */
CRM_API crm_event* crm_event_page_at(crm_event_page* page, size_t index);
/* Where the next page starts ("" when this was the last). Borrowed until
 * the page is freed; copy it to keep it. */
CRM_API const char* crm_event_page_next_cursor(const crm_event_page* page);

/* Bounds meaning "no bound" for crm_timeline_options. */
#define CRM_TIME_MIN INT64_MIN
#define CRM_TIME_MAX INT64_MAX

typedef struct crm_timeline_options {
  uint32_t struct_size;     /* sizeof(crm_timeline_options); set by _INIT */
  int64_t from_us;          /* events with occurred_at >= from_us */
  int64_t to_us;            /* ... and < to_us */
  const char* const* types; /* only these types (NULL: all) */
  size_t type_count;
  const char* const* channels; /* only these channels (NULL: all) */
  size_t channel_count;
  int oldest_first;   /* 0: newest first (default) */
  uint32_t page_size; /* 1 to 1000 */
  const char* cursor; /* next_cursor of the previous page, or NULL */
} crm_timeline_options;

#define CRM_TIMELINE_OPTIONS_INIT                                            \
  {                                                                          \
    sizeof(crm_timeline_options), CRM_TIME_MIN, CRM_TIME_MAX, NULL, 0, NULL, \
        0, 0, 50, NULL                                                       \
  }

/* Fills `options` with the values of CRM_TIMELINE_OPTIONS_INIT; as
 * crm_open_options_init(). */
CRM_API int crm_timeline_options_init(crm_timeline_options* options,
                                      size_t struct_size);

/*
 * One page of a customer's timeline, ordered by occurred_at (then seq).
 * Paging is by position, not offset: events appended while a host pages
 * never shift or repeat what it sees, and it can page back without limit.
 * `options` may be NULL for the defaults; they name at most 1,000 types and
 * 1,000 channels (else CRM_E_INVALID_ARGUMENT, rule "types" or "channels").
 * A customer with no events (or no such customer) gives an empty page.
 */
CRM_API int crm_event_timeline(crm_event_page** out, crm_db* db,
                               int64_t customer_id,
                               const crm_timeline_options* options);

/* Up to `limit` (1 to 10,000) events of all customers with seq greater than
 * `after_seq`, in seq order: for integrators that mirror the log. Only
 * events up to the committed high-water mark (crm_event_high_water) are
 * returned, so a follower that passes the last seq it saw as `after_seq`
 * never skips an event committed later with a lower seq; a short or empty
 * page does not mean the log ends there. See "Backends: what differs". */
CRM_API int crm_event_follow(crm_event_page** out, crm_db* db,
                             int64_t after_seq, uint32_t limit);

/* The committed high-water mark of the event log in `*out_seq`: every event
 * with seq <= the mark is stored and visible, or will never exist. Seqs are
 * increasing but not gapless: a writer that rolls back (or loses a race for
 * an idempotency key) leaves a hole, which no later event fills. On
 * PostgreSQL, where several writers append at once and commit in any order,
 * the mark stays below the seqs of transactions still open and can be below
 * the highest seq already visible; on a file (one writer at a time) it is
 * the highest seq ever committed. The mark never goes down, also when
 * events are erased later (an erased event is gone, its seq not reused).
 * 0 when no event is final yet. */
CRM_API int crm_event_high_water(int64_t* out_seq, crm_db* db);

/* ------------------------------------------------------------------------ */
/* History of records                                                       */
/* ------------------------------------------------------------------------ */

/* The customer as it was at `at_us`, with the fields it held then (under
 * their current names; archived and deleted fields left out), its version
 * then, and created_at/updated_at. CRM_E_NOT_FOUND when it did not exist at
 * that instant. */
CRM_API int crm_customer_get_at(crm_record** out, crm_db* db, int64_t id,
                                int64_t at_us);

/* The intervals during which one field of a customer held each value, oldest
 * first; stretches when it was empty are left out. Not thread-safe. */
typedef struct crm_field_timeline crm_field_timeline;

CRM_API int crm_field_timeline_get(crm_field_timeline** out, crm_db* db,
                                   int64_t customer_id, const char* field);
CRM_API void crm_field_timeline_free(crm_field_timeline* timeline);
CRM_API size_t crm_field_timeline_size(const crm_field_timeline* timeline);
/* Start of interval `index` (UTC microseconds). */
CRM_API int64_t crm_field_timeline_from(const crm_field_timeline* timeline,
                                        size_t index);
/* End of interval `index`; CRM_TIME_MAX while the value is still current. */
CRM_API int64_t crm_field_timeline_to(const crm_field_timeline* timeline,
                                      size_t index);
/* The value during interval `index`, as a record holding only that field.
 * Borrowed until the timeline is freed; NULL when out of range. */
CRM_API crm_record* crm_field_timeline_value(crm_field_timeline* timeline,
                                             size_t index);

/* ------------------------------------------------------------------------ */
/* Valid time: when a change held, and what libcrm knew when                */
/* ------------------------------------------------------------------------ */

/*
 * Every history event keeps two times: from when its values hold (valid
 * time: the event's occurred_at, given as a write's effective_at or a
 * create's created_at) and when libcrm recorded it (the event's
 * recorded_at, always the time of the write). Data that arrives late (a
 * billing system's changes of last month, a migrated CRM's history, a
 * clerk's correction) is recorded at its place in valid time, and nothing
 * recorded before is rewritten: history stays append-only, and what libcrm
 * believed at any past instant stays readable ("known at").
 *
 * The rules, per field of one customer, as the changes were recorded (in
 * seq order; every rule is applied to the history recorded up to the
 * instant a read is "known at"):
 *  1. A change holds from its effective_at. With effective_until it holds
 *     until then (exclusive): a correction of a closed stretch, after which
 *     the value in force before the correction resumes.
 *  2. Without effective_until it holds until the next change of the field
 *     already recorded with a later effective_at (any such change, also a
 *     correction's start), or for good when there is none. So setting
 *     plan=basic from 1 March when plan=premium was recorded from 15 March
 *     gives basic on 1-15 March and premium after.
 *  3. Where a change holds, it overrides every change recorded before it;
 *     elsewhere they keep holding. A record's values now are those in force
 *     after every known change (the customer's stored values).
 *  4. A change with the value the field already holds over its whole
 *     stretch is no change: it records nothing (re-sending the same late
 *     data is harmless).
 *  5. A valid time after now (beyond CRM_CLOCK_SKEW_US) fails with
 *     CRM_E_VALIDATION, rule "future": scheduled changes are not kept. One
 *     before the record's created_at fails with rule "before_created". An
 *     effective_until at or before effective_at fails with rule "range".
 *     Each names "effective_at" or "effective_until" as the field; a
 *     create's created_at is checked as effective_at is, naming
 *     "created_at".
 *  6. A deletion holds from the time of the call: the record did not exist
 *     from then on, by any valid time after it.
 * Each write that records a change bumps the record's version by one, also
 * when it corrects only the past. Field timelines and point-in-time reads
 * are built from record history only (ordinary events never change a
 * field).
 */

/*
 * The customer as it was at valid time `valid_us`, by what libcrm had
 * recorded up to `known_at_us` (CRM_TIME_MAX: by today's knowledge, as
 * crm_customer_get_at()). Its version is the number of history events
 * recorded by then whose valid time is at or before `valid_us`; created_at
 * is the record's start, updated_at the valid time of the last of those.
 * CRM_E_NOT_FOUND when by that knowledge it did not exist at `valid_us`.
 * On a restricted handle as crm_customer_get_at().
 */
CRM_API int crm_customer_get_at_v2(crm_record** out, crm_db* db, int64_t id,
                                   int64_t valid_us, int64_t known_at_us);

/* A field's timeline in valid time as libcrm knew it at `known_at_us`
 * (CRM_TIME_MAX: today). Adjacent intervals with equal values are one.
 * CRM_E_NOT_FOUND when nothing of the customer was recorded by then. */
CRM_API int crm_field_timeline_get_v2(crm_field_timeline** out, crm_db* db,
                                      int64_t customer_id, const char* field,
                                      int64_t known_at_us);
/* When libcrm recorded the change that set interval `index`'s value (of
 * the merged changes, the earliest); 0 when out of range. */
CRM_API int64_t crm_field_timeline_recorded_at(
    const crm_field_timeline* timeline, size_t index);
/* The length of interval `index` in microseconds; for the current interval,
 * up to the time the timeline was read. 0 when out of range. */
CRM_API int64_t crm_field_timeline_duration(const crm_field_timeline* timeline,
                                            size_t index);
/*
 * The time in [from_us, to_us) during which the field held the value in
 * `value` (a record holding that one field, as crm_field_timeline_value()
 * gives), exact to the microsecond; the current interval counts up to the
 * time the timeline was read. A value holding the field as null is held 0
 * (empty stretches are not intervals); on a restricted handle masked values
 * compare as masked. CRM_E_INVALID_ARGUMENT for a NULL timeline (rule
 * "timeline"), a `value` holding not exactly that field (rule "value") or
 * from_us > to_us (rule "range").
 */
CRM_API int crm_field_timeline_held(int64_t* out_us,
                                    const crm_field_timeline* timeline,
                                    const crm_record* value, int64_t from_us,
                                    int64_t to_us);

/* ------------------------------------------------------------------------ */
/* Queries: filters, sorting, paging, counts, aggregates                    */
/* ------------------------------------------------------------------------ */

/*
 * The filter language (byte positions of errors via
 * crm_last_error_position()):
 *
 *   stage = 'customer' and lifetime_value >= :min and tags has 'vip'
 *   (city in ('Oslo', 'Bergen') or country != 'NO') and not email is null
 *   name istarts with 'ad' and created_at within last 30 days
 *   search matches 'ada lov*'                         (full text, customers)
 *   type = 'ticket.opened' and customer.stage = 'customer'       (events)
 *
 * Operators: = != <> < <= > >=, between .. and .., in (..), not in (..),
 * is null, is not null, contains / starts with / ends with (exact case) and
 * icontains / istarts with / iends with (ignoring ASCII case; their text is
 * at most 10,000 bytes, else CRM_E_VALIDATION, rule "max_length"), has, has
 * any (..), has all (..) for lists, matches for full text, and within last|next
 * N days|weeks|months|quarters|years or within this|previous day|week|month|
 * quarter|year for dates and times (UTC; weeks start on Monday). Combine
 * with and, or, not and parentheses. Values: 'text' ('' for a quote),
 * numbers, true, false, and parameters: ? (bound as "1", "2", ... in order)
 * or :name (bound as "name") through crm_query_params(). Dates and times are
 * written as text ("2024-03-01", "2024-03-01T09:00:00Z"). Text never becomes
 * SQL: every value is a bound parameter.
 *
 * Limits: a filter is at most 64 KiB; parentheses and "not" nest at most 10
 * deep (rule "depth"); a filter holds at most 500 comparisons (rule
 * "terms") and 10,000 values, each value of a list and each span of time
 * counted (rule "values"). Past them a filter fails like a syntax error:
 * CRM_E_INVALID_ARGUMENT, the rule, and the byte where it crosses the limit.
 * Every filter within them runs: they keep its SQL well inside SQLite's
 * own limits (a parser stack of 100 entries, which 14 levels of
 * parentheses holding an "or" over an "and" overflow; expressions at most
 * 1,000 deep; at most 32,766 bound values).
 *
 * Customer queries see every active field plus id, created_at, updated_at;
 * archived fields only after crm_query_include_archived(). Event queries see
 * seq, customer_id, type, channel, actor, source, idempotency_key,
 * occurred_at, recorded_at, the event's customer as customer.<field>, and
 * its properties as properties.<name>. A property is compared as written:
 * 'text' as text, numbers as numbers (decimals compare as binary floating
 * point in a file, exactly on PostgreSQL: see "Backends: what differs"; so
 * compare money with a margin), true/false, has / has any / has
 * all for lists (a property that holds no list has none of the values);
 * "within" does not apply. CRM_AGG_SUM and CRM_AGG_AVG over a
 * property are exact: the numbers are added as the decimals they were
 * written as, at the widest scale among them (an integer when none has a
 * fraction); events without the property are skipped, and one that holds
 * anything but a number fails the query with CRM_E_VALIDATION naming it.
 */
typedef struct crm_query crm_query;

enum { CRM_QUERY_CUSTOMERS = 1, CRM_QUERY_EVENTS = 2 };

/* A query over `target`. Not thread-safe. */
CRM_API int crm_query_new(crm_query** out, int target);
CRM_API void crm_query_free(crm_query* query);
/* The filter ("" or NULL for every row). Checked when the query runs. */
CRM_API int crm_query_set_filter(crm_query* query, const char* filter);
/* The parameters, set with crm_record_set_*. Borrowed until the query is
 * freed. */
CRM_API crm_record* crm_query_params(crm_query* query);
/* Adds a field to return; without any, every active field is returned.
 * A query returns at most 1,500 fields, sorts by at most 8, groups by at
 * most 500 and computes at most 500 aggregates: past that, running it fails
 * with CRM_E_INVALID_ARGUMENT, rule "select", "sort", "group" or
 * "aggregates". */
CRM_API int crm_query_select(crm_query* query, const char* field);
/* Adds a sort key; rows with no value come first ascending, last
 * descending; ties are ordered by id (or seq). Text sorts by the database's
 * collation on PostgreSQL: see "Backends: what differs". */
CRM_API int crm_query_order_by(crm_query* query, const char* field,
                               int descending);
/* Rows per page, 1 to 10,000 (default 100). */
CRM_API int crm_query_set_page_size(crm_query* query, uint32_t page_size);
/* Where to continue: a next_cursor of an earlier page of the same query
 * (NULL or "" for the first page). Paging is by position, so rows added or
 * changed meanwhile never make a page repeat or skip a row. */
CRM_API int crm_query_set_cursor(crm_query* query, const char* cursor);
CRM_API int crm_query_include_archived(crm_query* query, int include);
/*
 * Evaluates a customers query as of valid time `valid_us` by what libcrm had
 * recorded up to `known_at_us` (CRM_TIME_MAX: today's knowledge), with the
 * rules of "Valid time": its filter, rows, count and aggregates see each
 * customer as crm_customer_get_at_v2() would, and only customers that
 * existed then. `valid_us` CRM_TIME_MAX (the default) means now: with
 * `known_at_us` CRM_TIME_MAX too, today's path, as without this call; with
 * an earlier `known_at_us`, now by what libcrm knew then. An events query
 * as of a past time fails when run (CRM_E_INVALID_ARGUMENT, rule
 * "target"): events do not change; filter
 * them by occurred_at and recorded_at instead. On a restricted handle the
 * customers are those in its scope now, as for crm_customer_get_at(), and
 * rows show the version and updated_at the profile sees today. A
 * `matches` filter as of a past time matches today's search text. Cost: a
 * pass over the history of every customer per run (see docs/valid-time.md).
 */
CRM_API int crm_query_set_as_of(crm_query* query, int64_t valid_us,
                                int64_t known_at_us);

/* Time buckets for crm_query_group_by(). */
enum {
  CRM_BUCKET_NONE = 0,
  CRM_BUCKET_DAY = 1,     /* "2024-03-01" */
  CRM_BUCKET_WEEK = 2,    /* the Monday, "2024-02-26" */
  CRM_BUCKET_MONTH = 3,   /* "2024-03" */
  CRM_BUCKET_QUARTER = 4, /* "2024-Q1" */
  CRM_BUCKET_YEAR = 5     /* "2024" */
};
/* Aggregate functions for crm_query_aggregate(). CRM_AGG_SUM and
 * CRM_AGG_AVG are exact; a sum beyond 64 bits (of the field's units: for a
 * decimal of scale 2, beyond +-92233720368547758.07) fails the query with
 * CRM_E_VALIDATION, rule "aggregate", naming the field, as a sum of event
 * properties does. */
enum {
  CRM_AGG_COUNT = 1,
  CRM_AGG_COUNT_DISTINCT = 2,
  CRM_AGG_SUM = 3, /* exact: decimals sum as decimals */
  CRM_AGG_AVG = 4, /* a decimal with two more places than the field */
  CRM_AGG_MIN = 5,
  CRM_AGG_MAX = 6
};
/* Groups by a field, or by time buckets of a date or datetime field. */
CRM_API int crm_query_group_by(crm_query* query, const char* field, int bucket);
/* Adds an aggregate; `field` NULL counts rows. `alias` names the result
 * (NULL: "count", "sum_<field>", ...). */
CRM_API int crm_query_aggregate(crm_query* query, int function,
                                const char* field, const char* alias);

/* A page of result rows: each a record (crm_record_id() is the customer id
 * or the event seq; "id" and "seq" are not among the row's fields). Not
 * thread-safe. */
typedef struct crm_rows crm_rows;

/* One page of rows matching the query. */
CRM_API int crm_query_run(crm_rows** out, crm_db* db, const crm_query* query);
/* The number of rows matching the query's filter, without fetching them. */
CRM_API int crm_query_count(int64_t* out, crm_db* db, const crm_query* query);
/* One row per group: group fields, then aggregates by alias. */
CRM_API int crm_query_run_aggregate(crm_rows** out, crm_db* db,
                                    const crm_query* query);
/* At most this many instants in one crm_query_run_series(). */
#define CRM_MAX_SERIES_INSTANTS 1000
/*
 * The query's aggregate (as crm_query_run_aggregate(); without aggregates,
 * a count) as of each of `instants` (valid times, UTC microseconds; known
 * at the query's known_at, see crm_query_set_as_of(), whose valid time this
 * call replaces), in one pass over the history: e.g. the customers on the
 * premium plan at each month-end of a year. Each row starts with
 * "valid_at" (a datetime), then the groups and aggregates; rows are
 * ordered by instant, in the order given. 1 to CRM_MAX_SERIES_INSTANTS
 * instants, each a datetime of the years 0001-9999, and at most 2,000,000
 * customer rows in all (customers times distinct instants), else
 * CRM_E_INVALID_ARGUMENT, rule "instants". Customers
 * queries only (rule "target"). All rows come in one crm_rows (no cursor).
 * An instant given twice gives its rows twice; without groups, an instant
 * at which no customer matches gives one row with count 0 and the other
 * aggregates empty.
 */
CRM_API int crm_query_run_series(crm_rows** out, crm_db* db,
                                 const crm_query* query,
                                 const int64_t* instants, size_t count);
/* How the backend runs the query's select, one step per line, in its own
 * words (a file: SQLite's, e.g. "SEARCH c USING INDEX ..."; PostgreSQL:
 * its EXPLAIN, e.g. "Index Scan using ..."): to check an index is used.
 * See "Backends: what differs". */
CRM_API int crm_query_explain(char** out, crm_db* db, const crm_query* query);

CRM_API void crm_rows_free(crm_rows* rows);
CRM_API size_t crm_rows_size(const crm_rows* rows);
/* Borrowed until the rows are freed; NULL when out of range. */
CRM_API crm_record* crm_rows_at(crm_rows* rows, size_t index);
/* "" on the last page; borrowed until the rows are freed. */
CRM_API const char* crm_rows_next_cursor(const crm_rows* rows);
/* The whole page as one crm.wire.RowSet message, for bindings that read a
 * page in one crossing: the columns the query returns (the same on every
 * page), each row's values aligned with them, and each row's id. Borrowed
 * until the rows are freed. */
CRM_API int crm_rows_encode(const void** out_bytes, size_t* out_size,
                            crm_rows* rows);

/*
 * The whole page as one JSON object, UTF-8 text of *out_size bytes followed
 * by a NUL byte (JSON text holds no other NUL: it is escaped), for bindings
 * whose language decodes JSON faster than Protocol Buffers (e.g. Python's
 * json module, written in C). Borrowed until the rows are freed.
 *
 *   {"columns": ["name", "revenue", ...],
 *    "kinds": [1, 3, ...],
 *    "nulls": [0, 1, ...],
 *    "ids": [17, 18],
 *    "values": [["Ada", "Bob"], ["12.50", null], ...],
 *    "next_cursor": ""}
 *
 * The keys come in that order; later releases may add keys (readers ignore
 * keys they do not know). "ids" holds each row's id (customer id or event
 * seq, as crm_record_id()), so the page has as many rows as ids. The values
 * go column by column, so that a reader converts a column at a time:
 * values[c] holds column c's value of every row, in row order.
 * kinds[c] is the crm_value_kind shared by every value of column c that is
 * not null; each such value is written plainly: CRM_VALUE_TEXT as a string,
 * CRM_VALUE_INTEGER as an integer number (all 64 bits, exact),
 * CRM_VALUE_DECIMAL as a string of exact decimal text ("-12.50"),
 * CRM_VALUE_BOOLEAN as true or false, CRM_VALUE_DATE as a string
 * "YYYY-MM-DD", CRM_VALUE_DATETIME as an integer number of UTC
 * microseconds, CRM_VALUE_LIST as an array of strings. kinds[c] is
 * CRM_VALUE_NULL (0) when the column's values are of more than one kind
 * (e.g. an event property that is an integer in one event and a decimal in
 * another), or all null: each value that is not null is then a
 * two-element array [kind, plain value]. A null is null in every column;
 * nulls[c] is how many values of column c are null, so that a reader can
 * convert and zip the columns without null checks when it is 0.
 */
CRM_API int crm_rows_encode_json(const char** out_json, size_t* out_size,
                                 crm_rows* rows);

/* Per active field: field, label, group, filled (customers with a value)
 * and total (customers): why is that report empty? */
CRM_API int crm_field_fill_rates(crm_rows** out, crm_db* db);

/* Customers matching the words of `text` in their names, emails, phone
 * numbers (with or without punctuation), company and other text fields; a
 * trailing * matches a prefix (type-ahead). Best match first. Both backends
 * find the same set of customers (words split and folded alike); the order
 * among them may differ (SQLite ranks by bm25, PostgreSQL by ts_rank, ties
 * by id), so with a `limit` below the number of matches the two may keep
 * different customers. PostgreSQL's limits: see "Backends: what differs". */
CRM_API int crm_customer_search(crm_rows** out, crm_db* db, const char* text,
                                uint32_t limit);

/* Saved segments: a named filter (without parameters) stored in the
 * workspace. Saving an existing name replaces it. Saving checks the filter
 * as counting it does (against the fields, and prepared by the backend) and
 * refuses one that cannot run with the error its count would give. A field
 * a segment uses cannot be renamed or deleted (CRM_E_CONSTRAINT, rule
 * "segment"); one archived or changed to a type the filter does not fit
 * leaves the segment unable to run until the field is restored, or the
 * segment saved anew or deleted. */
CRM_API int crm_segment_save(crm_db* db, const char* name, int target,
                             const char* filter);
CRM_API int crm_segment_delete(crm_db* db, const char* name);
/* The segment's live count; for a segment that cannot run, the error of its
 * filter (e.g. CRM_E_VALIDATION, rule "archived", naming the field). */
CRM_API int crm_segment_count(int64_t* out, crm_db* db, const char* name);
/* One row per segment, by name: name, target, filter, count. A segment that
 * cannot run has no count but "error", the message crm_segment_count()
 * would fail with, and the others are listed as usual; the list fails only
 * for what is not about one segment (CRM_E_BUSY, CRM_E_IO, ...). */
CRM_API int crm_segment_list(crm_rows** out, crm_db* db);

/* Cohorts: customers grouped by the time bucket (in UTC) of their first event
 * of type `first_type`, the one that occurred earliest (CRM_BUCKET_NONE: one
 * group "all"); per group, "customers", "converted" (those with an event of
 * type `then_type` in the window [first event, first event + `within_days`
 * days)) and "events" (how many events of type `then_type` fall in the
 * windows). The window starts at the first event's occurred_at, included
 * (so with `then_type` equal to `first_type` the first event itself is in
 * it), and ends exactly within_days * 24 hours later, excluded; events
 * before it or after it do not count. Times are occurred_at, not when an
 * event was appended. `within_days` is 1 to 36,500, else
 * CRM_E_INVALID_ARGUMENT. */
CRM_API int crm_cohort(crm_rows** out, crm_db* db, const char* first_type,
                       const char* then_type, uint32_t within_days, int bucket);

/* ------------------------------------------------------------------------ */
/* Erasure: removing a person for good                                      */
/* ------------------------------------------------------------------------ */

/*
 * Delete or erase. crm_customer_delete() ends a customer relationship: the
 * record goes, while its history and events stay readable for audit. Use it
 * for the everyday "this is no longer a customer". crm_customer_erase()
 * forgets a person, as a data-protection erasure request (GDPR Art. 17)
 * requires: use it when the person's data must be gone. It cannot be
 * undone. A customer deleted earlier can still be erased (its history and
 * events then go): that is how a host erases someone it deleted before.
 *
 * What an erase removes, in one transaction (all of it or, on failure,
 * nothing):
 *  - the customer's record and its search-index entry;
 *  - every event of the customer: its interactions, with their properties
 *    and idempotency keys, and the history of its record (crm.record.*);
 *  - every reference to it: a reference field of another customer that
 *    points at it (also an archived or required one) is cleared, as an
 *    update of that customer by `actor`: its version grows and its history
 *    records the change (the reason is in the tombstone).
 * What it leaves:
 *  - a tombstone, the event "crm.record.erased" on the erased id: channel
 *    "crm", the actor, the time it was recorded, and the properties
 *    {"reason": ...}; no personal data. crm_event_follow() returns it in
 *    seq order, so that a mirror of the log (an integrator's copy, a backup
 *    pruner) learns which ids to erase in its own copies; the erased
 *    events are gone from the feed. Afterwards crm_event_timeline() of the
 *    id shows only the tombstone; crm_customer_get(), crm_customer_get_at()
 *    and crm_field_timeline_get() answer CRM_E_NOT_FOUND, as for an id that
 *    never existed; queries and searches find nothing of the person. The
 *    id is never handed out again.
 *  - the names libcrm interns: actors, sources, channels and event types
 *    (they name the host's users and systems, not the people it serves;
 *    a host must not put personal data in them), field definitions, and
 *    segments' filters (a segment whose filter names the person keeps
 *    naming them: delete or change it).
 * Bytes. In a file every connection overwrites what it deletes (SQLite's
 * secure_delete, which libcrm turns on for every write: values replaced by
 * earlier updates are zeroed too; a file written by an older libcrm may
 * keep such values in free pages until they are reused), and each
 * erase call rewrites the full-text index once, so that no index segment
 * keeps the person's words; the removed bytes then remain only in the
 * write-ahead log until crm_checkpoint() truncates it, or the last
 * connection to the file closes (which removes the log). On PostgreSQL see
 * "Backends: what differs": dead row versions until VACUUM, and the
 * server's WAL, replicas and backups.
 * Beyond libcrm's reach: every copy the host made (backups, exports, its
 * own logs, caches and mirrors): follow the tombstones to erase those.
 *
 * Cost: in a file the index rewrite reads and writes the whole search
 * index, which grows with the customers' text: measured at 0.08 s for
 * 10,000 customers (1.1 MB of index segments) and 0.4 to 0.8 s for 100,000
 * (11 MB), the bulk of an erase. Erase many people in one call
 * (crm_customer_erase_where) to pay it once. The rest is proportional to
 * what the person holds: removing a person with 10,000 events from a file
 * of 1,000,000 events took 0.04 s, plus 0.15 s to commit. PostgreSQL
 * rewrites no index (its VACUUM, in crm_checkpoint, reads the tables).
 */

/* What an erase keeps or adds besides removing (flags of
 * crm_erase_options). */
enum {
  CRM_ERASE_KEEP_HELD = 1,     /* keep data under a legal hold in a stub */
  CRM_ERASE_OVERRIDE_HOLD = 2, /* erase held data too (the host decided so) */
  CRM_ERASE_SUPPRESS = 4       /* keep keyed hashes of email and phone */
};

typedef struct crm_erase_options {
  uint32_t struct_size; /* sizeof(crm_erase_options); set by _INIT */
  /* Who asked; kept in the tombstone (UTF-8, at most 255 bytes). NULL:
   * "api". */
  const char* actor;
  /* Why, kept in the tombstone: a ticket or request number, never
   * personal data (UTF-8, at most 1,000 bytes). NULL: "". */
  const char* reason;
  int flags; /* CRM_ERASE_* bits */
} crm_erase_options;

#define CRM_ERASE_OPTIONS_INIT \
  { sizeof(crm_erase_options), NULL, NULL, 0 }

/* Fills `options` with the values of CRM_ERASE_OPTIONS_INIT; as
 * crm_open_options_init(). */
CRM_API int crm_erase_options_init(crm_erase_options* options,
                                   size_t struct_size);

/*
 * Erases customer `id` (see above) and returns a receipt: JSON text into
 * *out_receipt_json, which the caller frees with crm_string_free(). The
 * keys come in this order (later releases may add keys at the end):
 *
 *   {"erased_ids":[17],"tombstones":[4711],
 *    "removed":{"customers":1,"events":12,"history_events":5,
 *               "idempotency_keys":3,"search_entries":1,
 *               "references_cleared":2},
 *    "kept":[],"suppressed":0}
 *
 * erased_ids: the ids erased, ascending; tombstones: the seq of each one's
 * tombstone, aligned with them. removed: customers (records removed: 0 for
 * a customer deleted earlier), events (interactions), history_events
 * (crm.record.* events), idempotency_keys (of the events removed),
 * search_entries (index entries removed), references_cleared (other
 * customers whose reference fields were cleared). kept: what a legal hold
 * kept (CRM_ERASE_KEEP_HELD), one object per customer,
 * {"customer_id":17,"stub_id":90,"held_until":<UTC us>,"fields":["tax_id"],
 * "events":4}; suppressed: hashes kept (CRM_ERASE_SUPPRESS).
 *
 * Legal hold (see "Retention and legal hold"): when the customer holds data
 * under a hold, an erase that did not choose fails with CRM_E_CONSTRAINT,
 * rule "hold", naming the first held field ("" when only events are held),
 * and changes nothing. CRM_ERASE_KEEP_HELD moves the held data to a stub
 * first and erases the rest; CRM_ERASE_OVERRIDE_HOLD erases it all.
 * Suppression (see "Suppression"): CRM_ERASE_SUPPRESS keeps keyed hashes of
 * the record's standard email and phone, in the same transaction; a
 * customer deleted before the erase has no record left, so nothing of it
 * is suppressed (suppressed 0): suppress it with crm_suppression_add().
 *
 * `options` may be NULL for the defaults (CRM_ERASE_OPTIONS_INIT).
 * Errors: CRM_E_NOT_FOUND when `id` is no customer and no deleted one with
 * history (an id erased before: only its tombstone remains, there is
 * nothing to erase); CRM_E_INVALID_ARGUMENT with rule "out", "id",
 * "struct_size", "utf8" (an actor that is not UTF-8), "actor" (over 255
 * bytes), "reason" (not UTF-8, or over 1,000 bytes) or "flags" (unknown
 * bits, or both CRM_ERASE_KEEP_HELD and CRM_ERASE_OVERRIDE_HOLD);
 * CRM_E_CONSTRAINT rule "hold" (above); CRM_E_READ_ONLY. Inside a host
 * transaction the erase is part of it (and its bytes go only once it commits).
 */
CRM_API int crm_customer_erase(char** out_receipt_json, crm_db* db, int64_t id,
                               const crm_erase_options* options);

/*
 * Erases every customer matching the query's filter (target
 * CRM_QUERY_CUSTOMERS, its parameters bound; select, sort, paging and
 * groups are ignored), in one transaction: all of them or none. The search
 * index is rewritten once for all of them. One receipt as for
 * crm_customer_erase(), with the counts summed; references between the
 * customers erased are not counted as cleared. An empty filter is refused
 * (CRM_E_INVALID_ARGUMENT, rule "filter": to erase every customer, say so,
 * e.g. "id > 0"); a filter matching nobody erases nothing and succeeds.
 * Errors as crm_customer_erase() and crm_query_count(), and
 * CRM_E_INVALID_ARGUMENT rule "query" (NULL, or not a customer query).
 */
CRM_API int crm_customer_erase_where(char** out_receipt_json, crm_db* db,
                                     const crm_query* query,
                                     const crm_erase_options* options);

/*
 * The backend's upkeep after an erase. In a file: moves every committed
 * change into the file and truncates its write-ahead log to zero bytes, so
 * that erased bytes are gone from both; CRM_E_BUSY when another connection
 * (another handle, another process) still reads or writes the file after
 * the busy timeout: the log is then not truncated (part of it may have
 * been copied into the file); try again once that connection is done. On
 * PostgreSQL: VACUUM of libcrm's tables (see "Backends: what differs").
 * An in-memory workspace has nothing to do. Errors: CRM_E_MISUSE inside a
 * host transaction (crm_begin), CRM_E_READ_ONLY on a workspace opened
 * read-only; on PostgreSQL CRM_E_IO, rule "server", when the role may not
 * vacuum libcrm's tables.
 */
CRM_API int crm_checkpoint(crm_db* db);

/* ------------------------------------------------------------------------ */
/* Retention and legal hold                                                 */
/* ------------------------------------------------------------------------ */

/*
 * Retention: an event type may be kept for a period. crm_event_type_define()
 * takes "retention_days": N (1 to 36,500): an event of the type is removed
 * by crm_retention_apply() once now_us >= occurred_at + N days. Types
 * starting with "crm." (the history) cannot be defined, so history is never
 * removed by retention; only erasure removes it.
 *
 * Legal hold: some data must outlive an erasure (an invoice kept 10 years
 * for tax). A field definition (crm_field_define, crm_field_update; standard
 * fields too, except the read-only created_at and updated_at) takes
 * "hold_days": N: an erased customer's value of the field is kept N days
 * from the erasure ("hold_days": 0 in an update ends the hold for later
 * erasures). An event type takes "hold_days": N with "held_properties":
 * [names of its properties]: an erased customer's events of the type are
 * kept until occurred_at + N days, with only the held properties (the
 * others are removed from them). Periods are 1 to 36,500 days; a bad one is
 * CRM_E_VALIDATION naming the key ("retention_days", "hold_days",
 * "held_properties") with rule CRM_RULE_RETENTION or CRM_RULE_HOLD (a held
 * property that is not one of the type's properties, or held_properties
 * without hold_days; CRM_RULE_DISTINCT for one listed twice); a property's
 * own definition takes no hold_days. crm_field_describe() and
 * crm_field_list() show "hold_days" (0 for none).
 *
 * A stub: erasing a customer who has held data, when the host chooses to
 * keep it, moves what is held to a stub, a new customer record under an id
 * never used before, with no stored link to the erased id (its seqs and
 * times sit beside the erasure's in the log: that much an auditor with the
 * whole log can tell). The stub holds only the held fields' values; it is
 * not in the search index (crm_customer_search never finds it; queries and
 * crm_customer_get do); its history starts with one "crm.record.created"
 * event at the erasure's time, by the erasure's actor, holding those
 * values; the erasure's reason is not copied (it may name the person: it
 * stays in the erasure's tombstone). The held events are relinked to the
 * stub with their seq, times, type, channel, actor and source, only their
 * held properties and no idempotency key. The stub is held until the last
 * of its holds ends (the longest field hold from the erasure, and the
 * latest occurred_at + hold_days of its events); crm_customer_held_until()
 * tells a stub from other customers and when its hold ends. Its held
 * events are removed as their own holds end, and the stub with everything
 * left on it when its hold ends, both by crm_retention_apply(). Retention
 * periods do not apply to a stub's events while the stub is held. A stub
 * can be updated (a correction) and deleted like any customer; deleted with
 * crm_customer_delete(), its history (the held values) stays until the
 * hold ends, when crm_retention_apply() removes it too.
 */

/*
 * Applies every retention and hold period at `now_us`, the host's clock
 * (UTC microseconds; a time in the years 0001 to 9999, else
 * CRM_E_INVALID_ARGUMENT, rule "now_us"): removes the events of types with
 * "retention_days" whose period ended (of customers that are not stubs),
 * the events on stubs whose type's "hold_days" ended, and the stubs whose
 * hold ended with their remaining events (history included); a removed
 * stub leaves a tombstone ("crm.record.erased" by actor "retention",
 * reason "legal hold ended", at `now_us`), as an erase does, so that
 * followers of the log erase their copies. History events of other
 * customers are never removed. All in one write: on failure
 * nothing is removed. Idempotent: a later call with the same or an earlier
 * `now_us` removes nothing more (the host's clock may step back). There are
 * no background threads: the host schedules the call (e.g. daily). A
 * removed event's idempotency key goes with it: appending the key again
 * stores a new event. Seqs of removed events are not reused.
 *
 * What goes is gone as erasure makes it gone: in a file the freed pages
 * are overwritten (SQLite's secure_delete) and the write-ahead log holds
 * the old pages until a checkpoint; on PostgreSQL rows stay as dead row
 * versions until VACUUM, and in the server's WAL, replicas and backups (see
 * "Backends: what differs"). A workspace with a million events scans its
 * log once per type with a period (no index by type).
 *
 * *out_json receives a report, free with crm_string_free():
 *   {"events_removed": N, "by_type": {"page.view": N, ...},
 *    "stubs_removed": K, "stub_events_removed": M}
 * events_removed counts the events removed because their type's period
 * ended, by_type the same by type name (every type with a retention or
 * hold period is listed, with 0 when none of its events went; keys in byte
 * order), stubs_removed the stubs removed, stub_events_removed the events
 * those stubs still held. Later releases may add keys at the end.
 */
CRM_API int crm_retention_apply(char** out_json, crm_db* db, int64_t now_us);

/* When the legal hold of stub `id` ends (UTC microseconds) in *out_us, or 0
 * when customer `id` is not a stub. CRM_E_NOT_FOUND when there is no such
 * customer. */
CRM_API int crm_customer_held_until(int64_t* out_us, crm_db* db, int64_t id);

/* ------------------------------------------------------------------------ */
/* Suppression: not taking an erased person back by accident                */
/* ------------------------------------------------------------------------ */

/*
 * A workspace can keep a list of suppressed email addresses and phone
 * numbers: a person who was erased (or whom the host suppresses without
 * erasing, e.g. after an objection to processing) is not taken back by a
 * later import or create. While an email or phone number is suppressed,
 * every customer write that sets a field of type "email" or "phone" to it
 * fails with CRM_E_CONSTRAINT, rule CRM_RULE_SUPPRESSED ("suppressed"),
 * naming the field (e.g. "email"), and changes nothing:
 * crm_customer_create(), crm_customer_update() (only when the value
 * changes: a customer that already holds a suppressed value keeps it and
 * can be updated otherwise), crm_customer_upsert(), and each row of
 * crm_customer_write_batch() in CRM_BATCH_CREATE and CRM_BATCH_UPSERT
 * mode, which reports that row as rejected with the same status, field and
 * rule, while the other rows are still checked and reported; the batch
 * stays all or nothing. The message says that a person with this email (or
 * phone number) was erased and suppressed; it never holds the stored hash.
 * Events, field changes and reads are not affected.
 *
 * What is kept. Nothing readable: per value one keyed hash,
 * HMAC-SHA256(key, kind || normalised value), with the kind (email or
 * phone), the version of the normalisation that made it and the time it
 * was added. The key is 32 random bytes made for the workspace with its
 * first suppression and stored in the same workspace (the file, or the
 * workspace's rows on PostgreSQL); it never leaves libcrm and differs
 * between workspaces, so the same address hashes differently in each and
 * two workspaces' lists cannot be joined. What it cannot promise: the key
 * lives beside the hashes, so whoever holds the workspace (a copy of the
 * file, a database dump) can test a guessed address or number against the
 * list, as libcrm itself does; only the addresses and numbers nobody
 * guesses stay unknown. Phone numbers, having few digits, are easier to
 * guess than addresses. crm_workspace_copy() moves the key and the list
 * (into a workspace that has no key of its own yet), and
 * crm_workspace_checksum() covers both.
 *
 * Normalisation (version 1): an email is trimmed of ASCII white space and
 * lower-cased in ASCII, as the email field compares values for
 * uniqueness ("Ada@Example.com " is "ada@example.com"); a phone number
 * keeps its digits only, and a '+' when it is the first character other
 * than white space ("+47 (22) 33-44.55" is "+4722334455"). Issue #24 brings
 * E.164 numbers through libphonenumber, which will make the phone
 * normalisation stricter (e.g. "0047..." read as "+47..."): each hash
 * stores the normalisation version that made it, and a value is tested
 * under every version the library knows (only version 1 today), so hashes
 * stored before stay valid and are never rewritten.
 *
 * Refusing is the only reaction today. Accepting the write and flagging
 * the record instead (as an option per write) needs the versioned write
 * options and result that issues #21 and #24 bring (crm_write_options and
 * the result object of the _v2 writes); it will come with them.
 *
 * Erasure (crm_customer_erase with CRM_ERASE_SUPPRESS) suppresses the
 * person's email and phone in the same transaction as it removes them.
 * Each call below runs in one transaction (or inside the host's, see
 * crm_begin()), on both backends alike.
 */

/* Suppresses an email address and/or a phone number: either may be NULL,
 * not both (CRM_E_INVALID_ARGUMENT, rule "email"). An email that is empty
 * once normalised is CRM_E_INVALID_ARGUMENT rule "email"; a phone number
 * without a digit, rule "phone". Suppressing what is already suppressed
 * changes nothing and succeeds. Customers that already hold the value keep
 * it: suppression stops new writes only. */
CRM_API int crm_suppression_add(crm_db* db, const char* email,
                                const char* phone);

/* *out_suppressed is 1 when the given email or phone number (either may be
 * NULL, not both) is suppressed, else 0. Arguments as for
 * crm_suppression_add(). */
CRM_API int crm_suppression_check(int* out_suppressed, crm_db* db,
                                  const char* email, const char* phone);

/* Takes back the suppression of the given email and/or phone number
 * (either may be NULL, not both), e.g. after the person came back and
 * consented: later writes may set them again. Removes the hashes of every
 * normalisation version. CRM_E_NOT_FOUND when none of them was suppressed
 * (nothing changes). */
CRM_API int crm_suppression_remove(crm_db* db, const char* email,
                                   const char* phone);

/* The number of suppressed values (emails and phone numbers) in *out. */
CRM_API int crm_suppression_count(int64_t* out, crm_db* db);

/* ------------------------------------------------------------------------ */
/* Export of everything held on one person                                  */
/* ------------------------------------------------------------------------ */

/*
 * Everything libcrm holds on one customer, for a data subject's request of
 * access or portability (GDPR Art. 15 and 20), as one JSON document into
 * *out_json (UTF-8, compact, keys in a fixed order; free with
 * crm_string_free()). Read in one snapshot, so the parts agree with each
 * other (within crm_begin() on PostgreSQL each read sees what other writers
 * committed meanwhile: see "Backends: what differs"); events are read in
 * pages, so a customer with 100,000 events exports (measured: 0.4 s, 23 MB
 * of JSON; memory: about twice the document). The shape, format version 1,
 * is documented key by key in docs/customer-export.md:
 *
 *   {"format": "libcrm.customer_export", "version": 1,
 *    "exported_at": <UTC us>, "customer_id": 17,
 *    "record": {"version": 3, "created_at": <us>, "updated_at": <us>,
 *               "fields": [{"name": "email", "label": "Email",
 *                           "group": "standard", "type": "email",
 *                           "status": "active", "value": "ada@..."}, ...]},
 *    "history": [{"seq": 5, "type": "crm.record.updated",
 *                 "recorded_at": <us>, "occurred_at": <us>,
 *                 "actor": "alice", "source": null,
 *                 "before": {"email": "..."}, "after": {...}}, ...],
 *    "events": [{"seq": 9, "type": "order.placed", "channel": "web",
 *                "occurred_at": <us>, "recorded_at": <us>, "actor": null,
 *                "source": "shop", "idempotency_key": "o-1",
 *                "properties": {"amount": "12.50"}}, ...],
 *    "segments": ["vip"], "segments_failed": [],
 *    "markers": {"deleted": false, "erased": null, "merged_into": null,
 *                "merged": []}}
 *
 * "record" holds every field with a value, archived ones too (by name, with
 * label, group, type and status "active" or "archived"); it is null when
 * the customer was deleted or erased. "history" holds every change of the
 * record (created, updated, deleted) and "events" every other event of the
 * customer, both by seq; history names a field deleted since by the name it
 * had. "segments" lists the customer segments whose filter matches the
 * customer now; a segment whose filter cannot run is listed in
 * "segments_failed" with its error instead, and never fails the export.
 * Values are written as crm_rows_encode_json() writes them (decimals and
 * dates as strings, datetimes as integer microseconds); text that is
 * absent (an event without a channel, actor, source or key) is null.
 * Everything but "exported_at" is the same in two exports of an unchanged
 * workspace, and in exports of a workspace and of its crm_workspace_copy()
 * on the other backend (except "segments" of a filter with a relative time,
 * "within last 30 days", as time passes). The export holds nothing of other
 * customers except their ids where the customer's own reference fields (and its
 * events' properties, as the host wrote them) name them. Later releases
 * only add keys at the end of an object (readers ignore keys they do not
 * know); a changed meaning raises "version".
 *
 * A deleted customer exports its history and events with "deleted": true;
 * an erased one exports the erasure's tombstone as "erased" ({"seq",
 * "erased_at", "actor", "reason"}). CRM_E_NOT_FOUND when the workspace
 * holds neither a record nor an event of `id` (it never existed);
 * CRM_E_INVALID_ARGUMENT for `id` <= 0 (rule "id") or a NULL out_json (rule
 * "out_json"). The export is a copy outside libcrm: erasing the customer
 * later does not reach it.
 */
CRM_API int crm_customer_export(char** out_json, crm_db* db, int64_t id);

/* ------------------------------------------------------------------------ */
/* Access profiles and restricted handles                                   */
/* ------------------------------------------------------------------------ */

/*
 * An access profile says what a restricted handle may see and change. The
 * host holds the unrestricted handle (crm_open, crm_open_url), which manages
 * profiles, and hands restricted handles (crm_db_restrict) to its users,
 * departments, partners or plug-ins. No call on a restricted handle returns
 * an unrestricted one, changes a profile, or reaches data its profile does
 * not grant, directly or by inference (counts, sorts, search, the feed).
 *
 * A profile is an allow-list, stored in the workspace, defined in JSON:
 *
 *   {"name": "front_desk",
 *    "fields": {"phone": "masked", "balance": "hidden"},
 *    "groups": {"contact": "read_write", "standard": "read_only"},
 *    "events": [{"type": "appointment", "access": "append"},
 *               {"channel": "phone", "access": "read"}],
 *    "scope": "owner = :actor",
 *    "operations": ["bulk_export"]}
 *
 * "fields" and "groups" (by a field's group: standard fields are in group
 * "standard" until crm_field_update moves one; "" is the group of
 * user-defined fields defined without one) give each field one of
 * "read_write", "read_only", "masked"
 * (read masked, never written, never compared), "masked_match" (masked,
 * and comparable by equality of the whole value: = != in) or "hidden". A
 * field's own rule wins over its group's; a field named by neither is
 * hidden, so new fields take their group's rule. id is always readable;
 * created_at and updated_at follow their own rules like any field. Fields
 * a definition names must exist when it is defined; one deleted later is
 * ignored. A hidden field does not exist for a restricted handle:
 * crm_field_list leaves it out and crm_field_describe fails with
 * CRM_E_NOT_FOUND as for an unknown field. Masks, by field type: text keeps its
 * first character ("A***"), email its domain ("***@example.com"), phone its
 * last 4 digits ("***1234"), numbers, decimals, dates, datetimes, booleans,
 * choices and lists become "***" (text). A null value stays null (the mask
 * shows that a field is empty).
 *
 * "events" rules each name a "type", a "channel" or both, with "access"
 * "hidden", "read" or "append" (read and append). The most specific rule
 * wins (type and channel, then type, then channel); an event no rule names
 * is hidden. History events (types "crm.record.*") follow the field rules
 * instead: each shows only the changes of fields the profile reads (masked
 * ones masked); a created or deleted one is always shown, an updated one
 * only when it changed a field the profile reads. Where a field rule and an
 * event rule disagree, the stricter holds (an events rule hiding a
 * crm.record type hides those events whatever the fields). The
 * crm.record.erased tombstones of erased customers reach profiles without a
 * scope only (a scoped profile cannot tell whether the id was in it).
 *
 * "scope" (optional) is a customer filter (the filter language) with
 * `:actor` bound to the handle's actor. Customers outside it behave as if
 * absent: CRM_E_NOT_FOUND by id, left out of queries, counts, aggregates,
 * search, timelines and the feed. A create or update through the handle
 * whose result falls outside the scope fails with CRM_E_DENIED, rule
 * "scope". The scope is written by the host and may name fields the
 * profile hides. crm_customer_get_at, crm_field_timeline_get,
 * crm_customer_export and crm_customer_held_until treat a customer outside
 * the scope, or a deleted one, as absent; crm_event_timeline of a customer
 * outside the scope is the empty page of a missing one (a profile without a
 * scope sees the events of deleted customers, as an unrestricted handle
 * does). A reference field written through the handle may name only
 * customers in its scope (another id fails as a missing one would).
 *
 * "operations" grants what a restricted handle is otherwise denied
 * (CRM_E_DENIED, rule "operation"): "delete" (crm_customer_delete, which
 * removes values the profile may not see), "erase" (crm_customer_erase*),
 * "define_fields" (crm_field_* changes, of fields the profile writes, and
 * never a new name or group: CRM_E_DENIED, rules "not_writable" and
 * "operation"), "define_event_types",
 * "retention" (crm_retention_apply), "suppression" (crm_suppression_add
 * and _remove), "segments" (crm_segment_save and _delete), "bulk_export",
 * "import", "dump", "backup", "merge" (for calls of later releases). Profile
 * management (crm_profile_*), crm_db_restrict, crm_workspace_copy,
 * crm_workspace_checksum, crm_checkpoint and crm_query_explain (a plan
 * names the scope and the stored columns) are never allowed on a restricted
 * handle.
 *
 * On a restricted handle: reads return only the fields the profile reads
 * (masked ones masked); writing a field it does not grant read_write fails
 * with CRM_E_DENIED, rule "not_writable", naming the field; a filter, sort
 * key, group key, aggregate, cohort, segment or select that names a hidden
 * field fails with CRM_E_DENIED, rule "hidden" (a silently empty answer
 * would leak it through counts), one that compares a masked field other
 * than by whole-value equality where "masked_match" allows it with rule
 * "masked"; full-text search matches only the text of fields it reads
 * unmasked; a customer's version and updated_at are those of the last
 * change the profile can see, so a change of hidden fields only shows no
 * bump: expected_version arguments are compared with that visible version
 * and the versions returned are visible ones. On a profile that hides any
 * field, updated_at cannot be filtered, sorted, grouped or aggregated on
 * (rule "hidden"): it moves with hidden changes. "search matches" in a
 * filter is refused (rule "hidden", field "search") unless the profile
 * reads every textual field unmasked; crm_customer_search returns its
 * matches by ascending id, not by rank (the rank weighs hidden text).
 * crm_customer_get_by_external_id and crm_customer_get_by_email by a field
 * the profile hides fail with rule "hidden" (one it masks without
 * "masked_match": rule "masked"). crm_segment_list leaves out segments
 * whose filter names a hidden field; crm_cohort needs both types readable
 * on every channel (rule "hidden", naming the type).
 *
 * Events on a restricted handle: crm_event_get of an event the profile does
 * not show fails as for a missing seq; crm_event_timeline whose `types`
 * (`channels`) names one that no event the profile shows can have fails
 * with rule "hidden", naming it, while an event-target query whose filter
 * names a hidden type matches nothing of it; event-target queries leave out
 * history events; crm_event_follow returns only the events the profile
 * shows, reading past the others up to the high-water mark, so that a page
 * shorter than `limit` means nothing visible lies between its last event
 * and the mark. crm_event_high_water is the mark of the whole log: it
 * reveals how many seqs the workspace has used, not what they hold. An
 * append needs "append" on the event's type and channel (rule "append",
 * naming the type) and a customer in scope (else CRM_E_NOT_FOUND as for a
 * missing customer). Whatever is written through the handle records the
 * handle's actor (per-call actor arguments are ignored) and the source
 * "profile:<name>". crm_event_type_define needs "define_event_types".
 *
 * Unique fields reveal that a value is taken, as in any system with unique
 * keys: a create through a restricted handle whose email is taken fails
 * with CRM_E_CONSTRAINT whether or not the holder is in scope (the error
 * names neither the holder nor its id). So do idempotency keys: an append
 * whose key an event the handle cannot see holds fails with
 * CRM_E_CONSTRAINT, rule "unique", field "idempotency_key" (naming neither
 * that event nor its seq); one held by an event it sees returns that
 * event's seq as a duplicate. An upsert whose external_id is held by a
 * customer outside the scope fails with CRM_E_CONSTRAINT, rule "unique",
 * and changes nothing. docs/access-profiles.md has the threat model.
 */

/* Defines or replaces the profile `definition_json` names. Unrestricted
 * handles only (CRM_E_DENIED, rule "operation", on a restricted one).
 * CRM_E_VALIDATION, rule "profile" (the message names the key), for a bad
 * definition: unknown keys, modes, operations or fields, a scope filter that
 * does not check. Handles restricted to a replaced profile apply the new
 * definition from their next call. */
CRM_API int crm_profile_define(crm_db* db, const char* definition_json);
/* The stored definition of profile `name` as JSON (free with
 * crm_string_free), in its canonical form: every key present (name, fields,
 * groups, events, scope, operations), fields and groups by name, events by
 * type then channel, operations in the order listed above; defining it
 * again gives the same profile. CRM_E_NOT_FOUND, rule "profile", when there
 * is none. */
CRM_API int crm_profile_get(char** out_json, crm_db* db, const char* name);
/* The names of every profile, as a JSON array of strings, by name. */
CRM_API int crm_profile_list(char** out_json, crm_db* db);
/* Drops profile `name`; calls on handles restricted to it then fail with
 * CRM_E_DENIED, rule "profile". CRM_E_NOT_FOUND, rule "profile", when there
 * is none. */
CRM_API int crm_profile_drop(crm_db* db, const char* name);

/* A handle on the same workspace restricted to profile `profile`, acting as
 * `actor` (bound to `:actor` in the profile's scope, recorded on what it
 * writes; NULL or "" is "api"). Free it with crm_close(): it shares the
 * workspace, which stays open until its last handle is closed. Thread-safety
 * as any crm_db. `db` must be unrestricted (CRM_E_DENIED, rule "operation"
 * otherwise); CRM_E_NOT_FOUND, rule "profile", for an unknown profile. */
CRM_API int crm_db_restrict(crm_db** out_view, crm_db* db, const char* profile,
                            const char* actor);
/* The profile `db` is restricted to ("" for an unrestricted handle), owned
 * by the handle; NULL for a NULL handle. */
CRM_API const char* crm_db_profile(const crm_db* db);

/* ------------------------------------------------------------------------ */
/* Data in and out: import, bulk export, dump and load, backup and verify   */
/* ------------------------------------------------------------------------ */

/*
 * Four kinds of moving data, kept apart by name (crm_customer_export above
 * is a fifth: everything held on one person):
 *  - crm_import: customers or events from CSV or JSON Lines files, as a
 *    spreadsheet, an old CRM or an ERP writes them, through a mapping;
 *  - crm_export: customers or events to CSV or JSON Lines, for reports,
 *    mirrors and the next system (a bulk export);
 *  - crm_dump and crm_load: the whole workspace as one stream of crm.proto
 *    messages, every id kept, to move it (between backends too) or keep it;
 *  - crm_backup, crm_restore and crm_verify: a consistent copy taken while
 *    the workspace is in use, put back into a new workspace, and checked.
 *
 * Files are named by path (UTF-8). Every call streams: memory does not grow
 * with the file or the workspace. A call that writes a file writes it
 * beside `path` and renames it over `path` when complete, so a failed or
 * cancelled call leaves no half file (and a file at `path` as it was).
 */

/* A host's progress callback: `items` done so far (rows of an import or
 * export, customers and events of a dump or load, pages of a file backup),
 * `bytes` of the file read or written so far, and `bytes_total` the size of
 * the file read (-1 when unknown, as for a file being written). Called on
 * the calling thread, between batches (at least once per 10,000 items or
 * 1 MiB, and once at the end); it must not call libcrm on the same handle.
 * Return 0 to go on; anything else stops the call, which fails with
 * CRM_E_CANCELLED as described by each call. */
typedef int (*crm_progress_fn)(void* context, int64_t items, int64_t bytes,
                               int64_t bytes_total);

/* What an import or export reads or writes. */
enum {
  CRM_DATA_CUSTOMERS = 1, /* customer records */
  CRM_DATA_EVENTS = 2     /* events of the log */
};

/* File formats of import and export. */
enum {
  CRM_FORMAT_AUTO = 0, /* by the file name: .jsonl or .ndjson JSON Lines,
                          anything else CSV */
  CRM_FORMAT_CSV = 1,  /* RFC 4180 CSV: a header row names the columns */
  CRM_FORMAT_JSONL = 2 /* JSON Lines: one JSON object per line */
};

typedef struct crm_import_options {
  uint32_t struct_size; /* sizeof(crm_import_options); set by _INIT */
  int target;           /* CRM_DATA_CUSTOMERS or CRM_DATA_EVENTS */
  int format;           /* CRM_FORMAT_* */
  /* How columns become fields (see "The mapping" below); NULL or "": every
   * column to the field (or event member) of its name, key external_id
   * when a column maps to it, else email. */
  const char* mapping_json;
  /* Where rejected rows are listed (a CSV file: row, line, column, field,
   * rule, message); NULL: not written (the report still counts them). */
  const char* reject_path;
  /* Nonzero: read, check and write every row in a transaction that is
   * rolled back; the report says what the import would do. */
  int dry_run;
  /* Rows per transaction, 1 to 1,000,000; 0: the whole file in one. */
  int64_t batch_rows;
  const char* actor;        /* recorded on every write; NULL: "import" */
  crm_progress_fn progress; /* NULL: none */
  void* progress_context;   /* passed to `progress` as it is */
  /* CRM_DUPLICATE_CHECK_*: whether duplicate rules look at customer rows
   * (their "import" action). Since 0.3. */
  int duplicate_check;
} crm_import_options;

#define CRM_IMPORT_OPTIONS_INIT                                            \
  {                                                                        \
    sizeof(crm_import_options), CRM_DATA_CUSTOMERS, CRM_FORMAT_AUTO, NULL, \
        NULL, 0, 10000, NULL, NULL, NULL, CRM_DUPLICATE_CHECK_RULES        \
  }

/* Fills `options` with the values of CRM_IMPORT_OPTIONS_INIT; as
 * crm_open_options_init(). */
CRM_API int crm_import_options_init(crm_import_options* options,
                                    size_t struct_size);

/*
 * Imports the customers or events of the file at `path` (options->target).
 *
 * The file. CSV as RFC 4180 has it: a header row, fields quoted with " (a
 * quote doubled inside), newlines inside quoted fields, CRLF or LF line
 * ends, an optional UTF-8 byte-order mark, and a delimiter `,`, `;` or tab
 * (the mapping's "delimiter", else the one of the three the header row
 * uses most outside quotes). JSON Lines: one object per line, keys as
 * column names, blank lines skipped. Text must be UTF-8.
 *
 * The mapping (JSON; every key optional):
 *   {"columns": {"Customer no": "external_id",
 *                "E-mail": "email",
 *                "Joined": {"field": "created_at", "format": "%d.%m.%Y"},
 *                "Balance": {"field": "balance", "decimal": ","},
 *                "Tags": {"field": "tags", "separator": "|"},
 *                "Active": {"field": "active",
 *                           "true": ["ja"], "false": ["nei"]},
 *                "Internal note": null},
 *    "unmapped": "error",
 *    "key": "external_id",
 *    "empty": "keep",
 *    "delimiter": ";",
 *    "customer": {"column": "Customer no", "by": "external_id"},
 *    "type": "call", "channel": "phone"}
 * "columns" maps a column to a field by name (null: the column is not
 * read); a column it does not name maps to the field of its own name, and
 * one naming no field fails the whole call before any row is written
 * ("unmapped": "error", the default; CRM_E_NOT_FOUND, rule
 * "unknown_field", naming the column) or is not read ("ignore"). Per
 * column, how a cell is read, by the field's type: dates and datetimes in
 * libcrm's ISO-8601 text, or in "format" (strftime's conversions: %Y %m %d
 * %H %M %S %z %b ...; a datetime without %z is UTC); decimals with "."
 * (or "decimal": "," and then "." and spaces as thousands separators);
 * lists (tags, multi-choice) as a JSON array, or split on "separator" with
 * each item trimmed; booleans from true/false, yes/no, y/n, 1/0 in any
 * case, or the mapping's own "true" and "false" words; everything else as
 * the record setters take text. In JSON Lines a value of the field's JSON
 * kind (number, true/false, array) is taken as it is; a string is read as
 * a CSV cell would be.
 *
 * Customers: "key" says how a row finds the customer it updates:
 * "external_id" or "email" (an upsert: the customer with that value is
 * updated, else created), or null (every row creates a customer; such an
 * import is not resumable). A row whose key is empty is rejected (rule
 * "required", naming the key). Empty cells ("" in CSV, null or a missing
 * key in JSON Lines) follow "empty": "keep" (the default; the field is
 * left as it is, or takes its default when the row creates) or "clear"
 * (the field is cleared). A column mapped to "created_at" gives a created
 * customer its real start; one mapped to "effective_at" gives the row's
 * valid time, as crm_write_options.effective_at does for a write (see
 * "Valid time").
 * Events: "customer" names the column that finds each row's customer, by
 * "id", "external_id" or "email" (default: a column named customer_id, by
 * id); a row whose customer is not found is rejected (rule "reference",
 * naming the column). Columns map to the event's own members: "type",
 * "channel", "occurred_at", "actor", "source", "idempotency_key" and
 * "properties" (a JSON object), and any other name to a property of that
 * name; "type" and "channel" at the top of the mapping are the values for
 * rows without such a column. A row's idempotency key is its
 * "idempotency_key" cell, else "import:" followed by the first 32 hex
 * digits of the file's SHA-256 and ":" and the row number.
 *
 * Rows. Each row is checked and written as the single-row calls would
 * (field rules, access profile, valid time); a rejected row is counted,
 * listed in the reject file with its row number (1 for the first data
 * row), the line it starts on, the column, field, rule and message, and
 * changes nothing; the other rows import. Rows go in transactions of
 * options->batch_rows. A call that fails as a whole (the file or the
 * mapping unreadable, a storage error, CRM_E_CANCELLED from the progress
 * callback) keeps the batches committed before it; the error says the
 * row it stopped at (crm_last_error_position(): the byte offset in the
 * file). Importing the same file again then completes it: customers are
 * found by their key and a row that changes nothing writes nothing, events
 * by their idempotency key, so that an import killed at any point and run
 * again ends with exactly the rows of one complete import. With
 * batch_rows 0, or inside a host transaction (crm_begin), the import is
 * one transaction: a failed call changes nothing.
 *
 * *out_json (may be NULL; free with crm_string_free) is the report, also
 * for a dry run:
 *   {"rows": 1000, "created": 990, "updated": 4, "unchanged": 2,
 *    "rejected": 4, "warned": 1, "bytes": 81234, "dry_run": false,
 *    "rejects": [{"row": 17, "line": 18, "column": "E-mail",
 *                 "field": "email", "rule": "format", "message": "..."}],
 *    "warnings": [{"row": 40, "line": 41, "candidates": [...]}]}
 * "created" counts customers created or events appended, "updated"
 * customers changed, "unchanged" rows that changed nothing (a customer as
 * stored, an event already in the log); "rejects" lists the first 100.
 * "warned" counts rows written although a duplicate rule's "warn" action
 * flagged them, and "warnings" lists the first 100 with their candidates
 * (as crm_write_result_candidates_json()).
 * A row the file cannot be read past (an unterminated quote, a line that
 * is not a JSON object) is rejected with rule "file"; a file that is not
 * UTF-8, or whose header row is missing or names a column twice, fails the
 * call with CRM_E_INVALID_ARGUMENT, rule "file". CRM_E_NOT_FOUND (rule
 * "path") when the file does not exist; CRM_E_INVALID_ARGUMENT, rule
 * "mapping_json", naming the key at fault, for a mapping libcrm cannot
 * use. On a restricted handle the profile must grant "import" (else
 * CRM_E_DENIED, rule "operation") and rows are written as through the
 * handle (not_writable, scope).
 */
/*
 * Duplicates on import (customers): each row is looked at by the duplicate
 * rules' "import" action, against the workspace and the rows imported
 * before it. A row a "block" rule stops is rejected with rule "duplicate"
 * (its candidates in the reject file's message); a row a "warn" rule
 * flags is written and listed in the report's "warnings". Since 0.3.
 */
CRM_API int crm_import(char** out_json, crm_db* db, const char* path,
                       const crm_import_options* options);

typedef struct crm_export_options {
  uint32_t struct_size; /* sizeof(crm_export_options); set by _INIT */
  int target;           /* CRM_DATA_CUSTOMERS or CRM_DATA_EVENTS */
  int format;           /* CRM_FORMAT_* */
  /* Which rows: a customer filter (customers), an event filter (events),
   * in the filter language; NULL or "": every row. */
  const char* filter;
  /* Which columns, comma-separated names; NULL or "": customers: id and
   * every field the handle reads, by field id; events: every member. */
  const char* fields;
  /* Events: only those that occurred in [from_us, until_us). */
  int64_t from_us;
  int64_t until_us;
  crm_progress_fn progress; /* NULL: none */
  void* progress_context;   /* passed to `progress` as it is */
} crm_export_options;

#define CRM_EXPORT_OPTIONS_INIT                                            \
  {                                                                        \
    sizeof(crm_export_options), CRM_DATA_CUSTOMERS, CRM_FORMAT_AUTO, NULL, \
        NULL, CRM_TIME_MIN, CRM_TIME_MAX, NULL, NULL                       \
  }

/* Fills `options` with the values of CRM_EXPORT_OPTIONS_INIT; as
 * crm_open_options_init(). */
CRM_API int crm_export_options_init(crm_export_options* options,
                                    size_t struct_size);

/*
 * Writes the customers or events that match options->filter to the file
 * at `path` (replaced when complete), by id or seq, read in one snapshot
 * and streamed in pages. *out_rows (may be NULL) is the number of rows.
 * CSV: a header row of the column names, values as crm_import reads them
 * back by default (ISO-8601 dates and datetimes in UTC with microseconds,
 * decimals with ".", booleans true/false, lists as JSON arrays, null as an
 * empty cell), quoted where RFC 4180 needs it, "," between, CRLF line ends.
 * JSON Lines: one object per row with the same keys and the JSON values of
 * crm_record (see "Records"). Event columns: seq, customer_id,
 * occurred_at, recorded_at, type, channel, actor, source, idempotency_key,
 * properties (a JSON object; for crm.record.* history events the changes,
 * as crm_event_timeline shows them). Exporting customers and importing the
 * file into an empty workspace gives every customer the same field values
 * (ids may differ).
 * A column naming no field fails with CRM_E_NOT_FOUND, rule
 * "unknown_field"; a filter as crm_query does. On a restricted handle the
 * profile must grant "bulk_export" (else CRM_E_DENIED, rule "operation");
 * the export holds what the handle reads: masked values masked, customers
 * outside its scope and events it hides left out, a hidden field named in
 * `fields` or the filter refused (rule "hidden"). CRM_E_CANCELLED from the
 * progress callback leaves no file.
 */
CRM_API int crm_export(int64_t* out_rows, crm_db* db, const char* path,
                       const crm_export_options* options);

/* Options of the calls that move a whole workspace (dump, load, backup,
 * restore). */
typedef struct crm_transfer_options {
  uint32_t struct_size;     /* sizeof(crm_transfer_options); set by _INIT */
  crm_progress_fn progress; /* NULL: none */
  void* progress_context;   /* passed to `progress` as it is */
} crm_transfer_options;

#define CRM_TRANSFER_OPTIONS_INIT \
  { sizeof(crm_transfer_options), NULL, NULL }

/* Fills `options` with the values of CRM_TRANSFER_OPTIONS_INIT; as
 * crm_open_options_init(). */
CRM_API int crm_transfer_options_init(crm_transfer_options* options,
                                      size_t struct_size);

/*
 * Writes the whole workspace to the file at `path` (replaced when
 * complete) as a dump: the 8 bytes "CRMDUMP\n", then crm.wire.DumpItem
 * messages (crm.proto), each preceded by its size as a varint, from a
 * DumpHeader (format version 3; crm_load() also reads versions 1 and 2) to a
 * DumpEnd that holds the counts and the crm_workspace_checksum() of what was
 * dumped. It holds everything crm_workspace_copy() keeps (field definitions
 * with deleted ones, customers with ids, versions, times and values, the whole
 * event log with history on both time axes and erasure tombstones, event types,
 * profiles, duplicate rules and settings, segments, legal-hold stubs, the
 * suppression key and list, the merge table with its snapshots, the id
 * counters), and what later releases add in items of their own. Read in one
 * snapshot; writers go on. The dump holds the suppression key: keep it as you
 * keep the workspace. On a restricted handle the profile must grant "dump" and
 * hide, mask and scope nothing (a dump holds everything; else CRM_E_DENIED,
 * rule "operation").
 */
CRM_API int crm_dump(crm_db* db, const char* path,
                     const crm_transfer_options* options);

/*
 * Loads the dump at `path` into `db`, which must be empty as for
 * crm_workspace_copy() (else CRM_E_CONFLICT, rule "target"), in one
 * transaction: every id, version, seq and time as dumped, so that
 * crm_workspace_checksum() of `db` equals the dump's (checked before the
 * load commits), on either backend whatever the dump came from. A dump is
 * untrusted input: a file that does not start as a dump fails with
 * CRM_E_NOT_WORKSPACE, rule "file"; a newer format version with
 * CRM_E_VERSION; a truncated or inconsistent one (items out of order, a
 * value that is not of its field's type, an event of an unknown customer,
 * counts or checksum that differ) with CRM_E_IO, rule "damaged", its
 * byte offset in crm_last_error_position(). On any failure `db` stays
 * empty. Never on a restricted handle (CRM_E_DENIED, rule "operation").
 */
CRM_API int crm_load(crm_db* db, const char* path,
                     const crm_transfer_options* options);

/*
 * A backup of the workspace at `path` (replaced when complete), taken while
 * others read and write it, of one consistent state. A file workspace is
 * copied with SQLite's online backup API into a workspace file (open it as
 * any); an in-memory one too. A workspace on PostgreSQL is written as a
 * dump (crm_dump): operators who back the whole server up with pg_dump or
 * base backups keep every workspace in it, and take crm_backup for one
 * workspace, portable to a file (docs/data-in-out.md says how the two
 * combine). On a restricted handle the profile must grant "backup" and hide,
 * mask and scope nothing (else CRM_E_DENIED, rule "operation").
 */
CRM_API int crm_backup(crm_db* db, const char* path,
                       const crm_transfer_options* options);

/*
 * Restores the backup at `path` (a workspace file or a dump, as
 * crm_backup wrote it, whatever the backend it came from) into `to`,
 * which must be empty as for crm_load(); the content checksum of `to`
 * then equals the backed-up workspace's. A workspace file is opened
 * read-only and checked as crm_open checks any file (CRM_E_NOT_WORKSPACE,
 * rule "schema", and the verifier's message). Never on a restricted handle.
 */
CRM_API int crm_restore(crm_db* to, const char* path,
                        const crm_transfer_options* options);

/*
 * Checks the workspace and reports what it found, as JSON in *out_json
 * (free with crm_string_free), read in one snapshot:
 *   {"ok": false,
 *    "checks": [{"name": "schema", "ok": true, "checked": 31},
 *               {"name": "integrity", "ok": true, "checked": 1},
 *               {"name": "counters", "ok": true, "checked": 3},
 *               {"name": "history", "ok": false, "checked": 5000},
 *               {"name": "match_keys", "ok": true, "checked": 5000},
 *               {"name": "merges", "ok": true, "checked": 12}],
 *    "problems": [{"check": "history", "customer_id": 17,
 *                  "field": "email", "message": "..."}]}
 * "schema": the layout against what libcrm's migrations create (the check
 * crm_open makes); "integrity": the storage's own check (SQLite's
 * integrity_check; on PostgreSQL the workspace's rows against the layout's
 * constraints); "counters": the next customer id, seq and field id above
 * every one stored; "history": every customer's history replays to its
 * stored values (deleted and erased customers to none); "match_keys": every
 * customer's stored match keys are those of its values under the
 * workspace's duplicate settings (crm.h "Duplicates"); "merges": every
 * merged id is no customer, its snapshot parses, and its chain of merges
 * ends at its survivor, a customer (crm.h "Merging customers"). "problems"
 * lists
 * the first 100. CRM_OK whatever it found (read "ok"); an error only when
 * the check itself could not run. Never on a restricted handle.
 */
CRM_API int crm_verify(char** out_json, crm_db* db);

/* ------------------------------------------------------------------------ */
/* Duplicates: match keys, duplicate rules, and finding duplicates          */
/* ------------------------------------------------------------------------ */

/*
 * Match keys. Every write of a customer (create, update, upsert, batch,
 * import, load) keeps the customer's normalised match keys current, from
 * the standard fields kind, name, email, phone and company; deleting or
 * erasing a customer removes them. The kinds:
 *   "email"        the email trimmed and lower-cased; for gmail.com and
 *                  googlemail.com (one mailbox) the dots of the local part
 *                  removed and the domain gmail.com; a "+tag" removed for
 *                  providers that deliver sub-addresses to the same mailbox
 *                  (docs/duplicates.md lists them);
 *   "email_local"  that key's local part: the same person at another domain;
 *   "phone"        E.164 ("+4790000000") through libphonenumber, a number
 *                  without country code read in the workspace's default
 *                  region; one it cannot read keeps its digits ("?90000");
 *   "name"         the name folded (case, accents, punctuation; ø -> o,
 *                  ß -> ss...): a person's with nicknames made canonical
 *                  (bob -> robert) and words sorted ("Doe, Jane" = "Jane
 *                  Doe"); a company's with legal forms left out ("ACME AS" =
 *                  "Acme A/S" = "acme");
 *   "name_token"   each word of the folded name: the index for approximate
 *                  name matching (candidates share a word);
 *   "company"      a person's company folded as a company name.
 * Keys are derived data, rebuilt when the default region changes and when
 * a workspace of an older layout is first opened for writing.
 *
 * Duplicate rules, stored in the workspace (at most 20), say when two
 * customers are probably one. A rule's definition (JSON):
 *   {"name": "same_phone_similar_name",
 *    "applies_to": "person",
 *    "compare": [{"key": "phone"},
 *                {"key": "name", "min_similarity": 0.8},
 *                {"field": "city"}],
 *    "action": "warn",
 *    "actions": {"import": "block", "update": "allow"}}
 * "name": 1 to 64 letters, digits and _ - . (required). "applies_to":
 * "person", "company" or "any" (the default): both customers must be of
 * that kind. "compare": 1 to 8 comparisons, all of which must hold: {"key":
 * K} two equal match keys of kind K ("email", "email_local", "phone",
 * "name", "company"); {"key": "name", "min_similarity": S} names whose
 * similarity (0 to 1: tolerant of typos, word order and nicknames) is at
 * least S (0.5 to 1); {"field": F} equal values of field F (text folded as
 * names are; other types as stored; empty never equal). At least one
 * comparison must be on a key: keys find the candidates. "action": what a
 * write does when the rule finds candidates: "allow" (nothing), "warn"
 * (the write succeeds and returns the candidates) or "block" (the write
 * fails with CRM_E_DUPLICATE and changes nothing); default "warn".
 * "actions" overrides it per operation: "create", "update", "upsert",
 * "batch" (crm_customer_write_batch*) and "import". A rule that compares
 * only names fuzzily finds candidates through the name_token keys; a word
 * held by more than 1,000 customers finds none (too common to tell).
 *
 * Candidates (a write's, an import row's, crm_duplicate_candidates'):
 *   [{"id": 17, "score": 0.93, "rule": "same_phone_similar_name",
 *     "reasons": [{"compare": "phone", "score": 1.0},
 *                 {"compare": "name", "score": 0.86},
 *                 {"compare": "city", "score": 1.0}]}]
 * by score (best first) then id, at most 20; a customer matched by several
 * rules is listed once, with the rule that scores it highest. A score is
 * the mean of the rule's comparisons' scores (1 for an equal key or field,
 * the similarity for a fuzzy name). On a restricted handle only customers
 * in its scope are listed; a "block" rule still blocks for a customer
 * outside it, naming none ("candidates": []), as a unique field does.
 *
 * Rule management and crm_duplicates_find are for unrestricted handles
 * (CRM_E_DENIED, rule "operation", on a restricted one); a rule change is a
 * schema change that other handles apply from their next call.
 */

/* Defines or replaces the rule `definition_json` names. CRM_E_VALIDATION,
 * rule "duplicate", for a bad definition (the message names the key);
 * CRM_E_NOT_FOUND, rule "unknown_field", for a field that does not exist;
 * CRM_E_VALIDATION, rule "max_items", for a 21st rule. */
CRM_API int crm_duplicate_rule_define(crm_db* db, const char* definition_json);
/* The rule `name` in its canonical JSON (every key present, actions for
 * every operation); free with crm_string_free. CRM_E_NOT_FOUND, rule
 * "duplicate", when there is none. */
CRM_API int crm_duplicate_rule_get(char** out_json, crm_db* db,
                                   const char* name);
/* Every rule's canonical definition, as a JSON array, by name. */
CRM_API int crm_duplicate_rule_list(char** out_json, crm_db* db);
/* Drops rule `name`; CRM_E_NOT_FOUND, rule "duplicate", when there is none. */
CRM_API int crm_duplicate_rule_drop(crm_db* db, const char* name);

/* The workspace's duplicate settings, as JSON:
 *   {"default_region": "NO"}
 * "default_region": an ISO 3166 region code libphonenumber knows, in which
 * a phone number without country code is read; "" (the default) for none.
 * Setting it rebuilds every customer's phone key in the same transaction.
 * CRM_E_VALIDATION, rule "duplicate", naming the key, for a bad value;
 * CRM_E_INVALID_ARGUMENT, rule "settings_json", for text that is not a
 * JSON object. */
CRM_API int crm_duplicate_settings_set(crm_db* db, const char* settings_json);
CRM_API int crm_duplicate_settings_get(char** out_json, crm_db* db);

/* The match keys of customer `id`, as JSON: [{"kind": "email", "key":
 * "jane@example.com"}, ...] by kind then key. CRM_E_NOT_FOUND as
 * crm_customer_get. On a restricted handle, keys of fields it hides or
 * masks are left out. */
CRM_API int crm_customer_match_keys(char** out_json, crm_db* db, int64_t id);

/* The duplicate candidates of `record` (a customer as it would be written;
 * its "id" member, if any, is left out of the candidates) under every rule,
 * whatever their actions: a "did you mean" before a create. A record read
 * with crm_customer_get may be passed as it is: its read-only members
 * (created_at, updated_at) are left out. JSON as above, in *out_json (free
 * with crm_string_free); "[]" when none. Nothing is written. */
CRM_API int crm_duplicate_candidates(char** out_json, crm_db* db,
                                     const crm_record* record);

typedef struct crm_duplicate_find_options {
  uint32_t struct_size; /* sizeof(crm_duplicate_find_options); _INIT sets it */
  /* Comma-separated names of the rules to apply; NULL or "": every rule. */
  const char* rules;
  /* The cursor: only pairs whose higher id is above after_id (0: from the
   * start); a page's "next_after_id" continues it. */
  int64_t after_id;
  /* Customers (by id, above after_id) a page covers; 0: all of them. */
  int64_t page_customers;
  crm_progress_fn progress; /* NULL: none; items are customers covered */
  void* progress_context;   /* passed to `progress` as it is */
} crm_duplicate_find_options;

#define CRM_DUPLICATE_FIND_OPTIONS_INIT \
  { sizeof(crm_duplicate_find_options), NULL, 0, 0, NULL, NULL }

/* Fills `options` with the values of CRM_DUPLICATE_FIND_OPTIONS_INIT; as
 * crm_open_options_init(). */
CRM_API int crm_duplicate_find_options_init(crm_duplicate_find_options* options,
                                            size_t struct_size);

/*
 * Finds probable duplicates across the workspace: every pair of customers
 * (a < b) a rule matches, whose b lies in the page (the page_customers
 * customers above after_id, by id), with clusters (the connected groups
 * the page's pairs form). JSON in *out_json (free with crm_string_free):
 *   {"pairs": [{"a": 3, "b": 17, "score": 0.93, "rule": "...",
 *               "reasons": [...]}],
 *    "clusters": [{"ids": [3, 17, 40], "score": 0.9}],
 *    "customers": 50000, "next_after_id": 50123, "skipped_keys": 2}
 * Pairs by b then a; clusters by their lowest id, each with the lowest
 * score among its pairs. "customers": customers the page covered;
 * "next_after_id": the cursor of the next page, 0 when the scan is done;
 * "skipped_keys": keys held by more than 1,000 customers, too common to
 * pair on. With page_customers 0 one call covers the workspace and its
 * clusters are whole; with pages, a cluster whose pairs fall in several
 * pages is listed in each with the members that page's pairs connect. A
 * scan reads one snapshot per page and writes nothing: a page can be asked
 * again, and a scan stopped at any page goes on from its cursor.
 * CRM_E_NOT_FOUND, rule "duplicate", for an unknown rule name;
 * CRM_E_CANCELLED when the progress callback stops it.
 */
CRM_API int crm_duplicates_find(char** out_json, crm_db* db,
                                const crm_duplicate_find_options* options);

/* ------------------------------------------------------------------------ */
/* Merging customers                                                        */
/* ------------------------------------------------------------------------ */

/*
 * A merge makes one customer, the survivor, of it and any number of others
 * (the merged customers, at most 10,000 a call), in one transaction:
 *  - Each merged customer stops being a customer: its record, search entry
 *    and match keys go (its history records a deletion, so reads as of a
 *    time after the merge do not count it), its id is never handed out
 *    again, and a snapshot of its record is kept for crm_customer_unmerge.
 *    Reference fields of other customers that held its id are set to the
 *    survivor's (history records each change).
 *  - The survivor takes its field values by the rules of `options_json`
 *    (below), as an update by `actor` would (version, history, search,
 *    match keys); no duplicate rule looks at the merge.
 *  - Events are not rewritten: each merged customer's events stay under
 *    its id, and the survivor's timeline (crm_event_timeline) holds the
 *    events of every customer merged into it, also through earlier merges.
 *    A merged id's own timeline, history and crm_customer_get_at before
 *    the merge answer as they did.
 *  - A "crm.record.merged" event (channel "crm", by `actor`) is appended
 *    on the survivor with properties {"merged_ids": "3,17" (text), "reason"}
 *    and on each merged customer with {"merge_id", "survivor_id", "reason"};
 *    the survivor's event's seq is the merge's id.
 * Old ids keep working: crm_customer_get of a merged id, and
 * crm_customer_get_by_external_id of a merged customer's external id (when
 * no customer holds it now), return the survivor, with crm_record_merged_id
 * naming the id asked for; an upsert by such an external id updates the
 * survivor (its own external id unchanged). An update, delete, erase, field
 * write or event naming a merged id fails with CRM_E_MERGED, rule "merge",
 * crm_error.survivor_id the survivor: no write lands on a merged id by
 * accident.
 *
 * options_json (NULL or "{}" for the defaults):
 *   {"default": "first_non_empty",
 *    "fields": {"phone": "most_recent", "tags": "union",
 *               "notes": {"value": "text to keep"}}}
 * Rules: "survivor" (the survivor's value, also when empty);
 * "first_non_empty" (the default: the survivor's, else the first merged
 * customer's in the order of merged_ids that holds one); "most_recent" (of
 * the customers holding a value, the one last written); "longest" (the
 * longest text; the first of equals); "sum" (integer and decimal fields);
 * "union" (tags and multiple choice: every item, the survivor's first, no
 * item twice); {"value": v} (v as crm_import reads a JSON Lines cell of
 * the field, null to empty it). Read-only fields keep the survivor's. A
 * bad rule or value: CRM_E_VALIDATION, rule "merge", naming the key.
 *
 * JSON in *out_json (free with crm_string_free):
 *   {"merge_id": 81, "survivor_id": 3, "merged_ids": [17, 40],
 *    "version": 4, "changed_fields": ["phone", "tags"],
 *    "references_moved": 2}
 * Errors: CRM_E_INVALID_ARGUMENT, rule "merged_ids", for an empty list,
 * more than 10,000 ids, an id twice or the survivor among them; rule
 * "options_json", "actor", "reason" (at most 1,000 bytes); CRM_E_NOT_FOUND
 * (field "id") for an id that is no customer; CRM_E_MERGED for one merged
 * already; a survivor's new values that break a field's rule fail as an
 * update would; CRM_E_DENIED on a restricted handle (merging is for
 * unrestricted ones). On failure nothing is written.
 */
CRM_API int crm_customer_merge(char** out_json, crm_db* db, int64_t survivor_id,
                               const int64_t* merged_ids, size_t merged_count,
                               const char* options_json, const char* actor,
                               const char* reason);

/*
 * Undoes merge `merge_id`, at any later time: each customer it merged is a
 * customer again under its id, with its record, external id and field
 * values as they were (its version two more: the merge's deletion and the
 * undo's creation are changes in its history, which reads as of a time
 * between them do not find it in), its search entry and match
 * keys; reference fields that the merge moved to the survivor and that
 * still hold the survivor point at it again; events were never moved, so
 * the split of events is as before. The survivor's fields the merge
 * changed go back to their values before it where they still hold the
 * merge's value; a field changed since keeps its current value and is
 * reported as a conflict. A "crm.record.unmerged" event (properties
 * {"merge_id", "reason"}) is appended on the survivor and on each restored
 * customer. Customers merged into a restored customer by earlier merges
 * follow it again.
 * JSON in *out_json (free with crm_string_free):
 *   {"merge_id": 81, "survivor_id": 3, "restored_ids": [17, 40],
 *    "version": 6, "reverted_fields": ["tags"],
 *    "conflicts": [{"field": "phone", "current": "+4790000001",
 *                   "merged": "+4790000002", "before": "+4790000003"}],
 *    "references_restored": 2, "dropped_field_ids": []}
 * "dropped_field_ids": fields deleted since the merge, whose values the
 * restored customers cannot take back (by field id).
 * Errors: CRM_E_NOT_FOUND, rule "merge", for no such merge (or one undone
 * or erased); CRM_E_CONFLICT, rule "merge", when the survivor was itself
 * merged into another customer since (undo that merge first);
 * CRM_E_CONSTRAINT, rule "unique", naming the field, when a restored
 * customer's unique value is held by another customer now; CRM_E_DENIED on
 * a restricted handle. On failure nothing is written.
 */
CRM_API int crm_customer_unmerge(char** out_json, crm_db* db, int64_t merge_id,
                                 const char* actor, const char* reason);

/*
 * What merges say of id `id`, as JSON in *out_json:
 *   {"id": 17, "merged_into": 3, "survivor_id": 3, "merge_id": 81,
 *    "merged": [{"id": 40, "merge_id": 81, "into": 3}]}
 * "merged_into" (the customer it was merged into), "survivor_id" (where
 * its chain of merges ends) and "merge_id" are null for an id that is not
 * merged; "merged": the ids whose chains end at `id` (when it is a
 * customer), by id. CRM_E_NOT_FOUND, field "id", for an id that is neither
 * a customer nor merged. On a restricted handle, kNotFound for a survivor
 * outside the profile's scope.
 */
CRM_API int crm_customer_merges(char** out_json, crm_db* db, int64_t id);

/* For a record crm_customer_get or crm_customer_get_by_external_id found
 * by following a merge: the merged id (or the id of the customer whose
 * external id matched) it was asked for; 0 otherwise (the record's own id
 * is crm_record_id). */
CRM_API int64_t crm_record_merged_id(const crm_record* record);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CRM_CRM_H_ */
