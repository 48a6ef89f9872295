#include "core/dump/dump_writer.h"

#include <memory>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/error.h"
#include "core/dump/dump.h"
#include "core/dump/stored_value.h"
#include "crm/crm.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/delimited_message_util.h"

namespace crm::core {

absl::Status DumpWriter::Write(const wire::DumpItem& item) {
  buffer_.clear();
  {
    google::protobuf::io::StringOutputStream stream(&buffer_);
    if (!google::protobuf::util::SerializeDelimitedToZeroCopyStream(item,
                                                                    &stream)) {
      return MakeError(ErrorCode::kNoMemory,
                       "a dump item could not be encoded");
    }
  }
  return file_.Write(buffer_);
}

absl::Status DumpWriter::Start(const std::string& backend) {
  CRM_RETURN_IF_ERROR(
      file_.Write(absl::string_view(kDumpMagic, kDumpMagicSize)));
  wire::DumpItem item;
  wire::DumpHeader* header = item.mutable_header();
  header->set_format(kDumpFormat);
  header->set_version(kDumpVersion);
  header->set_library_version(CRM_VERSION_STRING);
  header->set_dumped_at_us(absl::ToUnixMicros(absl::Now()));
  header->set_backend(backend);
  return Write(item);
}

absl::Status DumpWriter::Fields(const ContentLayout& layout) {
  wire::DumpItem item;
  for (const store::FieldRow& row : layout.fields) {
    wire::StoredField* field = item.mutable_field();
    field->set_id(row.id);
    field->set_name(row.name);
    field->set_column(row.column);
    field->set_status(row.status);
    field->set_definition_json(row.definition);
    CRM_RETURN_IF_ERROR(Write(item));
  }
  item.Clear();
  wire::DumpColumns* columns = item.mutable_columns();
  for (int64_t id : layout.field_ids) columns->add_field_ids(id);
  return Write(item);
}

absl::Status DumpWriter::Customers(
    const std::vector<store::CustomerRow>& page) {
  wire::DumpItem item;
  for (const store::CustomerRow& row : page) {
    wire::StoredCustomer* customer = item.mutable_customer();
    customer->Clear();
    customer->set_id(row.id);
    customer->set_version(row.version);
    customer->set_created_at_us(row.created_at_us);
    customer->set_updated_at_us(row.updated_at_us);
    for (const store::SqlValue& value : row.values) {
      CRM_RETURN_IF_ERROR(ToStoredValue(value, customer->add_values()));
    }
    CRM_RETURN_IF_ERROR(Write(item));
  }
  customers_ += static_cast<int64_t>(page.size());
  return progress_.Update(customers_ + events_, file_.size());
}

absl::Status DumpWriter::Events(const std::vector<store::EventRow>& page) {
  wire::DumpItem item;
  for (const store::EventRow& row : page) {
    wire::StoredEvent* event = item.mutable_event();
    event->set_seq(row.seq);
    event->set_customer_id(row.customer_id);
    event->set_occurred_at_us(row.occurred_at_us);
    event->set_recorded_at_us(row.recorded_at_us);
    event->set_type(row.type);
    event->set_channel(row.channel);
    event->set_actor(row.actor);
    event->set_source(row.source);
    event->set_idempotency_key(row.idempotency_key);
    event->set_body(row.body);
    CRM_RETURN_IF_ERROR(Write(item));
  }
  events_ += static_cast<int64_t>(page.size());
  return progress_.Update(customers_ + events_, file_.size());
}

absl::Status DumpWriter::EventTypes(const NamedDefinitions& types) {
  wire::DumpItem item;
  for (const auto& [name, definition] : types) {
    item.mutable_event_type()->set_name(name);
    item.mutable_event_type()->set_definition_json(definition);
    CRM_RETURN_IF_ERROR(Write(item));
  }
  return absl::OkStatus();
}

absl::Status DumpWriter::Profiles(const NamedDefinitions& profiles) {
  wire::DumpItem item;
  for (const auto& [name, definition] : profiles) {
    item.mutable_profile()->set_name(name);
    item.mutable_profile()->set_definition_json(definition);
    CRM_RETURN_IF_ERROR(Write(item));
  }
  return absl::OkStatus();
}

absl::Status DumpWriter::Duplicates(
    const NamedDefinitions& rules, const std::optional<std::string>& settings) {
  wire::DumpItem item;
  for (const auto& [name, definition] : rules) {
    item.mutable_duplicate_rule()->set_name(name);
    item.mutable_duplicate_rule()->set_definition_json(definition);
    CRM_RETURN_IF_ERROR(Write(item));
  }
  if (!settings.has_value()) return absl::OkStatus();
  item.set_duplicate_settings(*settings);
  return Write(item);
}

absl::Status DumpWriter::Segments(const std::vector<store::SegmentRow>& rows) {
  wire::DumpItem item;
  for (const store::SegmentRow& row : rows) {
    wire::StoredSegment* segment = item.mutable_segment();
    segment->set_name(row.name);
    segment->set_target(row.target);
    segment->set_filter(row.filter);
    segment->set_created_at_us(row.created_at_us);
    CRM_RETURN_IF_ERROR(Write(item));
  }
  return absl::OkStatus();
}

absl::Status DumpWriter::Stubs(const StubMarks& stubs) {
  wire::DumpItem item;
  for (const auto& [id, until] : stubs) {
    item.mutable_stub()->set_customer_id(id);
    item.mutable_stub()->set_held_until_us(until);
    CRM_RETURN_IF_ERROR(Write(item));
  }
  return absl::OkStatus();
}

absl::Status DumpWriter::Suppressions(
    const std::optional<std::string>& key,
    const std::vector<store::SuppressionRow>& rows) {
  wire::DumpItem item;
  if (key.has_value()) {
    item.set_suppression_key(*key);
    CRM_RETURN_IF_ERROR(Write(item));
  }
  for (const store::SuppressionRow& row : rows) {
    wire::StoredSuppression* suppression = item.mutable_suppression();
    // In hex: the member is a proto3 string, which must be UTF-8, and the
    // keyed hash is 32 raw bytes.
    suppression->set_hash(absl::BytesToHexString(row.hash));
    suppression->set_kind(row.kind);
    suppression->set_normalization(row.normalization);
    suppression->set_created_at_us(row.created_at_us);
    CRM_RETURN_IF_ERROR(Write(item));
  }
  return absl::OkStatus();
}

absl::Status DumpWriter::Merges(const std::vector<store::MergeRow>& page) {
  wire::DumpItem item;
  for (const store::MergeRow& row : page) {
    wire::StoredMerge* merge = item.mutable_merge();
    merge->set_merged_id(row.merged_id);
    merge->set_merge_id(row.merge_id);
    merge->set_into_id(row.into_id);
    merge->set_survivor_id(row.survivor_id);
    merge->set_external_id(row.external_id);
    merge->set_snapshot(row.snapshot);
    CRM_RETURN_IF_ERROR(Write(item));
  }
  return absl::OkStatus();
}

absl::Status DumpWriter::Floors(const store::IdFloors& floors) {
  wire::DumpItem item;
  item.mutable_floors()->set_customer_id(floors.customer_id);
  item.mutable_floors()->set_seq(floors.seq);
  item.mutable_floors()->set_field_id(floors.field_id);
  return Write(item);
}

absl::Status DumpWriter::Finish() {
  CRM_ASSIGN_OR_RETURN(std::string checksum, hash_.HexDigest());
  wire::DumpItem item;
  item.mutable_end()->set_customers(customers_);
  item.mutable_end()->set_events(events_);
  item.mutable_end()->set_checksum(checksum);
  CRM_RETURN_IF_ERROR(Write(item));
  return progress_.Finish(customers_ + events_, file_.size());
}

absl::Status DumpWorkspace(Workspace& workspace, const std::string& path,
                           Progress& progress) {
  std::optional<ReplacingFile> file;
  CRM_RETURN_IF_ERROR(
      workspace.Run(store::ScopeKind::kRead, [&](Session& session) {
        // A body that runs again in the same snapshot starts a new file.
        file.reset();
        CRM_ASSIGN_OR_RETURN(ReplacingFile created,
                             ReplacingFile::Create(path));
        file.emplace(std::move(created));
        CRM_ASSIGN_OR_RETURN(std::unique_ptr<store::WorkspaceCopySeam> seam,
                             session.backend().CopySeam());
        ContentHash hash;
        DumpWriter writer(*file, hash, progress);
        CRM_RETURN_IF_ERROR(writer.Start(seam->BackendName()));
        TeeSink both(hash, writer);
        return ReadContent(session, both);
      }));
  return file->Commit();
}

}  // namespace crm::core
