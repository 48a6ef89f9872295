// Writes a workspace's content as a dump (crm.proto "Dumps"): a sink of the
// content walk (core/dump/workspace_content.h).
#ifndef CRM_CORE_DUMP_DUMP_WRITER_H_
#define CRM_CORE_DUMP_DUMP_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "base/replacing_file.h"
#include "core/dump/content_hash.h"
#include "core/dump/workspace_content.h"
#include "core/progress.h"
#include "core/wire.h"

namespace crm::core {

// The 8 bytes a dump starts with, and the format version this release
// writes and the newest it reads.
inline constexpr char kDumpMagic[] = "CRMDUMP\n";
inline constexpr size_t kDumpMagicSize = 8;
inline constexpr uint32_t kDumpVersion = 3;
inline constexpr char kDumpFormat[] = "libcrm.dump";

// Writes the items to `file`, which it borrows (the caller commits it once
// Finish() succeeded). `hash` is the content hash fed the same content
// before this sink (a TeeSink), whose digest goes into the DumpEnd.
// Reports customers and events written, and bytes, to `progress`
// (kCancelled when the host stops the call). One use; not thread-safe.
class DumpWriter : public ContentSink {
 public:
  DumpWriter(ReplacingFile& file, ContentHash& hash, Progress& progress)
      : file_(file), hash_(hash), progress_(progress) {}

  // The magic and the DumpHeader; `backend` is where the content is read.
  absl::Status Start(const std::string& backend);

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
  // The DumpEnd, with the counts and the hash's digest; the final progress.
  absl::Status Finish() override;

 private:
  absl::Status Write(const wire::DumpItem& item);

  ReplacingFile& file_;
  ContentHash& hash_;
  Progress& progress_;
  std::string buffer_;  // one item's bytes, reused
  int64_t customers_ = 0;
  int64_t events_ = 0;
};

}  // namespace crm::core

#endif  // CRM_CORE_DUMP_DUMP_WRITER_H_
