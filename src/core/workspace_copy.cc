#include "core/workspace_copy.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/query_service.h"
#include "core/schema.h"
#include "store/workspace_copy_seam.h"

namespace crm::core {
namespace {

using store::CustomerRow;
using store::EventRow;
using store::FieldRow;
using store::SqlValue;

// The fields of `rows` that are not deleted, compiled, with no event types:
// the columns a copy reads and the text search indexes come from these
// (not from a session's schema, which may be older than the snapshot).
absl::StatusOr<std::shared_ptr<const Schema>> LiveSchema(
    const std::vector<FieldRow>& rows) {
  std::vector<FieldRow> live;
  for (const FieldRow& row : rows) {
    if (row.status != "deleted") live.push_back(row);
  }
  return Schema::FromRows(live, {}, 0);
}

// The customer columns that hold values (active and archived fields, not
// the read-only bookkeeping ones), by field id.
std::vector<std::string> ValueColumns(const Schema& schema) {
  std::vector<const Field*> fields;
  for (const auto& field : schema.fields()) {
    if (!field->read_only()) fields.push_back(field.get());
  }
  std::sort(fields.begin(), fields.end(),
            [](const Field* a, const Field* b) { return a->id() < b->id(); });
  std::vector<std::string> columns;
  for (const Field* field : fields) columns.push_back(field->column());
  return columns;
}

// A stored customer value is NULL, an integer, a real or text: anything
// else is damage, refused rather than copied.
absl::Status CheckCustomerValues(const Schema& schema,
                                 const std::vector<std::string>& columns,
                                 const CustomerRow& row) {
  if (row.values.size() != columns.size()) {
    return MakeError(ErrorCode::kIo,
                     absl::StrCat("customer ", row.id,
                                  " was read with the wrong number of values"),
                     "", Rule::kDamaged);
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    if (std::holds_alternative<store::Blob>(row.values[i])) {
      const Field* field = schema.FindByColumn(columns[i]);
      std::string name = field != nullptr ? field->name() : columns[i];
      return MakeError(ErrorCode::kIo,
                       absl::StrCat("customer ", row.id, " holds bytes in '",
                                    name, "', which libcrm never writes"),
                       name, Rule::kDamaged);
    }
  }
  return absl::OkStatus();
}

absl::Status NotEmpty(absl::string_view what) {
  return MakeError(
      ErrorCode::kConflict,
      absl::StrCat("the target workspace is not empty: it holds ", what,
                   "; a workspace is copied only into a new one"),
      "", Rule::kTarget);
}

// OK when the target holds nothing but standard fields and has never handed
// out a customer id or seq.
absl::Status CheckEmpty(Session& target, store::WorkspaceCopySeam& seam,
                        const std::vector<FieldRow>& fields) {
  for (const FieldRow& row : fields) {
    if (row.status == "deleted") return NotEmpty("deleted fields");
  }
  CRM_ASSIGN_OR_RETURN(std::vector<store::FieldColumn> columns,
                       ReadFieldColumns(fields));
  for (const store::FieldColumn& column : columns) {
    if (!column.standard) return NotEmpty("user-defined fields");
  }
  store::Backend& backend = target.backend();
  CRM_ASSIGN_OR_RETURN(int64_t customers, backend.CountCustomers());
  if (customers > 0) return NotEmpty("customers");
  CRM_ASSIGN_OR_RETURN(auto events,
                       backend.SelectEventsAfter(target.texts(), 0, 1));
  if (!events.empty()) return NotEmpty("events");
  CRM_ASSIGN_OR_RETURN(auto segments, backend.LoadSegments());
  if (!segments.empty()) return NotEmpty("saved segments");
  CRM_ASSIGN_OR_RETURN(auto event_types, backend.LoadEventTypes());
  if (!event_types.empty()) return NotEmpty("registered event types");
  CRM_ASSIGN_OR_RETURN(auto profiles, backend.LoadProfiles());
  if (!profiles.empty()) return NotEmpty("access profiles");
  CRM_ASSIGN_OR_RETURN(store::IdFloors floors, seam.ReadIdFloors());
  if (floors.customer_id > 0 || floors.seq > 0) {
    return NotEmpty("ids of deleted customers or events");
  }
  return absl::OkStatus();
}

// Writes the source's field rows into the target: standard ones over the
// target's (same id and name, else kConflict), user-defined ones as they
// are. Returns the target's indexes before, by column.
absl::StatusOr<absl::flat_hash_map<std::string, store::ColumnIndex>> CopyFields(
    Session& target, store::WorkspaceCopySeam& seam,
    const std::vector<FieldRow>& target_fields,
    const std::vector<FieldRow>& source_fields) {
  absl::flat_hash_map<int64_t, const FieldRow*> target_by_id;
  for (const FieldRow& row : target_fields) target_by_id[row.id] = &row;
  CRM_ASSIGN_OR_RETURN(std::vector<store::FieldColumn> before,
                       ReadFieldColumns(target_fields));
  absl::flat_hash_map<std::string, store::ColumnIndex> indexes;
  for (const store::FieldColumn& column : before) {
    indexes[column.column] = column.index;
  }
  for (const FieldRow& row : source_fields) {
    auto it = target_by_id.find(row.id);
    const bool standard = it != target_by_id.end() &&
                          it->second->name == row.name &&
                          it->second->column == row.column;
    if (standard) {
      CRM_RETURN_IF_ERROR(target.backend().UpdateField(row));
    } else if (it != target_by_id.end()) {
      return MakeError(
          ErrorCode::kConflict,
          absl::StrCat("field ", row.id, " is '", row.name,
                       "' in the source but the standard field '",
                       it->second->name,
                       "' in the target (workspaces of different libcrm "
                       "versions?)"),
          row.name, Rule::kTarget);
    } else {
      CRM_RETURN_IF_ERROR(seam.InsertUserFieldAsIs(row));
    }
  }
  return indexes;
}

// The columns whose index the source's fields ask for differs from the
// target's.
absl::StatusOr<std::vector<store::FieldColumn>> IndexChanges(
    const std::vector<FieldRow>& live_source_fields,
    const absl::flat_hash_map<std::string, store::ColumnIndex>& before) {
  CRM_ASSIGN_OR_RETURN(std::vector<store::FieldColumn> columns,
                       ReadFieldColumns(live_source_fields));
  std::vector<store::FieldColumn> changes;
  for (const store::FieldColumn& column : columns) {
    auto it = before.find(column.column);
    store::ColumnIndex had =
        it == before.end() ? store::ColumnIndex::kNone : it->second;
    if (had != column.index) changes.push_back(column);
  }
  return changes;
}

absl::Status CopyCustomers(Session& target, store::WorkspaceCopySeam& from,
                           store::WorkspaceCopySeam& to, const Schema& schema) {
  const std::vector<std::string> columns = ValueColumns(schema);
  // Where each value SearchText() reads sits among `columns`.
  absl::flat_hash_map<std::string, size_t> position;
  for (size_t i = 0; i < columns.size(); ++i) position[columns[i]] = i;
  std::vector<size_t> searched;
  for (const std::string& column : schema.stored_columns()) {
    searched.push_back(position.at(column));
  }
  int64_t after = 0;
  while (true) {
    CRM_ASSIGN_OR_RETURN(
        std::vector<CustomerRow> page,
        from.SelectCustomersAfter(columns, after, kCopyPageSize));
    if (page.empty()) return absl::OkStatus();
    for (const CustomerRow& row : page) {
      CRM_RETURN_IF_ERROR(CheckCustomerValues(schema, columns, row));
      if (row.id <= after) {
        return MakeError(ErrorCode::kIo, "customers were read out of order", "",
                         Rule::kDamaged);
      }
      after = row.id;
    }
    CRM_RETURN_IF_ERROR(to.InsertCustomersAsIs(columns, page));
    std::vector<SqlValue> values(searched.size());
    for (const CustomerRow& row : page) {
      for (size_t i = 0; i < searched.size(); ++i) {
        values[i] = row.values[searched[i]];
      }
      CRM_RETURN_IF_ERROR(target.backend().SetSearchText(
          row.id, SearchText(schema, values), /*is_new=*/true));
    }
  }
}

// The interned id of an event's name on the target; 0 for none.
absl::StatusOr<int64_t> NameId(Session& target, const std::string& text) {
  if (text.empty()) return 0;
  return target.Intern(text);
}

absl::Status CopyEvents(Session& source, Session& target,
                        store::WorkspaceCopySeam& to) {
  int64_t after = 0;
  while (true) {
    CRM_ASSIGN_OR_RETURN(std::vector<EventRow> page,
                         source.backend().SelectEventsAfter(
                             source.texts(), after, kCopyPageSize));
    if (page.empty()) return absl::OkStatus();
    std::vector<store::EventIds> ids(page.size());
    for (size_t i = 0; i < page.size(); ++i) {
      const EventRow& row = page[i];
      if (row.seq <= after) {
        return MakeError(ErrorCode::kIo, "events were read out of order", "",
                         Rule::kDamaged);
      }
      after = row.seq;
      CRM_ASSIGN_OR_RETURN(ids[i].type, NameId(target, row.type));
      CRM_ASSIGN_OR_RETURN(ids[i].channel, NameId(target, row.channel));
      CRM_ASSIGN_OR_RETURN(ids[i].actor, NameId(target, row.actor));
      CRM_ASSIGN_OR_RETURN(ids[i].source, NameId(target, row.source));
    }
    CRM_RETURN_IF_ERROR(to.InsertEventsAsIs(page, ids));
  }
}

// Everything CopyWorkspace() writes, in `target`'s write scope, read from
// `source`'s read scope.
// Every legal-hold stub's mark (core/legal_hold.h), with when its hold ends.
absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> Stubs(
    Session& session) {
  CRM_ASSIGN_OR_RETURN(
      std::vector<int64_t> ids,
      session.backend().EndedStubs(std::numeric_limits<int64_t>::max()));
  std::vector<std::pair<int64_t, int64_t>> stubs;
  for (int64_t id : ids) {
    CRM_ASSIGN_OR_RETURN(std::optional<int64_t> until,
                         session.backend().StubHeldUntil(id));
    if (until.has_value()) stubs.emplace_back(id, *until);
  }
  return stubs;
}

absl::Status CopyStubs(Session& source, Session& target) {
  CRM_ASSIGN_OR_RETURN(auto stubs, Stubs(source));
  for (const auto& [id, until] : stubs) {
    CRM_RETURN_IF_ERROR(target.backend().InsertStub(id, until));
  }
  return absl::OkStatus();
}

// The suppression key and every keyed hash (core/suppression.h): the hashes
// are only of use under the key that made them.
absl::Status CopySuppressions(Session& source, Session& target) {
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> key,
                       source.backend().LoadSuppressionKey());
  if (!key.has_value()) return absl::OkStatus();
  CRM_ASSIGN_OR_RETURN(std::string stored,
                       target.backend().StoreSuppressionKey(*key));
  if (stored != *key) {
    return MakeError(ErrorCode::kConflict,
                     "the target workspace has a suppression key of its own: "
                     "copy into a new, empty workspace",
                     "", Rule::kTarget);
  }
  CRM_ASSIGN_OR_RETURN(std::vector<store::SuppressionRow> rows,
                       source.backend().LoadSuppressions());
  for (const store::SuppressionRow& row : rows) {
    CRM_RETURN_IF_ERROR(target.backend().InsertSuppression(row).status());
  }
  return absl::OkStatus();
}

absl::Status CopyInto(Session& source, Session& target) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<store::WorkspaceCopySeam> from,
                       source.backend().CopySeam());
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<store::WorkspaceCopySeam> to,
                       target.backend().CopySeam());
  CRM_ASSIGN_OR_RETURN(std::vector<FieldRow> target_fields,
                       to->LoadAllFields());
  CRM_RETURN_IF_ERROR(CheckEmpty(target, *to, target_fields));
  CRM_ASSIGN_OR_RETURN(std::vector<FieldRow> source_fields,
                       from->LoadAllFields());
  CRM_ASSIGN_OR_RETURN(std::shared_ptr<const Schema> schema,
                       LiveSchema(source_fields));
  CRM_ASSIGN_OR_RETURN(auto indexes,
                       CopyFields(target, *to, target_fields, source_fields));
  target.backend().LayoutChanged();
  std::vector<FieldRow> live;
  for (const FieldRow& row : source_fields) {
    if (row.status != "deleted") live.push_back(row);
  }
  CRM_ASSIGN_OR_RETURN(std::vector<store::FieldColumn> index_changes,
                       IndexChanges(live, indexes));
  if (!index_changes.empty()) CRM_RETURN_IF_ERROR(to->LockForIndexBuilds());
  CRM_RETURN_IF_ERROR(CopyCustomers(target, *from, *to, *schema));
  CRM_RETURN_IF_ERROR(CopyEvents(source, target, *to));
  CRM_ASSIGN_OR_RETURN(auto event_types, source.backend().LoadEventTypes());
  for (const auto& [name, definition] : event_types) {
    CRM_RETURN_IF_ERROR(target.backend().UpsertEventType(name, definition));
  }
  CRM_ASSIGN_OR_RETURN(auto profiles, source.backend().LoadProfiles());
  for (const auto& [name, definition] : profiles) {
    CRM_RETURN_IF_ERROR(target.backend().UpsertProfile(name, definition));
  }
  CRM_ASSIGN_OR_RETURN(auto segments, source.backend().LoadSegments());
  for (const store::SegmentRow& segment : segments) {
    CRM_RETURN_IF_ERROR(target.backend().SaveSegment(segment));
  }
  CRM_RETURN_IF_ERROR(CopyStubs(source, target));
  CRM_RETURN_IF_ERROR(CopySuppressions(source, target));
  CRM_ASSIGN_OR_RETURN(store::IdFloors floors, from->ReadIdFloors());
  CRM_RETURN_IF_ERROR(to->RaiseIdFloors(floors));
  // Indexes after the rows (one build instead of an update per row), and
  // last: on a server, building one locks the customer table shared by all
  // workspaces against writes until the copy commits.
  for (const store::FieldColumn& column : index_changes) {
    CRM_RETURN_IF_ERROR(
        target.backend().SetColumnIndex(column.column, column.index));
  }
  return target.SchemaChanged();
}

// ---- The canonical form ----------------------------------------------------
//
// WorkspaceChecksum() hashes this byte sequence. Every item is a tag byte
// followed by its payload: an integer ('i') as 8 bytes big-endian two's
// complement; text or bytes ('s') as its length (8 bytes big-endian) and
// the bytes; a real ('d') as the 8 bytes of its IEEE-754 bits, big-endian;
// NULL ('n') with no payload. Sections follow in this order, each opened by
// its name as text and closed by the text "end":
//   "libcrm workspace 1"  the form's own name and version;
//   "fields"      every field row by id, deleted ones included: id, name,
//                 column, status, definition (the stored JSON text, which
//                 the core writes the same way on every backend);
//   "customers"   every customer by id: id, version, created_at,
//                 updated_at, then the value of each column of a field
//                 that is not deleted and not read-only, by field id;
//   "events"      every event by seq: seq, customer id, occurred_at,
//                 recorded_at, type, channel, actor, source (as text, ""
//                 for none), idempotency key ("" for none), body (bytes);
//   "event types" by name: name, definition;
//   "segments"    by name: name, target, filter, created_at;
//   "stubs"       legal-hold stubs by id: id, when the hold ends;
//   "suppressions" the suppression key ("" for none), then every keyed
//                 hash by hash: hash, kind, normalisation, created_at.
//   "profiles"    access profiles by name: name, definition (the canonical
//                 JSON ProfileToJson() stores), so that defining, changing
//                 or dropping a profile changes the checksum.
// Out of it: how a backend lays rows out (SQLite's row ids and column
// order, PostgreSQL's workspace id and jsonb form), interned string ids,
// the search index (derived from values), column indexes (derived from
// definitions), the schema generation, and the id counters, which a server
// may advance without storing anything (a rolled-back insert).
class CanonicalHash {
 public:
  CanonicalHash() : context_(EVP_MD_CTX_new()) {
    ok_ = context_ != nullptr &&
          EVP_DigestInit_ex(context_, EVP_sha256(), nullptr) == 1;
  }
  ~CanonicalHash() { EVP_MD_CTX_free(context_); }
  CanonicalHash(const CanonicalHash&) = delete;
  CanonicalHash& operator=(const CanonicalHash&) = delete;

  void Integer(int64_t value) {
    Update("i", 1);
    Word(static_cast<uint64_t>(value));
  }
  void Text(absl::string_view text) {
    Update("s", 1);
    Word(text.size());
    Update(text.data(), text.size());
  }
  void Value(const SqlValue& value) {
    if (const int64_t* integer = std::get_if<int64_t>(&value)) {
      Integer(*integer);
    } else if (const double* real = std::get_if<double>(&value)) {
      uint64_t bits;
      std::memcpy(&bits, real, sizeof bits);
      Update("d", 1);
      Word(bits);
    } else if (const std::string* text = std::get_if<std::string>(&value)) {
      Text(*text);
    } else if (const store::Blob* blob = std::get_if<store::Blob>(&value)) {
      Text(blob->bytes);
    } else {
      Update("n", 1);
    }
  }

  absl::StatusOr<std::string> HexDigest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!ok_ || EVP_DigestFinal_ex(context_, digest, &size) != 1) {
      return MakeError(ErrorCode::kNoMemory,
                       "the SHA-256 digest could not be computed");
    }
    return absl::BytesToHexString(
        absl::string_view(reinterpret_cast<const char*>(digest), size));
  }

 private:
  void Word(uint64_t value) {
    unsigned char bytes[8];
    for (int i = 7; i >= 0; --i, value >>= 8) bytes[i] = value & 0xff;
    Update(bytes, 8);
  }
  void Update(const void* data, size_t size) {
    if (ok_) ok_ = EVP_DigestUpdate(context_, data, size) == 1;
  }

  EVP_MD_CTX* context_;
  bool ok_ = false;
};

absl::Status HashContent(Session& session, CanonicalHash& hash) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<store::WorkspaceCopySeam> seam,
                       session.backend().CopySeam());
  hash.Text("libcrm workspace 1");
  CRM_ASSIGN_OR_RETURN(std::vector<FieldRow> fields, seam->LoadAllFields());
  hash.Text("fields");
  for (const FieldRow& row : fields) {
    hash.Integer(row.id);
    hash.Text(row.name);
    hash.Text(row.column);
    hash.Text(row.status);
    hash.Text(row.definition);
  }
  hash.Text("end");
  CRM_ASSIGN_OR_RETURN(std::shared_ptr<const Schema> schema,
                       LiveSchema(fields));
  const std::vector<std::string> columns = ValueColumns(*schema);
  hash.Text("customers");
  int64_t after = 0;
  while (true) {
    CRM_ASSIGN_OR_RETURN(
        std::vector<CustomerRow> page,
        seam->SelectCustomersAfter(columns, after, kCopyPageSize));
    if (page.empty()) break;
    for (const CustomerRow& row : page) {
      CRM_RETURN_IF_ERROR(CheckCustomerValues(*schema, columns, row));
      after = std::max(after, row.id);
      hash.Integer(row.id);
      hash.Integer(row.version);
      hash.Integer(row.created_at_us);
      hash.Integer(row.updated_at_us);
      for (const SqlValue& value : row.values) hash.Value(value);
    }
  }
  hash.Text("end");
  hash.Text("events");
  after = 0;
  while (true) {
    CRM_ASSIGN_OR_RETURN(std::vector<EventRow> page,
                         session.backend().SelectEventsAfter(
                             session.texts(), after, kCopyPageSize));
    if (page.empty()) break;
    for (const EventRow& row : page) {
      after = std::max(after, row.seq);
      hash.Integer(row.seq);
      hash.Integer(row.customer_id);
      hash.Integer(row.occurred_at_us);
      hash.Integer(row.recorded_at_us);
      hash.Text(row.type);
      hash.Text(row.channel);
      hash.Text(row.actor);
      hash.Text(row.source);
      hash.Text(row.idempotency_key);
      hash.Text(row.body);
    }
  }
  hash.Text("end");
  CRM_ASSIGN_OR_RETURN(auto event_types, session.backend().LoadEventTypes());
  std::sort(event_types.begin(), event_types.end());
  hash.Text("event types");
  for (const auto& [name, definition] : event_types) {
    hash.Text(name);
    hash.Text(definition);
  }
  hash.Text("end");
  CRM_ASSIGN_OR_RETURN(std::vector<store::SegmentRow> segments,
                       session.backend().LoadSegments());
  std::sort(segments.begin(), segments.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  hash.Text("segments");
  for (const store::SegmentRow& segment : segments) {
    hash.Text(segment.name);
    hash.Text(segment.target);
    hash.Text(segment.filter);
    hash.Integer(segment.created_at_us);
  }
  hash.Text("end");
  CRM_ASSIGN_OR_RETURN(auto stubs, Stubs(session));
  hash.Text("stubs");
  for (const auto& [id, until] : stubs) {
    hash.Integer(id);
    hash.Integer(until);
  }
  hash.Text("end");
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> key,
                       session.backend().LoadSuppressionKey());
  CRM_ASSIGN_OR_RETURN(std::vector<store::SuppressionRow> suppressions,
                       session.backend().LoadSuppressions());
  hash.Text("suppressions");
  hash.Text(key.value_or(""));
  for (const store::SuppressionRow& row : suppressions) {
    hash.Text(row.hash);
    hash.Integer(row.kind);
    hash.Integer(row.normalization);
    hash.Integer(row.created_at_us);
  }
  hash.Text("end");
  CRM_ASSIGN_OR_RETURN(auto profiles, session.backend().LoadProfiles());
  std::sort(profiles.begin(), profiles.end());
  hash.Text("profiles");
  for (const auto& [name, definition] : profiles) {
    hash.Text(name);
    hash.Text(definition);
  }
  hash.Text("end");
  return absl::OkStatus();
}

}  // namespace

absl::Status CopyWorkspace(Workspace& to, Workspace& from) {
  if (&to == &from) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a workspace cannot be copied into itself", "", Rule::kTo);
  }
  // The read body may run again in the same snapshot (Workspace::Run); the
  // copy, committed by then, is not made twice.
  bool copied = false;
  return from.Run(store::ScopeKind::kRead, [&](Session& source) {
    if (copied) return absl::OkStatus();
    CRM_RETURN_IF_ERROR(to.Run(store::ScopeKind::kWrite, [&](Session& target) {
      return CopyInto(source, target);
    }));
    copied = true;
    return absl::OkStatus();
  });
}

absl::StatusOr<std::string> WorkspaceChecksum(Workspace& workspace) {
  std::optional<std::string> digest;
  CRM_RETURN_IF_ERROR(
      workspace.Run(store::ScopeKind::kRead, [&](Session& session) {
        CanonicalHash hash;
        CRM_RETURN_IF_ERROR(HashContent(session, hash));
        CRM_ASSIGN_OR_RETURN(digest, hash.HexDigest());
        return absl::OkStatus();
      }));
  return *std::move(digest);
}

}  // namespace crm::core
