#include "core/import/importer.h"

#include <csv.h>
#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/json_text.h"
#include "base/replacing_file.h"
#include "core/access.h"
#include "core/customer_service.h"
#include "core/duplicates/pair_score.h"
#include "core/event_service.h"
#include "core/import/cell_parser.h"
#include "core/import/csv_reader.h"
#include "core/import/import_mapping.h"
#include "core/import/jsonl_reader.h"
#include "core/import/row_source.h"
#include "core/merge/merge_map.h"
#include "core/time_text.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace crm::core::import {
namespace {

// The rows the report lists: rejected, and written with a duplicate
// warning.
constexpr size_t kReportedRejects = 100;
constexpr size_t kReportedWarnings = 100;
constexpr size_t kNoColumn = static_cast<size_t>(-1);

// What a column of the file fills.
enum class Role {
  kSkip,
  kField,        // customers: a field
  kCreatedAt,    // customers: a created customer's start
  kEffectiveAt,  // customers: the row's valid time
  kCustomer,     // events: finds the customer
  kType,
  kChannel,
  kOccurredAt,
  kActor,
  kSource,
  kIdempotencyKey,
  kProperties,  // events: a JSON object of properties
  kProperty,    // events: one property, named spec.field
};

struct Column {
  Role role = Role::kSkip;
  const Field* field = nullptr;  // kField
  ColumnSpec spec;
};

struct Reject {
  int64_t row = 0, line = 0;
  std::string column, field, rule, message;
};

// What a batch did; merged into the totals once it commits.
// A row written although a duplicate rule's "warn" action flagged it.
struct Warning {
  int64_t row = 0, line = 0;
  std::string candidates_json;  // duplicates::CandidatesToJson()
};

struct Counts {
  int64_t rows = 0, created = 0, updated = 0, unchanged = 0;
  std::vector<Reject> rejects;
  std::vector<Warning> warnings;
};

enum class Done { kCreated, kUpdated, kUnchanged };

// A customer found by a key: its id and the version the session sees.
struct Found {
  int64_t id = 0;
  int64_t version = 0;
  // Found by an external id of a customer merged into this one (crm.h
  // "Merging customers"): an update leaves its own external id alone.
  bool through_merge = false;
};

// A row's failure: reported with its column.
struct RowError {
  absl::Status status;
  // The column at fault, by index in RowSource::columns(); kNoColumn: found
  // from the error's field (RejectOf()).
  size_t column = kNoColumn;
  // A column the file does not have (the mapping's customer column).
  std::string missing_column;
};

// The event member a text column of `role` fills.
std::string Event::*TextMember(Role role) {
  switch (role) {
    case Role::kType:
      return &Event::type;
    case Role::kChannel:
      return &Event::channel;
    case Role::kActor:
      return &Event::actor;
    case Role::kSource:
      return &Event::source;
    default:
      return &Event::idempotency_key;
  }
}

bool FailsTheCall(const absl::Status& status) {
  switch (CodeOf(status)) {
    case ErrorCode::kIo:
    case ErrorCode::kNoMemory:
    case ErrorCode::kBusy:
    case ErrorCode::kMisuse:
    case ErrorCode::kInternal:
    case ErrorCode::kUnsupported:
    case ErrorCode::kCancelled:
    case ErrorCode::kNotWorkspace:
    case ErrorCode::kVersion:
    case ErrorCode::kReadOnly:
      return true;
    default:
      return false;
  }
}

bool IsEmpty(const Cell& cell) {
  return cell.kind == Cell::Kind::kAbsent ||
         (cell.kind == Cell::Kind::kText && cell.text.empty());
}

absl::StatusOr<std::string> FileKey(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("cannot open '", path, "'"), "", Rule::kPath);
  }
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context(EVP_MD_CTX_new(),
                                                             EVP_MD_CTX_free);
  bool ok = context != nullptr &&
            EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) == 1;
  std::vector<char> buffer(size_t{1} << 20);
  while (ok) {
    size_t read = std::fread(buffer.data(), 1, buffer.size(), file);
    if (read > 0)
      ok = EVP_DigestUpdate(context.get(), buffer.data(), read) == 1;
    if (read < buffer.size()) {
      ok = ok && !std::ferror(file);
      break;
    }
  }
  std::fclose(file);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!ok || EVP_DigestFinal_ex(context.get(), digest, &size) != 1) {
    return MakeError(ErrorCode::kIo, absl::StrCat("cannot read '", path, "'"),
                     "", Rule::kPath);
  }
  return absl::BytesToHexString(
             absl::string_view(reinterpret_cast<char*>(digest), size))
      .substr(0, 32);
}

// A CSV cell, quoted.
void AppendCsvCell(absl::string_view text, std::string* out) {
  size_t start = out->size();
  out->resize(start + csv_write(nullptr, 0, text.data(), text.size()));
  csv_write(out->data() + start, out->size() - start, text.data(), text.size());
}

// Appends the reject's column, field, rule and message to `out`, each after
// its prefix and written by `append` (a CSV cell, a JSON string).
void AppendRejectTexts(const Reject& reject,
                       const std::array<const char*, 4>& prefixes,
                       void (*append)(absl::string_view, std::string*),
                       std::string* out) {
  const std::string* texts[] = {&reject.column, &reject.field, &reject.rule,
                                &reject.message};
  for (size_t i = 0; i < prefixes.size(); ++i) {
    *out += prefixes[i];
    append(*texts[i], out);
  }
}

class Importer {
 public:
  Importer(Workspace& workspace, const Viewer* viewer,
           const ImportRequest& request)
      : workspace_(workspace),
        viewer_(viewer),
        request_(request),
        progress_(request.progress) {}

  absl::StatusOr<std::string> Run();

 private:
  absl::Status Open();
  // Reads and writes the rows of one batch from `start` on, in `session`.
  // A row refused after it was written (a restricted handle's scope) is
  // added to *unwritable and the batch fails with kAborted, to be rolled
  // back and run again, skipping the rows *unwritable holds.
  absl::Status RunBatch(Session& session, const RowPosition& start,
                        std::map<int64_t, Reject>* unwritable, Counts* counts);
  absl::Status ResolveColumns(Session& session);
  absl::Status ResolveColumn(Session& session, size_t index);
  // Sets *candidates_json to the candidates of a "warn" rule, if any.
  absl::StatusOr<Done> WriteCustomer(Session& session, const SourceRow& row,
                                     RowError* error,
                                     std::string* candidates_json);
  absl::StatusOr<Done> AppendRowEvent(Session& session, const SourceRow& row,
                                      RowError* error);
  // The customer `key` finds (null `field` for ids), as the session sees
  // it; nullopt when there is none.
  absl::StatusOr<std::optional<Found>> FindCustomer(Session& session,
                                                    CustomerBy by,
                                                    const Value& key,
                                                    const Field* field);
  Reject RejectOf(const SourceRow& row, const RowError& error) const;
  absl::Status WriteRejects(const std::vector<Reject>& rejects);
  std::string Report(int64_t bytes) const;

  Workspace& workspace_;
  const Viewer* viewer_;
  const ImportRequest& request_;
  Progress progress_;
  Mapping mapping_;
  std::unique_ptr<RowSource> source_;
  std::optional<ReplacingFile> reject_file_;
  std::string actor_;
  std::string file_key_;         // events: the file's SHA-256, 32 hex digits
  bool single_ = false;          // the whole import in one transaction
  std::vector<Column> columns_;  // resolved in the current batch's schema
  // Customers: the key field (null: none) and its column.
  ImportKey key_ = ImportKey::kNone;
  const Field* key_field_ = nullptr;
  std::optional<size_t> key_column_;
  Counts totals_;
  int64_t rejected_ = 0;
  int64_t warned_ = 0;
};

absl::Status Importer::Open() {
  CRM_ASSIGN_OR_RETURN(mapping_, ParseMapping(request_.mapping_json));
  ImportFormat format = request_.format;
  if (format == ImportFormat::kAuto) {
    std::string lower = absl::AsciiStrToLower(request_.path);
    format = absl::EndsWith(lower, ".jsonl") || absl::EndsWith(lower, ".ndjson")
                 ? ImportFormat::kJsonLines
                 : ImportFormat::kCsv;
  }
  if (format == ImportFormat::kCsv) {
    CRM_ASSIGN_OR_RETURN(source_, OpenCsv(request_.path, mapping_.delimiter));
  } else {
    CRM_ASSIGN_OR_RETURN(source_, OpenJsonLines(request_.path));
  }
  // The file's size, for the host's progress (crm_progress_fn's
  // bytes_total); -1 when it cannot be known (a pipe).
  std::error_code unknown;
  const std::uintmax_t size =
      std::filesystem::file_size(request_.path, unknown);
  progress_.set_bytes_total(unknown ? -1 : static_cast<int64_t>(size));
  CRM_ASSIGN_OR_RETURN(
      actor_, CheckActor(request_.actor.empty() ? "import" : request_.actor));
  if (request_.target == ImportTarget::kEvents) {
    CRM_ASSIGN_OR_RETURN(file_key_, FileKey(request_.path));
  }
  if (request_.reject_path) {
    CRM_ASSIGN_OR_RETURN(ReplacingFile file,
                         ReplacingFile::Create(*request_.reject_path));
    reject_file_.emplace(std::move(file));
    CRM_RETURN_IF_ERROR(
        reject_file_->Write("row,line,column,field,rule,message\r\n"));
  }
  single_ = request_.dry_run || request_.batch_rows == 0 ||
            workspace_.InHostTransaction();
  return absl::OkStatus();
}

absl::Status Importer::ResolveColumn(Session& session, size_t index) {
  const std::string& name = source_->columns()[index];
  Column& column = columns_[index];
  column.spec = mapping_.SpecFor(name);
  if (column.spec.skip) return absl::OkStatus();
  const std::string& field = column.spec.field;
  const bool named = mapping_.columns.contains(name);
  if (request_.target == ImportTarget::kEvents) {
    static const std::map<std::string, Role>& members =
        *new std::map<std::string, Role>{
            {"type", Role::kType},
            {"channel", Role::kChannel},
            {"occurred_at", Role::kOccurredAt},
            {"actor", Role::kActor},
            {"source", Role::kSource},
            {"idempotency_key", Role::kIdempotencyKey},
            {"properties", Role::kProperties}};
    auto member = members.find(field);
    // The customer column: the mapping's "customer" column, or one mapped
    // to customer_id.
    column.role = name == mapping_.customer_column || field == "customer_id"
                      ? Role::kCustomer
                  : member != members.end() ? member->second
                                            : Role::kProperty;
    return absl::OkStatus();
  }
  if (field == "created_at" || field == "effective_at") {
    column.role = field == "created_at" ? Role::kCreatedAt : Role::kEffectiveAt;
    return absl::OkStatus();
  }
  const Field* found = session.schema().Find(field);
  if (found == nullptr) {
    // The id column crm_export writes first: libcrm's own, not read (ids
    // may differ), as the read-only fields below.
    if (!named && field == "id") return absl::OkStatus();
    if (!named && mapping_.ignore_unmapped) return absl::OkStatus();
    return MakeError(
        ErrorCode::kNotFound,
        absl::StrCat("column '", name.substr(0, 64), "' names no field",
                     named ? absl::StrCat(" ('", field.substr(0, 64), "')")
                           : std::string(),
                     "; map it in the mapping's \"columns\", or set "
                     "\"unmapped\": \"ignore\""),
        name.substr(0, 64), Rule::kUnknownField);
  }
  if (found->read_only() && !named) {
    // id, version, updated_at... as crm_export writes them: libcrm's own.
    return absl::OkStatus();
  }
  CRM_ASSIGN_OR_RETURN(std::vector<const Field*> writable,
                       ResolveWritableFields(session.schema(), {field}));
  for (size_t other = 0; other < index; ++other) {
    if (columns_[other].field == found) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          absl::StrCat("mapping_json: columns '",
                       source_->columns()[other].substr(0, 64), "' and '",
                       name.substr(0, 64), "' both map to field '", field, "'"),
          "", Rule::kMappingJson);
    }
  }
  column.role = Role::kField;
  column.field = writable[0];
  if (found == key_field_) key_column_ = index;
  return absl::OkStatus();
}

absl::Status Importer::ResolveColumns(Session& session) {
  columns_.assign(source_->columns().size(), Column());
  key_column_.reset();
  key_field_ = nullptr;
  if (request_.target == ImportTarget::kCustomers) {
    key_ = mapping_.key.value_or(ImportKey::kEmail);
    if (!mapping_.key) {
      for (const std::string& name : source_->columns()) {
        ColumnSpec spec = mapping_.SpecFor(name);
        if (!spec.skip && spec.field == "external_id") {
          key_ = ImportKey::kExternalId;
        }
      }
    }
    if (key_ != ImportKey::kNone) {
      key_field_ = session.schema().Find(
          key_ == ImportKey::kExternalId ? "external_id" : "email");
    }
  }
  for (size_t c = 0; c < columns_.size(); ++c) {
    CRM_RETURN_IF_ERROR(ResolveColumn(session, c));
  }
  return absl::OkStatus();
}

// A merged id names no customer to write to (kMerged, as for any write);
// a merged customer's external id finds its survivor (through_merge), as an
// upsert does.
absl::StatusOr<std::optional<Found>> Importer::FindCustomer(
    Session& session, CustomerBy by, const Value& key, const Field* field) {
  if (by == CustomerBy::kId) {
    CRM_ASSIGN_OR_RETURN(auto merged, merge::FindMerge(session, key.integer));
    if (merged) return merge::MergedError(*merged, "customer_id");
  }
  if (session.access() != nullptr) {
    absl::StatusOr<CustomerRecord> record =
        GetCustomer(session,
                    by == CustomerBy::kId           ? CustomerKey::kId
                    : by == CustomerBy::kExternalId ? CustomerKey::kExternalId
                                                    : CustomerKey::kEmail,
                    key);
    if (CodeOf(record.status()) == ErrorCode::kNotFound) return std::nullopt;
    if (!record.ok()) return record.status();
    return Found{.id = record->id,
                 .version = record->version,
                 .through_merge = record->merged_id != 0};
  }
  store::SqlValue stored = by == CustomerBy::kId ? store::SqlValue(key.integer)
                                                 : store::SqlValue(key.text);
  CRM_ASSIGN_OR_RETURN(
      auto row, session.backend().SelectCustomer(
                    {}, by == CustomerBy::kId ? "id" : field->column(), stored,
                    by == CustomerBy::kEmail));
  if (row) return Found{.id = row->id, .version = row->version};
  if (by != CustomerBy::kExternalId) return std::nullopt;
  CRM_ASSIGN_OR_RETURN(auto merged,
                       session.backend().SelectMergeByExternalId(key.text));
  if (!merged) return std::nullopt;
  CRM_ASSIGN_OR_RETURN(
      row, session.backend().SelectCustomer(
               {}, "id", store::SqlValue(merged->survivor_id), false));
  if (!row) return std::nullopt;
  return Found{.id = row->id, .version = row->version, .through_merge = true};
}

absl::StatusOr<Done> Importer::WriteCustomer(Session& session,
                                             const SourceRow& row,
                                             RowError* error,
                                             std::string* candidates_json) {
  ResolvedValues input;
  WriteTime time;
  time.duplicate_operation = duplicates::Operation::kImport;
  time.skip_duplicate_check = request_.skip_duplicate_check;
  const Value* key = nullptr;
  for (size_t c = 0; c < columns_.size(); ++c) {
    const Column& column = columns_[c];
    if (column.role == Role::kSkip) continue;
    static const Cell kAbsent;
    const Cell& cell = c < row.cells.size() ? row.cells[c] : kAbsent;
    error->column = c;
    if (IsEmpty(cell)) {
      if (column.role == Role::kField && mapping_.clear_empty) {
        input.fields.push_back(column.field);
        input.values.push_back(Value::Null());
      }
      continue;
    }
    if (column.role == Role::kField) {
      absl::StatusOr<Value> value = ParseCell(
          column.field->type(), column.field->name(), column.spec, cell);
      if (!value.ok()) return value.status();
      input.fields.push_back(column.field);
      input.values.push_back(*std::move(value));
      if (column.field == key_field_) key = &input.values.back();
      continue;
    }
    const char* name =
        column.role == Role::kCreatedAt ? "created_at" : "effective_at";
    absl::StatusOr<Value> value =
        ParseCell(FieldType::kDateTime, name, column.spec, cell);
    if (!value.ok()) return value.status();
    if (column.role == Role::kCreatedAt) {
      input.created_at_us = value->integer;
    } else {
      time.effective_at = value->integer;
    }
  }
  // `key` points into input.values, which no longer grows.
  key = nullptr;
  for (size_t i = 0; i < input.fields.size(); ++i) {
    if (input.fields[i] == key_field_) key = &input.values[i];
  }
  std::optional<Found> existing;
  if (key_ != ImportKey::kNone) {
    const char* key_name = key_ == ImportKey::kEmail ? "email" : "external_id";
    error->column = key_column_.value_or(kNoColumn);
    if (key == nullptr || key->kind != ValueKind::kText || key->text.empty()) {
      return MakeError(
          ErrorCode::kValidation,
          absl::StrCat("the row has no ", key_name, ", the import's key"),
          key_name, Rule::kRequired);
    }
    CRM_ASSIGN_OR_RETURN(existing, FindCustomer(session,
                                                key_ == ImportKey::kEmail
                                                    ? CustomerBy::kEmail
                                                    : CustomerBy::kExternalId,
                                                *key, key_field_));
  }
  error->column = kNoColumn;
  if (!existing) {
    CRM_ASSIGN_OR_RETURN(WriteOutcome created,
                         CreateResolved(session, input, time, actor_));
    if (!created.candidates.empty()) {
      *candidates_json = duplicates::CandidatesToJson(created.candidates);
    }
    return Done::kCreated;
  }
  // created_at gives a created customer its start; an update keeps it.
  input.created_at_us.reset();
  if (existing->through_merge) {
    // The survivor keeps its own external id (crm.h "Merging customers").
    for (size_t i = 0; i < input.fields.size(); ++i) {
      if (input.fields[i] != key_field_) continue;
      input.fields.erase(input.fields.begin() + i);
      input.values.erase(input.values.begin() + i);
      break;
    }
  }
  CRM_ASSIGN_OR_RETURN(
      WriteOutcome outcome,
      UpdateResolved(session, existing->id, 0, input, time, actor_));
  if (!outcome.candidates.empty()) {
    *candidates_json = duplicates::CandidatesToJson(outcome.candidates);
  }
  // A row that changes nothing writes nothing and keeps the version.
  return outcome.version == existing->version ? Done::kUnchanged
                                              : Done::kUpdated;
}

absl::StatusOr<Done> Importer::AppendRowEvent(Session& session,
                                              const SourceRow& row,
                                              RowError* error) {
  Event event;
  event.type = mapping_.type;
  event.channel = mapping_.channel;
  event.actor = actor_;
  bool customer_given = false;
  for (size_t c = 0; c < columns_.size(); ++c) {
    const Column& column = columns_[c];
    if (column.role == Role::kSkip) continue;
    static const Cell kAbsent;
    const Cell& cell = c < row.cells.size() ? row.cells[c] : kAbsent;
    if (IsEmpty(cell)) continue;
    error->column = c;
    auto text = [&]() -> absl::StatusOr<std::string> {
      if (cell.kind == Cell::Kind::kText) return cell.text;
      return MakeError(ErrorCode::kValidation,
                       absl::StrCat(column.spec.field, " must be text"),
                       column.spec.field, Rule::kType);
    };
    switch (column.role) {
      case Role::kCustomer: {
        customer_given = true;
        Value key;
        if (mapping_.customer_by == CustomerBy::kId) {
          CRM_ASSIGN_OR_RETURN(
              key,
              ParseCell(FieldType::kInteger, "customer_id", column.spec, cell));
        } else {
          CRM_ASSIGN_OR_RETURN(std::string given, text());
          key = Value::Text(given);
        }
        const Field* field = session.schema().Find(
            mapping_.customer_by == CustomerBy::kEmail ? "email"
                                                       : "external_id");
        CRM_ASSIGN_OR_RETURN(
            std::optional<Found> found,
            FindCustomer(session, mapping_.customer_by, key, field));
        if (!found) {
          return MakeError(
              ErrorCode::kNotFound,
              absl::StrCat("no customer with ",
                           mapping_.customer_by == CustomerBy::kId ? "id"
                           : mapping_.customer_by == CustomerBy::kEmail
                               ? "email"
                               : "external_id",
                           " '", cell.text.substr(0, 64), "'"),
              "customer_id", Rule::kReference);
        }
        event.customer_id = found->id;
        break;
      }
      case Role::kType:
      case Role::kChannel:
      case Role::kActor:
      case Role::kSource:
      case Role::kIdempotencyKey: {
        CRM_ASSIGN_OR_RETURN(event.*TextMember(column.role), text());
        break;
      }
      case Role::kOccurredAt: {
        CRM_ASSIGN_OR_RETURN(
            Value value,
            ParseCell(FieldType::kDateTime, "occurred_at", column.spec, cell));
        event.occurred_at_us = value.integer;
        break;
      }
      case Role::kProperties: {
        google::protobuf::Struct object;
        if (cell.kind == Cell::Kind::kJson &&
            cell.json.kind_case() == google::protobuf::Value::kStructValue) {
          object = cell.json.struct_value();
        } else if (cell.kind != Cell::Kind::kText ||
                   !google::protobuf::util::JsonStringToMessage(cell.text,
                                                                &object)
                        .ok()) {
          return MakeError(ErrorCode::kValidation,
                           "properties must be a JSON object", "properties",
                           Rule::kJson);
        }
        for (const auto& [name, value] : object.fields()) {
          Cell member;
          if (value.kind_case() == google::protobuf::Value::kStringValue) {
            member.kind = Cell::Kind::kText;
            member.text = value.string_value();
          } else {
            member.kind = Cell::Kind::kJson;
            member.json = value;
          }
          event.properties.Set(name, FreeValueOf(member));
        }
        break;
      }
      case Role::kProperty:
        event.properties.Set(column.spec.field, FreeValueOf(cell));
        break;
      default:
        break;
    }
  }
  if (!customer_given) {
    error->missing_column = mapping_.customer_column;
    return MakeError(ErrorCode::kValidation,
                     absl::StrCat("the row has no '", mapping_.customer_column,
                                  "' to find its customer"),
                     "customer_id", Rule::kRequired);
  }
  error->column = kNoColumn;
  if (event.idempotency_key.empty()) {
    event.idempotency_key = absl::StrCat("import:", file_key_, ":", row.at.row);
  }
  CRM_ASSIGN_OR_RETURN(AppendResult appended, AppendEvent(session, event));
  return appended.duplicate ? Done::kUnchanged : Done::kCreated;
}

Reject Importer::RejectOf(const SourceRow& row, const RowError& error) const {
  Reject reject;
  reject.row = row.at.row;
  reject.line = row.at.line;
  reject.column = error.column != kNoColumn ? source_->columns()[error.column]
                                            : error.missing_column;
  reject.field = FieldOf(error.status);
  // A write's error names the field: the column is the one that filled it.
  for (size_t c = 0; reject.column.empty() && c < columns_.size(); ++c) {
    const Column& column = columns_[c];
    if (column.role == Role::kSkip || reject.field.empty()) continue;
    if ((column.field != nullptr && column.field->name() == reject.field) ||
        (column.field == nullptr && column.spec.field == reject.field)) {
      reject.column = source_->columns()[c];
    }
  }
  reject.rule = RuleOf(error.status);
  reject.message = std::string(error.status.message());
  return reject;
}

absl::Status Importer::RunBatch(Session& session, const RowPosition& start,
                                std::map<int64_t, Reject>* unwritable,
                                Counts* counts) {
  CRM_RETURN_IF_ERROR(Access::Require(session.access(), Operation::kImport));
  CRM_RETURN_IF_ERROR(source_->Rewind(start));
  CRM_RETURN_IF_ERROR(ResolveColumns(session));
  SourceRow row;
  while (single_ || counts->rows < request_.batch_rows) {
    absl::StatusOr<bool> more = source_->Next(&row);
    if (!more.ok()) return more.status();
    if (!*more) break;
    ++counts->rows;
    // JSON Lines: keys first seen in this row.
    for (size_t c = columns_.size(); c < source_->columns().size(); ++c) {
      columns_.emplace_back();
      CRM_RETURN_IF_ERROR(
          WithPosition(ResolveColumn(session, c), row.at.offset));
    }
    auto known = unwritable->find(row.at.row);
    if (known != unwritable->end()) {
      counts->rejects.push_back(known->second);
    } else if (!row.unreadable.empty()) {
      counts->rejects.push_back(Reject{.row = row.at.row,
                                       .line = row.at.line,
                                       .column = "",
                                       .field = "",
                                       .rule = "file",
                                       .message = row.unreadable});
    } else {
      RowError error;
      std::string candidates_json;
      absl::StatusOr<Done> done =
          request_.target == ImportTarget::kCustomers
              ? WriteCustomer(session, row, &error, &candidates_json)
              : AppendRowEvent(session, row, &error);
      if (done.ok() && !candidates_json.empty()) {
        counts->warnings.push_back(
            Warning{.row = row.at.row,
                    .line = row.at.line,
                    .candidates_json = std::move(candidates_json)});
      }
      if (done.ok()) {
        if (*done == Done::kCreated) ++counts->created;
        if (*done == Done::kUpdated) ++counts->updated;
        if (*done == Done::kUnchanged) ++counts->unchanged;
      } else {
        error.status = done.status();
        if (FailsTheCall(error.status) || !session.backend().InTransaction()) {
          return WithPosition(error.status, row.at.offset);
        }
        Reject reject = RejectOf(row, error);
        if (RuleIdOf(error.status) == Rule::kScope) {
          // Refused after it was written: the batch is rolled back and
          // run again without it.
          (*unwritable)[row.at.row] = std::move(reject);
          return absl::AbortedError("a row to skip");
        }
        counts->rejects.push_back(std::move(reject));
      }
    }
    CRM_RETURN_IF_ERROR(WithPosition(
        progress_.Update(totals_.rows + counts->rows, source_->bytes()),
        row.at.offset));
  }
  return absl::OkStatus();
}

absl::Status Importer::WriteRejects(const std::vector<Reject>& rejects) {
  for (const Reject& reject : rejects) {
    if (totals_.rejects.size() < kReportedRejects) {
      totals_.rejects.push_back(reject);
    }
    ++rejected_;
    if (!reject_file_) continue;
    std::string line = absl::StrCat(reject.row, ",", reject.line, ",");
    AppendRejectTexts(reject, {"", ",", ",", ","}, AppendCsvCell, &line);
    line += "\r\n";
    CRM_RETURN_IF_ERROR(reject_file_->Write(line));
  }
  return absl::OkStatus();
}

std::string Importer::Report(int64_t bytes) const {
  std::string out = absl::StrCat(
      "{\"rows\":", totals_.rows, ",\"created\":", totals_.created,
      ",\"updated\":", totals_.updated, ",\"unchanged\":", totals_.unchanged,
      ",\"rejected\":", rejected_, ",\"warned\":", warned_,
      ",\"bytes\":", bytes,
      ",\"dry_run\":", request_.dry_run ? "true" : "false", ",\"rejects\":[");
  for (size_t i = 0; i < totals_.rejects.size(); ++i) {
    const Reject& reject = totals_.rejects[i];
    absl::StrAppend(&out, i > 0 ? "," : "", "{\"row\":", reject.row,
                    ",\"line\":", reject.line);
    AppendRejectTexts(
        reject, {",\"column\":", ",\"field\":", ",\"rule\":", ",\"message\":"},
        AppendJsonString, &out);
    out += "}";
  }
  out += "],\"warnings\":[";
  for (size_t i = 0; i < totals_.warnings.size(); ++i) {
    const Warning& warning = totals_.warnings[i];
    absl::StrAppend(&out, i > 0 ? "," : "", "{\"row\":", warning.row,
                    ",\"line\":", warning.line,
                    ",\"candidates\":", warning.candidates_json, "}");
  }
  out += "]}";
  return out;
}

absl::StatusOr<std::string> Importer::Run() {
  CRM_RETURN_IF_ERROR(Open());
  RowPosition start = source_->next();
  while (true) {
    // Rows refused after they were written (out of a restricted handle's
    // scope), which the batch skips when it runs again.
    std::map<int64_t, Reject> unwritable;
    size_t skipped = 0;
    Counts counts;
    while (true) {
      counts = Counts();
      bool ran_to_end = false;
      absl::Status status = workspace_.Run(
          store::ScopeKind::kWrite,
          [&](Session& session) -> absl::Status {
            CRM_RETURN_IF_ERROR(RunBatch(session, start, &unwritable, &counts));
            if (single_) {
              // The one transaction's last report: a cancel undoes it all.
              CRM_RETURN_IF_ERROR(
                  WithPosition(progress_.Finish(counts.rows, source_->bytes()),
                               source_->bytes()));
            }
            ran_to_end = true;
            // A dry run's one transaction is rolled back on purpose.
            if (request_.dry_run) return absl::AbortedError("dry run");
            return absl::OkStatus();
          },
          viewer_);
      if (ran_to_end && (status.ok() || request_.dry_run)) break;
      if (!ran_to_end && status.code() == absl::StatusCode::kAborted &&
          unwritable.size() > skipped) {
        skipped = unwritable.size();
        continue;
      }
      return status;
    }
    totals_.rows += counts.rows;
    totals_.created += counts.created;
    totals_.updated += counts.updated;
    totals_.unchanged += counts.unchanged;
    CRM_RETURN_IF_ERROR(WriteRejects(counts.rejects));
    warned_ += static_cast<int64_t>(counts.warnings.size());
    for (Warning& warning : counts.warnings) {
      if (totals_.warnings.size() >= kReportedWarnings) break;
      totals_.warnings.push_back(std::move(warning));
    }
    if (single_ || counts.rows < request_.batch_rows) break;
    start = source_->next();
  }
  int64_t bytes = source_->bytes();
  if (!single_) {
    CRM_RETURN_IF_ERROR(
        WithPosition(progress_.Finish(totals_.rows, bytes), bytes));
  }
  if (reject_file_) CRM_RETURN_IF_ERROR(reject_file_->Commit());
  return Report(bytes);
}

}  // namespace

absl::StatusOr<std::string> Import(Workspace& workspace, const Viewer* viewer,
                                   const ImportRequest& request) {
  Importer importer(workspace, viewer, request);
  return importer.Run();
}

}  // namespace crm::core::import
