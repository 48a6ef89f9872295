#include "core/export/exporter.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/utf8.h"
#include "core/access.h"
#include "core/event_service.h"
#include "core/export/export_columns.h"
#include "core/query_service.h"
#include "core/time_text.h"
#include "core/value_json.h"

namespace crm::core {
namespace {

// Rows per page of the query; a page's records are dropped once written.
constexpr int64_t kPageRows = 1000;
// The buffer of written rows goes to the file from this size on.
constexpr size_t kFlushBytes = size_t{1} << 20;

// Parameter names of the time range added to an events filter; a host's
// filter cannot use them, as it is checked without parameters first.
constexpr char kFromParameter[] = "export_from_us";
constexpr char kUntilParameter[] = "export_until_us";

// The query of `request`: the host's filter, and for events the time range.
absl::StatusOr<QueryRequest> QueryOf(Session& session,
                                     const ExportRequest& request,
                                     const ExportColumns& columns) {
  QueryRequest query;
  query.target = request.target;
  query.filter = request.filter;
  query.include_archived = columns.include_archived;
  query.select = columns.select;
  query.page_size = kPageRows;
  bool from = request.from_us > kMinDateTimeUs;
  bool until = request.until_us <= kMaxDateTimeUs;
  if (request.target != QueryTarget::kEvents || (!from && !until)) {
    return query;
  }
  // The host's filter alone first, so that its errors point into it.
  CRM_RETURN_IF_ERROR(session.filters()
                          .Check(session.schema(), query.target, request.filter,
                                 {}, query.include_archived, NowMicros(),
                                 session.access())
                          .status());
  std::string range;
  if (from) {
    range = absl::StrCat("occurred_at >= :", kFromParameter);
    query.params.Set(kFromParameter, Value::DateTime(request.from_us));
  }
  if (until) {
    absl::StrAppend(&range, from ? " and " : "",
                    "occurred_at < :", kUntilParameter);
    query.params.Set(kUntilParameter, Value::DateTime(request.until_us));
  }
  bool filtered = !absl::StripAsciiWhitespace(request.filter).empty();
  query.filter =
      filtered ? absl::StrCat("(", request.filter, ") and ", range) : range;
  return query;
}

// An event's "properties" column: its properties as one JSON object, and
// for a history event (crm.record.created, updated, deleted) the changes
// as crm_event_before() and crm_event_after() give them, with the end of
// a correction's valid time.
absl::Status AppendPropertiesJson(Session& session, int64_t seq,
                                  std::string* json) {
  CRM_ASSIGN_OR_RETURN(Event event, GetEvent(session, seq));
  json->clear();
  if (event.type != kRecordCreated && event.type != kRecordUpdated &&
      event.type != kRecordDeleted) {
    AppendRecordValuesJson(event.properties, json);
    return absl::OkStatus();
  }
  json->append("{\"before\":");
  AppendRecordValuesJson(event.before, json);
  json->append(",\"after\":");
  AppendRecordValuesJson(event.after, json);
  if (event.valid_until_us != INT64_MAX) {
    absl::StrAppend(json, ",\"valid_until\":", event.valid_until_us);
  }
  json->push_back('}');
  return absl::OkStatus();
}

// The rows written so far to the new file, which is made when the first
// page has been read (a bad filter fails before any file is touched).
class Output {
 public:
  Output(const std::string& path, std::unique_ptr<RowWriter> writer,
         const ProgressFn& report)
      : path_(path), writer_(std::move(writer)), progress_(report) {}

  RowWriter& writer() { return *writer_; }

  absl::Status Open() {
    if (file_ != nullptr) return absl::OkStatus();
    CRM_ASSIGN_OR_RETURN(ReplacingFile file, ReplacingFile::Create(path_));
    file_ = std::make_unique<ReplacingFile>(std::move(file));
    writer_->Start();
    return absl::OkStatus();
  }

  // After each row: the buffer goes to the file when it is large, and the
  // host hears how far the export is.
  absl::Status RowDone() {
    ++rows_;
    if (writer_->buffer().size() >= kFlushBytes) {
      CRM_RETURN_IF_ERROR(Flush());
    }
    return progress_.Update(rows_, Bytes());
  }

  absl::StatusOr<ExportedFile> Finish() {
    CRM_RETURN_IF_ERROR(Open());
    CRM_RETURN_IF_ERROR(Flush());
    CRM_RETURN_IF_ERROR(progress_.Finish(rows_, Bytes()));
    return ExportedFile{std::move(file_), rows_};
  }

 private:
  int64_t Bytes() const {
    return file_->size() + static_cast<int64_t>(writer_->buffer().size());
  }

  absl::Status Flush() {
    std::string& buffer = writer_->buffer();
    // Stored text is untrusted: the file must be UTF-8 a reader can decode.
    // The buffer holds whole rows, so whole characters.
    if (!IsValidUtf8(buffer)) {
      return DamagedValue(absl::StrCat("a row before row ", rows_ + 1,
                                       " holds stored text that is not UTF-8"));
    }
    CRM_RETURN_IF_ERROR(file_->Write(buffer));
    buffer.clear();
    return absl::OkStatus();
  }

  const std::string& path_;
  std::unique_ptr<RowWriter> writer_;
  Progress progress_;
  std::unique_ptr<ReplacingFile> file_;
  int64_t rows_ = 0;
};

}  // namespace

absl::StatusOr<ExportedFile> WriteExport(Session& session,
                                         const ExportRequest& request,
                                         const std::string& path,
                                         const ProgressFn& report) {
  CRM_RETURN_IF_ERROR(
      Access::Require(session.access(), Operation::kBulkExport));
  CRM_ASSIGN_OR_RETURN(ExportColumns columns,
                       ExportColumnsOf(session.schema(), request.target,
                                       request.fields, session.access()));
  CRM_ASSIGN_OR_RETURN(QueryRequest query, QueryOf(session, request, columns));
  Output output(path, MakeRowWriter(request.format, columns.names), report);
  RowWriter& writer = output.writer();
  const Value null_value;
  std::string properties;
  while (true) {
    CRM_ASSIGN_OR_RETURN(QueryPage page, RunQuery(session, query));
    CRM_RETURN_IF_ERROR(output.Open());
    for (const CustomerRecord& row : page.rows) {
      size_t next = 0;
      for (size_t i = 0; i < columns.names.size(); ++i) {
        if (i == columns.properties) {
          CRM_RETURN_IF_ERROR(
              AppendPropertiesJson(session, row.id, &properties));
          writer.JsonCell(properties);
          continue;
        }
        const Value* value = row.Get(columns.names[i], &next);
        writer.Cell(value != nullptr ? *value : null_value);
      }
      writer.EndRow();
      CRM_RETURN_IF_ERROR(output.RowDone());
    }
    if (page.next_cursor.empty()) break;
    query.cursor = std::move(page.next_cursor);
  }
  return output.Finish();
}

}  // namespace crm::core
