// The target of a copy or a load: writes a workspace's content, as the
// content walk (core/dump/workspace_content.h) or the dump loader hands it
// over, into an empty workspace, every id, version, seq and time kept.
#ifndef CRM_CORE_DUMP_CONTENT_TARGET_H_
#define CRM_CORE_DUMP_CONTENT_TARGET_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/dump/workspace_content.h"
#include "core/workspace.h"
#include "store/rows.h"
#include "store/workspace_copy_seam.h"

namespace crm::core {

// Works in the write scope of `target` it is opened in, and must not
// outlive it. A failed method leaves the scope to be rolled back: the
// caller's Workspace::Run() does so when the body fails. Not thread-safe.
class ContentTarget : public ContentSink {
 public:
  // OK when `target` is empty: only the standard fields, as opened, and no
  // customer id or seq ever handed out; else kConflict, rule "target",
  // saying what it holds.
  static absl::StatusOr<std::unique_ptr<ContentTarget>> Open(Session& target);

  // Standard fields over the target's (same id, name and column, else
  // kConflict, rule "target"), user-defined ones as they are.
  absl::Status Fields(const ContentLayout& layout) override;
  // With their search text; ids must ascend (else kIo, rule "damaged").
  absl::Status Customers(const std::vector<store::CustomerRow>& page) override;
  // Names interned on the target; seqs must ascend.
  absl::Status Events(const std::vector<store::EventRow>& page) override;
  absl::Status EventTypes(const NamedDefinitions& types) override;
  absl::Status Profiles(const NamedDefinitions& profiles) override;
  absl::Status Duplicates(const NamedDefinitions& rules,
                          const std::optional<std::string>& settings) override;
  absl::Status Segments(const std::vector<store::SegmentRow>& rows) override;
  absl::Status Stubs(const StubMarks& stubs) override;
  // kConflict, rule "target", when the target made a key of its own.
  absl::Status Suppressions(
      const std::optional<std::string>& key,
      const std::vector<store::SuppressionRow>& rows) override;
  absl::Status Merges(const std::vector<store::MergeRow>& page) override;
  absl::Status Floors(const store::IdFloors& floors) override;
  // Builds the column indexes the fields ask for, then makes the schema
  // current (Session::SchemaChanged()).
  absl::Status Finish() override;

 private:
  ContentTarget(Session& target, std::unique_ptr<store::WorkspaceCopySeam> seam,
                std::vector<store::FieldRow> fields)
      : target_(target),
        seam_(std::move(seam)),
        target_fields_(std::move(fields)) {}

  Session& target_;
  std::unique_ptr<store::WorkspaceCopySeam> seam_;
  std::vector<store::FieldRow> target_fields_;  // as the target was opened
  std::shared_ptr<const Schema> schema_;        // the content's live fields
  std::vector<std::string> columns_;            // ContentLayout::columns
  // Where each column SearchText() reads sits among `columns_`.
  std::vector<size_t> searched_;
  std::vector<store::FieldColumn> index_changes_;
  int64_t last_customer_ = 0;
  int64_t last_seq_ = 0;
};

}  // namespace crm::core

#endif  // CRM_CORE_DUMP_CONTENT_TARGET_H_
