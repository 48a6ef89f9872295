// A workspace's content as one walk: everything crm_workspace_copy keeps,
// crm_workspace_checksum hashes and crm_dump writes, read once in one order
// by ReadContent() and handed to a sink (the target of a copy or a load,
// the canonical hash, the dump writer). The loader hands what it parses to
// the same sinks in the same order, so that the four stay one.
//
// The order (that of crm.proto "Dumps"): fields (every row by id, deleted
// ones too), customers by id in pages, events by seq in pages, event types
// and profiles by name, the duplicate rules by name with the duplicate
// settings, segments by name, legal-hold stubs by customer id, the
// suppression key with the suppressions by hash, the merge rows by merged
// id in pages, the id floors, Finish().
#ifndef CRM_CORE_DUMP_WORKSPACE_CONTENT_H_
#define CRM_CORE_DUMP_WORKSPACE_CONTENT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/schema.h"
#include "core/workspace.h"
#include "store/rows.h"
#include "store/workspace_copy_seam.h"

namespace crm::core {

// Event types, profiles and duplicate rules as stored: (name, definition
// JSON), by name.
using NamedDefinitions = std::vector<std::pair<std::string, std::string>>;
// Legal-hold stubs: (customer id, when the hold ends in UTC us), by id.
using StubMarks = std::vector<std::pair<int64_t, int64_t>>;

// The field rows of a workspace and what they say about its customers.
struct ContentLayout {
  // Every field row by id, deleted ones included (history names them).
  std::vector<store::FieldRow> fields;
  // The fields that are not deleted, compiled, with no event types.
  std::shared_ptr<const Schema> schema;
  // The columns holding customer values (active and archived fields, not
  // the read-only bookkeeping ones) by field id, and those field ids.
  std::vector<std::string> columns;
  std::vector<int64_t> field_ids;
};

// The layout of `fields` (any order; sorted by id here). Errors of
// Schema::FromRows() for a definition that does not compile.
absl::StatusOr<ContentLayout> LayoutOf(std::vector<store::FieldRow> fields);

// Takes a workspace's content, in the order above, once; a method that
// fails stops the walk, and no method is called after it. Implementations
// say what they do with it; none is thread-safe.
class ContentSink {
 public:
  virtual ~ContentSink() = default;

  virtual absl::Status Fields(const ContentLayout& layout) = 0;
  // A page of customers, ids ascending across pages; each row's values
  // aligned with layout.columns.
  virtual absl::Status Customers(
      const std::vector<store::CustomerRow>& page) = 0;
  // A page of events, seqs ascending across pages.
  virtual absl::Status Events(const std::vector<store::EventRow>& page) = 0;
  virtual absl::Status EventTypes(const NamedDefinitions& types) = 0;
  virtual absl::Status Profiles(const NamedDefinitions& profiles) = 0;
  // The duplicate rules by name and the duplicate settings as stored (none
  // when never set).
  virtual absl::Status Duplicates(
      const NamedDefinitions& rules,
      const std::optional<std::string>& settings) = 0;
  virtual absl::Status Segments(const std::vector<store::SegmentRow>& rows) = 0;
  virtual absl::Status Stubs(const StubMarks& stubs) = 0;
  // The suppression key (none when the workspace never made one) and every
  // keyed hash, by hash.
  virtual absl::Status Suppressions(
      const std::optional<std::string>& key,
      const std::vector<store::SuppressionRow>& rows) = 0;
  // A page of merge rows (crm.h "Merging customers"), merged ids ascending
  // across pages; not called for a workspace without merges.
  virtual absl::Status Merges(const std::vector<store::MergeRow>& page) = 0;
  virtual absl::Status Floors(const store::IdFloors& floors) = 0;
  // After the floors: the content is complete.
  virtual absl::Status Finish() = 0;
};

// Walks `session`'s content into `sink`, in the session's scope (a read
// scope: one snapshot). Customers and events are read kCopyPageSize at a
// time. A stored customer value that libcrm never writes (bytes), or rows
// read out of order, are kIo, rule "damaged".
absl::Status ReadContent(Session& session, ContentSink& sink);

// Calls two sinks with the same content, `first` then `second`.
class TeeSink : public ContentSink {
 public:
  TeeSink(ContentSink& first, ContentSink& second)
      : first_(first), second_(second) {}

  absl::Status Fields(const ContentLayout& layout) override;
  absl::Status Customers(const std::vector<store::CustomerRow>& page) override;
  absl::Status Events(const std::vector<store::EventRow>& page) override;
  absl::Status EventTypes(const NamedDefinitions& types) override;
  absl::Status Profiles(const NamedDefinitions& profiles) override;
  absl::Status Duplicates(const NamedDefinitions& rules,
                          const std::optional<std::string>& settings) override;
  absl::Status Segments(const std::vector<store::SegmentRow>& rows) override;
  absl::Status Stubs(const StubMarks& stubs) override;
  absl::Status Suppressions(
      const std::optional<std::string>& key,
      const std::vector<store::SuppressionRow>& rows) override;
  absl::Status Merges(const std::vector<store::MergeRow>& page) override;
  absl::Status Floors(const store::IdFloors& floors) override;
  absl::Status Finish() override;

 private:
  ContentSink& first_;
  ContentSink& second_;
};

}  // namespace crm::core

#endif  // CRM_CORE_DUMP_WORKSPACE_CONTENT_H_
