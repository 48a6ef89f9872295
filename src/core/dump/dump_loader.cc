#include "core/dump/dump_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/utf8.h"
#include "core/access.h"
#include "core/dump/content_hash.h"
#include "core/dump/content_target.h"
#include "core/dump/dump.h"
#include "core/dump/dump_writer.h"
#include "core/dump/stored_value.h"
#include "core/duplicates/duplicate_rule.h"
#include "core/duplicates/duplicate_settings.h"
#include "core/event_service.h"
#include "core/field.h"
#include "core/schema.h"
#include "core/time_text.h"
#include "core/wire.h"
#include "core/workspace_copy.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl.h"

namespace crm::core {
namespace {

using store::CustomerRow;
using store::EventRow;
using store::FieldRow;

// The largest item a loader reads (an event body is at most 1 MiB; a
// customer holds at most 1,000 user fields).
constexpr uint32_t kMaxItemBytes = 64u << 20;
// Names of event types, profiles and segments.
constexpr size_t kMaxDefinitionNameBytes = 255;
// A suppression key is 32 bytes (at most one SHA-256 block); a keyed hash
// 32.
constexpr size_t kMaxSuppressionKeyBytes = 64;
constexpr size_t kSuppressionHashBytes = 32;
constexpr char kHistoryPrefix[] = "crm.record.";

// The items of a dump in their order; a phase may hold many items or one.
enum class Phase {
  kHeader,
  kFields,
  kColumns,
  kCustomers,
  kEvents,
  kEventTypes,
  kProfiles,
  kDuplicateRules,
  kDuplicateSettings,
  kSegments,
  kStubs,
  kSuppressionKey,
  kSuppressions,
  kMerges,
  kFloors,
  kEnd,
};

bool IsSingle(Phase phase) {
  return phase == Phase::kHeader || phase == Phase::kColumns ||
         phase == Phase::kDuplicateSettings ||
         phase == Phase::kSuppressionKey || phase == Phase::kFloors ||
         phase == Phase::kEnd;
}

absl::StatusOr<Phase> PhaseOf(const wire::DumpItem& item) {
  switch (item.item_case()) {
    case wire::DumpItem::kHeader:
      return Phase::kHeader;
    case wire::DumpItem::kField:
      return Phase::kFields;
    case wire::DumpItem::kColumns:
      return Phase::kColumns;
    case wire::DumpItem::kCustomer:
      return Phase::kCustomers;
    case wire::DumpItem::kEvent:
      return Phase::kEvents;
    case wire::DumpItem::kEventType:
      return Phase::kEventTypes;
    case wire::DumpItem::kProfile:
      return Phase::kProfiles;
    case wire::DumpItem::kDuplicateRule:
      return Phase::kDuplicateRules;
    case wire::DumpItem::kDuplicateSettings:
      return Phase::kDuplicateSettings;
    case wire::DumpItem::kSegment:
      return Phase::kSegments;
    case wire::DumpItem::kStub:
      return Phase::kStubs;
    case wire::DumpItem::kSuppressionKey:
      return Phase::kSuppressionKey;
    case wire::DumpItem::kSuppression:
      return Phase::kSuppressions;
    case wire::DumpItem::kMerge:
      return Phase::kMerges;
    case wire::DumpItem::kFloors:
      return Phase::kFloors;
    case wire::DumpItem::kEnd:
      return Phase::kEnd;
    case wire::DumpItem::ITEM_NOT_SET:
      break;
  }
  return MakeError(ErrorCode::kIo, "an item of no known kind", "",
                   Rule::kDamaged);
}

// Errors a bad file can cause in the sink, which are damage of the dump
// (the sink was checked empty before the first item, so a conflict is the
// file's too: a standard field it names otherwise); the rest (a cancel,
// storage trouble) stay as they are.
bool IsDamage(const absl::Status& status) {
  switch (CodeOf(status)) {
    case ErrorCode::kBusy:
    case ErrorCode::kNoMemory:
    case ErrorCode::kCancelled:
    case ErrorCode::kIo:
    case ErrorCode::kReadOnly:
    case ErrorCode::kMisuse:
    case ErrorCode::kDenied:
      return false;
    default:
      return true;
  }
}

// The file, read item by item; offsets count from its first byte.
class DumpFile {
 public:
  ~DumpFile() {
    stream_.reset();
    if (fd_ >= 0) close(fd_);
  }

  absl::Status Open(const std::string& path) {
    path_ = path;
    fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      const int error = errno;
      return MakeError(error == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                       absl::StrCat("the dump '", path,
                                    "' cannot be read: ", std::strerror(error)),
                       "", Rule::kPath);
    }
    struct stat info;
    if (fstat(fd_, &info) == 0 && S_ISREG(info.st_mode)) size_ = info.st_size;
    stream_.emplace(fd_);
    return absl::OkStatus();
  }

  int64_t size() const { return size_; }
  int64_t offset() const { return stream_->ByteCount(); }

  // OK when the file starts with the magic; else kNotWorkspace, rule
  // "file".
  absl::Status ReadMagic() {
    std::string magic;
    bool read;
    {
      google::protobuf::io::CodedInputStream coded(&*stream_);
      read = coded.ReadString(&magic, kDumpMagicSize);
    }
    CRM_RETURN_IF_ERROR(ReadError());
    if (!read || magic != absl::string_view(kDumpMagic, kDumpMagicSize)) {
      return MakeError(ErrorCode::kNotWorkspace,
                       absl::StrCat("'", path_,
                                    "' is not a libcrm dump (it does not "
                                    "start with CRMDUMP)"),
                       "", Rule::kFile);
    }
    return absl::OkStatus();
  }

  // The next item; false at the end of the file.
  absl::StatusOr<bool> Next(wire::DumpItem& item) {
    item.Clear();
    const int64_t start = offset();
    bool ended = false, read = false;
    uint32_t size = 0;
    {
      google::protobuf::io::CodedInputStream coded(&*stream_);
      const void* data;
      int available;
      if (!coded.GetDirectBufferPointer(&data, &available)) {
        ended = true;
      } else if (coded.ReadVarint32(&size) && size <= kMaxItemBytes) {
        auto limit = coded.PushLimit(static_cast<int>(size));
        read = item.ParseFromCodedStream(&coded) &&
               coded.ConsumedEntireMessage() && coded.BytesUntilLimit() == 0;
        coded.PopLimit(limit);
      }
    }
    CRM_RETURN_IF_ERROR(ReadError());
    if (ended) return false;
    if (size > kMaxItemBytes) {
      return Damaged(start, absl::StrCat("an item of ", size,
                                         " bytes, more than a dump holds"));
    }
    if (!read) {
      return Damaged(start,
                     "the file ends inside an item, or an item is not a "
                     "crm.wire.DumpItem");
    }
    return true;
  }

  static absl::Status Damaged(int64_t offset, absl::string_view message) {
    return WithPosition(MakeError(ErrorCode::kIo,
                                  absl::StrCat("the dump is damaged at byte ",
                                               offset, ": ", message),
                                  "", Rule::kDamaged),
                        offset);
  }

 private:
  absl::Status ReadError() const {
    if (stream_->GetErrno() == 0) return absl::OkStatus();
    return MakeError(ErrorCode::kIo,
                     absl::StrCat("the dump '", path_, "' cannot be read: ",
                                  std::strerror(stream_->GetErrno())),
                     "", Rule::kPath);
  }

  std::string path_;
  int fd_ = -1;
  int64_t size_ = -1;
  std::optional<google::protobuf::io::FileInputStream> stream_;
};

// Checks the items and hands them to the sink, a phase at a time.
class Loader {
 public:
  Loader(DumpFile& file, ContentSink& sink, Progress& progress)
      : file_(file), sink_(sink), progress_(progress) {}

  absl::StatusOr<DumpTotals> Run() {
    CRM_RETURN_IF_ERROR(file_.ReadMagic());
    wire::DumpItem item;
    while (true) {
      item_offset_ = file_.offset();
      CRM_ASSIGN_OR_RETURN(bool more, file_.Next(item));
      if (!more) break;
      if (ended_) return Damaged("an item after the end");
      absl::StatusOr<Phase> phase = PhaseOf(item);
      if (!phase.ok()) return Damaged(phase.status().message());
      if (!seen_header_ && *phase != Phase::kHeader) {
        return Damaged("the file does not start with a dump header");
      }
      CRM_RETURN_IF_ERROR(Advance(*phase));
      CRM_RETURN_IF_ERROR(Take(item));
    }
    if (!ended_) {
      return FileError(file_.offset(),
                       "the file ends before the dump's end (truncated)");
    }
    return totals_;
  }

 private:
  absl::Status Damaged(absl::string_view message) const {
    return DumpFile::Damaged(item_offset_, message);
  }
  static absl::Status FileError(int64_t offset, absl::string_view message) {
    return DumpFile::Damaged(offset, message);
  }
  // A sink's error, as Damaged() when the file caused it.
  absl::Status FromSink(absl::Status status) const {
    if (status.ok() || !IsDamage(status)) return status;
    return Damaged(status.message());
  }

  // Moves to `next`, closing the phases before it.
  absl::Status Advance(Phase next) {
    if (next < phase_) return Damaged("items out of order");
    if (next == phase_ && IsSingle(next) && seen_header_) {
      return Damaged("an item that a dump holds once appears twice");
    }
    while (phase_ < next) {
      CRM_RETURN_IF_ERROR(Close(phase_));
      phase_ = static_cast<Phase>(static_cast<int>(phase_) + 1);
    }
    return absl::OkStatus();
  }

  absl::Status Close(Phase phase) {
    switch (phase) {
      case Phase::kHeader:
        return absl::OkStatus();
      case Phase::kFields:
        return CloseFields();
      case Phase::kColumns:
        if (!seen_columns_)
          return Damaged("the customers' columns are missing");
        return absl::OkStatus();
      case Phase::kCustomers:
        return FlushCustomers();
      case Phase::kEvents:
        return FlushEvents();
      case Phase::kEventTypes: {
        absl::StatusOr<std::shared_ptr<const Schema>> compiled =
            Schema::FromRows({}, event_types_, 0);
        if (!compiled.ok()) {
          return Damaged(absl::StrCat("an event type's definition: ",
                                      compiled.status().message()));
        }
        return FromSink(sink_.EventTypes(event_types_));
      }
      case Phase::kProfiles:
        return FromSink(sink_.Profiles(profiles_));
      case Phase::kDuplicateRules:
        return absl::OkStatus();
      case Phase::kDuplicateSettings:
        return FromSink(
            sink_.Duplicates(duplicate_rules_, duplicate_settings_));
      case Phase::kSegments:
        return FromSink(sink_.Segments(segments_));
      case Phase::kStubs:
        return FromSink(sink_.Stubs(stubs_));
      case Phase::kSuppressionKey:
        return absl::OkStatus();
      case Phase::kSuppressions:
        if (!key_.has_value() && !suppressions_.empty()) {
          return Damaged("suppressions without the key that made them");
        }
        return FromSink(sink_.Suppressions(key_, suppressions_));
      case Phase::kMerges:
        return FlushMerges();
      case Phase::kFloors:
        if (!seen_floors_) return Damaged("the id floors are missing");
        return FromSink(sink_.Floors(floors_));
      case Phase::kEnd:
        return absl::OkStatus();
    }
    return absl::OkStatus();
  }

  absl::Status Take(const wire::DumpItem& item) {
    switch (item.item_case()) {
      case wire::DumpItem::kHeader:
        return TakeHeader(item.header());
      case wire::DumpItem::kField:
        return TakeField(item.field());
      case wire::DumpItem::kColumns:
        return TakeColumns(item.columns());
      case wire::DumpItem::kCustomer:
        return TakeCustomer(item.customer());
      case wire::DumpItem::kEvent:
        return TakeEvent(item.event());
      case wire::DumpItem::kEventType:
        return TakeDefinition(item.event_type(), "event type", event_types_);
      case wire::DumpItem::kProfile:
        return TakeProfile(item.profile());
      case wire::DumpItem::kDuplicateRule:
        return TakeDuplicateRule(item.duplicate_rule());
      case wire::DumpItem::kDuplicateSettings:
        return TakeDuplicateSettings(item.duplicate_settings());
      case wire::DumpItem::kSegment:
        return TakeSegment(item.segment());
      case wire::DumpItem::kStub:
        return TakeStub(item.stub());
      case wire::DumpItem::kSuppressionKey:
        return TakeSuppressionKey(item.suppression_key());
      case wire::DumpItem::kSuppression:
        return TakeSuppression(item.suppression());
      case wire::DumpItem::kMerge:
        return TakeMerge(item.merge());
      case wire::DumpItem::kFloors:
        return TakeFloors(item.floors());
      case wire::DumpItem::kEnd:
        return TakeEnd(item.end());
      case wire::DumpItem::ITEM_NOT_SET:
        break;
    }
    return Damaged("an item of no known kind");
  }

  absl::Status TakeHeader(const wire::DumpHeader& header) {
    seen_header_ = true;
    if (header.format() != kDumpFormat) {
      return Damaged("the header does not name the format libcrm.dump");
    }
    if (header.version() > kDumpVersion) {
      return WithPosition(
          MakeError(
              ErrorCode::kVersion,
              absl::StrCat("the dump is of format version ", header.version(),
                           " (a newer libcrm's); this libcrm reads up to "
                           "version ",
                           kDumpVersion),
              "", Rule::kFile),
          item_offset_);
    }
    if (header.version() == 0) return Damaged("the header has no version");
    return absl::OkStatus();
  }

  absl::Status TakeField(const wire::StoredField& field) {
    if (field.id() <= last_field_) return Damaged("fields out of order");
    last_field_ = field.id();
    if (field.status() != "active" && field.status() != "archived" &&
        field.status() != "deleted") {
      return Damaged(
          absl::StrCat("field ", field.id(), " has no known status"));
    }
    absl::Status named = CheckFieldName(field.name());
    if (!named.ok()) {
      return Damaged(absl::StrCat("field ", field.id(), ": ", named.message()));
    }
    fields_.push_back({field.id(), field.name(), field.column(), field.status(),
                       field.definition_json()});
    field_offsets_.push_back(item_offset_);
    return absl::OkStatus();
  }

  absl::Status CloseFields() {
    // Every definition compiles, standard fields claim standard columns, and
    // a user-defined field's values live in the column named after its id
    // (never a name the file chose).
    absl::StatusOr<std::vector<store::FieldColumn>> columns =
        ReadFieldColumns(fields_);
    if (!columns.ok()) {
      return Damaged(
          absl::StrCat("a field definition: ", columns.status().message()));
    }
    for (size_t i = 0; i < columns->size(); ++i) {
      const store::FieldColumn& column = (*columns)[i];
      if (!column.standard &&
          fields_[i].column != absl::StrCat("f_", fields_[i].id)) {
        return DumpFile::Damaged(
            field_offsets_[i],
            absl::StrCat("field ", fields_[i].id,
                         " names a column libcrm does not give it"));
      }
    }
    for (const FieldRow& row : fields_) field_ids_.insert(row.id);
    absl::StatusOr<ContentLayout> layout = LayoutOf(fields_);
    if (!layout.ok()) {
      return Damaged(
          absl::StrCat("a field definition: ", layout.status().message()));
    }
    layout_ = *std::move(layout);
    for (const std::string& column : layout_.columns) {
      column_fields_.push_back(layout_.schema->FindByColumn(column));
    }
    return FromSink(sink_.Fields(layout_));
  }

  absl::Status TakeColumns(const wire::DumpColumns& columns) {
    seen_columns_ = true;
    if (!std::equal(columns.field_ids().begin(), columns.field_ids().end(),
                    layout_.field_ids.begin(), layout_.field_ids.end())) {
      return Damaged(
          "the customers' columns are not the fields that hold values");
    }
    return absl::OkStatus();
  }

  absl::Status TakeCustomer(const wire::StoredCustomer& customer) {
    if (customer.id() <= last_customer_) {
      return Damaged("customers out of order");
    }
    last_customer_ = customer.id();
    if (customer.version() < 1) {
      return Damaged(
          absl::StrCat("customer ", customer.id(), " has no valid version"));
    }
    if (static_cast<size_t>(customer.values_size()) != column_fields_.size()) {
      return Damaged(absl::StrCat("customer ", customer.id(), " holds ",
                                  customer.values_size(), " values for ",
                                  column_fields_.size(), " columns"));
    }
    if (!CheckDateTime(customer.created_at_us()).ok() ||
        !CheckDateTime(customer.updated_at_us()).ok()) {
      return Damaged(absl::StrCat("customer ", customer.id(),
                                  " has a time outside years 1 to 9999"));
    }
    CustomerRow row;
    row.id = customer.id();
    row.version = customer.version();
    row.created_at_us = customer.created_at_us();
    row.updated_at_us = customer.updated_at_us();
    row.values.reserve(column_fields_.size());
    for (int i = 0; i < customer.values_size(); ++i) {
      const wire::StoredValue& stored = customer.values(i);
      store::SqlValue value = FromStoredValue(stored);
      // As the store's read path checks a stored value.
      absl::Status checked = column_fields_[i]->FromStored(value).status();
      if (!checked.ok()) {
        return Damaged(
            absl::StrCat("customer ", customer.id(), ": ", checked.message()));
      }
      row.values.push_back(std::move(value));
    }
    customers_.push_back(std::move(row));
    ++customer_count_;
    if (customers_.size() >= static_cast<size_t>(kCopyPageSize)) {
      return FlushCustomers();
    }
    return absl::OkStatus();
  }

  absl::Status FlushCustomers() {
    if (customers_.empty()) return absl::OkStatus();
    CRM_RETURN_IF_ERROR(FromSink(sink_.Customers(customers_)));
    customers_.clear();
    return progress_.Update(customer_count_ + event_count_, file_.offset());
  }

  absl::Status TakeEvent(const wire::StoredEvent& event) {
    if (event.seq() <= last_seq_) return Damaged("events out of order");
    last_seq_ = event.seq();
    if (event.customer_id() <= 0) {
      return Damaged(absl::StrCat("event ", event.seq(), " has no customer"));
    }
    max_event_customer_ = std::max(max_event_customer_, event.customer_id());
    // Names and texts as an append checks them (history types aside,
    // which only libcrm writes).
    absl::Status names = CheckEventName(event.type(), "type", true);
    if (names.ok()) names = CheckEventName(event.channel(), "channel", false);
    if (names.ok()) names = CheckFreeText(event.actor(), "actor");
    if (names.ok()) names = CheckFreeText(event.source(), "source");
    if (names.ok()) {
      names = CheckFreeText(event.idempotency_key(), "idempotency_key");
    }
    if (!names.ok()) {
      return Damaged(
          absl::StrCat("event ", event.seq(), ": ", names.message()));
    }
    if (!CheckDateTime(event.occurred_at_us()).ok() ||
        !CheckDateTime(event.recorded_at_us()).ok()) {
      return Damaged(absl::StrCat("event ", event.seq(),
                                  " has a time outside years 1 to 9999"));
    }
    if (event.body().size() > kMaxEventBodyBytes) {
      return Damaged(
          absl::StrCat("event ", event.seq(), " has a body larger than 1 MiB"));
    }
    wire::EventBody body;
    if (!body.ParseFromString(event.body())) {
      return Damaged(absl::StrCat("event ", event.seq(),
                                  " has a body that is not an "
                                  "EventBody"));
    }
    if (absl::StartsWith(event.type(), kHistoryPrefix)) {
      for (const wire::FieldChange& change : body.changes()) {
        if (!field_ids_.contains(change.field_id())) {
          return Damaged(absl::StrCat("history event ", event.seq(),
                                      " names field ", change.field_id(),
                                      ", which the dump does not hold"));
        }
      }
    }
    EventRow row;
    row.seq = event.seq();
    row.customer_id = event.customer_id();
    row.occurred_at_us = event.occurred_at_us();
    row.recorded_at_us = event.recorded_at_us();
    row.type = event.type();
    row.channel = event.channel();
    row.actor = event.actor();
    row.source = event.source();
    row.idempotency_key = event.idempotency_key();
    row.body = event.body();
    events_.push_back(std::move(row));
    ++event_count_;
    if (events_.size() >= static_cast<size_t>(kCopyPageSize)) {
      return FlushEvents();
    }
    return absl::OkStatus();
  }

  absl::Status FlushEvents() {
    if (events_.empty()) return absl::OkStatus();
    CRM_RETURN_IF_ERROR(FromSink(sink_.Events(events_)));
    events_.clear();
    return progress_.Update(customer_count_ + event_count_, file_.offset());
  }

  // A name of an event type, profile or segment: ascending, within limits.
  absl::Status CheckName(const std::string& name, absl::string_view what) {
    if (name.empty() || name.size() > kMaxDefinitionNameBytes) {
      return Damaged(absl::StrCat("a ", what, " has no valid name"));
    }
    if (phase_ == last_name_phase_ && name <= last_name_) {
      return Damaged(absl::StrCat(what, "s out of order"));
    }
    last_name_phase_ = phase_;
    last_name_ = name;
    return absl::OkStatus();
  }

  absl::Status TakeDefinition(const wire::StoredDefinition& definition,
                              absl::string_view what, NamedDefinitions& into) {
    CRM_RETURN_IF_ERROR(CheckName(definition.name(), what));
    into.emplace_back(definition.name(), definition.definition_json());
    return absl::OkStatus();
  }

  absl::Status TakeProfile(const wire::StoredDefinition& profile) {
    CRM_RETURN_IF_ERROR(TakeDefinition(profile, "profile", profiles_));
    absl::StatusOr<ProfileDefinition> parsed =
        ParseProfile(profile.definition_json());
    if (!parsed.ok() || parsed->name != profile.name()) {
      return Damaged(
          absl::StrCat("profile '", profile.name(),
                       "' is not a valid definition", parsed.ok() ? "" : ": ",
                       parsed.ok() ? "" : parsed.status().message()));
    }
    return absl::OkStatus();
  }

  // A rule compiles against the dump's fields (read before it), as
  // crm_duplicate_rule_define would have checked it, and names itself.
  absl::Status TakeDuplicateRule(const wire::StoredDefinition& rule) {
    CRM_RETURN_IF_ERROR(
        TakeDefinition(rule, "duplicate rule", duplicate_rules_));
    if (duplicate_rules_.size() >
        static_cast<size_t>(duplicates::kMaxDuplicateRules)) {
      return Damaged(absl::StrCat("more than ", duplicates::kMaxDuplicateRules,
                                  " duplicate rules"));
    }
    absl::StatusOr<duplicates::DuplicateRule> parsed =
        duplicates::ParseDuplicateRule(rule.definition_json(), *layout_.schema);
    if (!parsed.ok() || parsed->name != rule.name()) {
      return Damaged(
          absl::StrCat("duplicate rule '", rule.name(),
                       "' is not a valid definition", parsed.ok() ? "" : ": ",
                       parsed.ok() ? "" : parsed.status().message()));
    }
    return absl::OkStatus();
  }

  absl::Status TakeDuplicateSettings(const std::string& json) {
    absl::StatusOr<duplicates::DuplicateSettings> parsed =
        duplicates::ParseDuplicateSettings(json);
    if (!parsed.ok()) {
      return Damaged(
          absl::StrCat("the duplicate settings: ", parsed.status().message()));
    }
    duplicate_settings_ = json;
    return absl::OkStatus();
  }

  absl::Status TakeSegment(const wire::StoredSegment& segment) {
    CRM_RETURN_IF_ERROR(CheckName(segment.name(), "segment"));
    if (segment.target() != "customers" && segment.target() != "events") {
      return Damaged(
          absl::StrCat("segment '", segment.name(), "' has no known target"));
    }
    segments_.push_back({segment.name(), segment.target(), segment.filter(),
                         segment.created_at_us()});
    return absl::OkStatus();
  }

  absl::Status TakeStub(const wire::StoredStub& stub) {
    if (stub.customer_id() <= last_stub_) return Damaged("stubs out of order");
    last_stub_ = stub.customer_id();
    stubs_.emplace_back(stub.customer_id(), stub.held_until_us());
    return absl::OkStatus();
  }

  // A merge row: ids in order and positive, and a snapshot of the merged
  // customer that parses and names it (crm_verify checks the rest: that
  // the merged ids are no customers and the chains end at customers).
  absl::Status TakeMerge(const wire::StoredMerge& merge) {
    if (merge.merged_id() <= last_merge_) return Damaged("merges out of order");
    last_merge_ = merge.merged_id();
    wire::MergedRecord record;
    if (merge.merge_id() <= 0 || merge.into_id() <= 0 ||
        merge.survivor_id() <= 0 || merge.into_id() == merge.merged_id() ||
        !record.ParseFromString(merge.snapshot()) ||
        record.customer().id() != merge.merged_id() ||
        !TextProblem(merge.external_id()).empty()) {
      return Damaged(absl::StrCat("the merge of customer ", merge.merged_id(),
                                  " is not valid"));
    }
    merges_.push_back(store::MergeRow{.merged_id = merge.merged_id(),
                                      .merge_id = merge.merge_id(),
                                      .into_id = merge.into_id(),
                                      .survivor_id = merge.survivor_id(),
                                      .external_id = merge.external_id(),
                                      .snapshot = merge.snapshot()});
    if (merges_.size() >= static_cast<size_t>(kCopyPageSize)) {
      return FlushMerges();
    }
    return absl::OkStatus();
  }

  absl::Status FlushMerges() {
    if (merges_.empty()) return absl::OkStatus();
    CRM_RETURN_IF_ERROR(FromSink(sink_.Merges(merges_)));
    merges_.clear();
    return absl::OkStatus();
  }

  absl::Status TakeSuppressionKey(const std::string& key) {
    if (key.empty() || key.size() > kMaxSuppressionKeyBytes) {
      return Damaged("the suppression key has no valid size");
    }
    key_ = key;
    return absl::OkStatus();
  }

  absl::Status TakeSuppression(const wire::StoredSuppression& suppression) {
    // The keyed hash in lower-case hex (dump_writer.cc).
    const std::string& hex = suppression.hash();
    if (hex.size() != 2 * kSuppressionHashBytes ||
        !std::all_of(hex.begin(), hex.end(), [](char c) {
          return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
        })) {
      return Damaged("a suppression's hash is not 32 bytes in hex");
    }
    std::string hash = absl::HexStringToBytes(hex);
    if (!suppressions_.empty() && hash <= suppressions_.back().hash) {
      return Damaged("suppressions out of order");
    }
    if (suppression.kind() != 1 && suppression.kind() != 2) {
      return Damaged("a suppression of no known kind");
    }
    suppressions_.push_back({std::move(hash), suppression.kind(),
                             suppression.normalization(),
                             suppression.created_at_us()});
    return absl::OkStatus();
  }

  absl::Status TakeFloors(const wire::IdFloors& floors) {
    seen_floors_ = true;
    const int64_t customers =
        std::max({last_customer_, max_event_customer_, last_stub_, int64_t{0}});
    if (floors.customer_id() < customers) {
      return Damaged(absl::StrCat("customer id ", customers,
                                  " lies above the id floor ",
                                  floors.customer_id()));
    }
    if (floors.seq() < last_seq_) return Damaged("a seq above the floor");
    if (floors.field_id() < last_field_) {
      return Damaged("a field id above the floor");
    }
    floors_ = {floors.customer_id(), floors.seq(), floors.field_id()};
    return absl::OkStatus();
  }

  absl::Status TakeEnd(const wire::DumpEnd& end) {
    ended_ = true;
    if (end.customers() != customer_count_ || end.events() != event_count_) {
      return Damaged(absl::StrCat(
          "the end counts ", end.customers(), " customers and ", end.events(),
          " events, the dump holds ", customer_count_, " and ", event_count_));
    }
    CRM_RETURN_IF_ERROR(FromSink(sink_.Finish()));
    totals_ = {customer_count_, event_count_, end.checksum(), item_offset_};
    return progress_.Finish(customer_count_ + event_count_, file_.offset());
  }

  DumpFile& file_;
  ContentSink& sink_;
  Progress& progress_;
  int64_t item_offset_ = 0;
  Phase phase_ = Phase::kHeader;
  bool seen_header_ = false;
  bool seen_columns_ = false;
  bool seen_floors_ = false;
  bool ended_ = false;

  std::vector<FieldRow> fields_;
  std::vector<int64_t> field_offsets_;  // aligned with fields_
  absl::flat_hash_set<int64_t> field_ids_;
  ContentLayout layout_;
  std::vector<const Field*> column_fields_;  // aligned with layout_.columns
  std::vector<CustomerRow> customers_;       // the page being read
  std::vector<EventRow> events_;
  NamedDefinitions event_types_, profiles_, duplicate_rules_;
  std::optional<std::string> duplicate_settings_;
  std::vector<store::SegmentRow> segments_;
  StubMarks stubs_;
  std::optional<std::string> key_;
  std::vector<store::SuppressionRow> suppressions_;
  std::vector<store::MergeRow> merges_;  // the page being read
  store::IdFloors floors_;
  Phase last_name_phase_ = Phase::kHeader;
  std::string last_name_;

  int64_t last_field_ = 0, last_customer_ = 0, last_seq_ = 0, last_stub_ = 0,
          last_merge_ = 0;
  int64_t max_event_customer_ = 0;
  int64_t customer_count_ = 0, event_count_ = 0;
  DumpTotals totals_;
};

}  // namespace

absl::StatusOr<DumpTotals> ReadDump(const std::string& path, ContentSink& sink,
                                    Progress& progress) {
  DumpFile file;
  CRM_RETURN_IF_ERROR(file.Open(path));
  progress.set_bytes_total(file.size());
  Loader loader(file, sink, progress);
  return loader.Run();
}

absl::Status LoadWorkspace(Workspace& workspace, const std::string& path,
                           Progress& progress) {
  // The file is checked to be a dump before the target is looked at.
  {
    DumpFile file;
    CRM_RETURN_IF_ERROR(file.Open(path));
    CRM_RETURN_IF_ERROR(file.ReadMagic());
  }
  return workspace.Run(store::ScopeKind::kWrite, [&](Session& session) {
    CRM_ASSIGN_OR_RETURN(std::unique_ptr<ContentTarget> target,
                         ContentTarget::Open(session));
    CRM_ASSIGN_OR_RETURN(DumpTotals totals, ReadDump(path, *target, progress));
    // What the target now holds, hashed as crm_workspace_checksum() would
    // after the commit.
    ContentHash hash;
    CRM_RETURN_IF_ERROR(ReadContent(session, hash));
    CRM_ASSIGN_OR_RETURN(std::string checksum, hash.HexDigest());
    if (checksum != totals.checksum) {
      return DumpFile::Damaged(totals.end_offset,
                               "what the dump holds does not match its "
                               "checksum");
    }
    return absl::OkStatus();
  });
}

}  // namespace crm::core
