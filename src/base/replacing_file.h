// Writing a file that replaces `path` only once it is complete: the calls
// that write files (crm_export, crm_dump, crm_backup, an import's reject
// file) leave no half file behind when they fail or are cancelled.
#ifndef CRM_BASE_REPLACING_FILE_H_
#define CRM_BASE_REPLACING_FILE_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm {

// Writes go to a new file beside `path` (same folder, a unique name starting
// with `path` and ".tmp-"); Commit() flushes it to disk and renames it over
// `path`. Destroyed without a Commit() (a failure, a cancel), the new file is
// removed and `path` stays as it was. Errors are kIo naming `path`, rule
// "path". Not thread-safe; one writer.
class ReplacingFile {
 public:
  // Creates the new file; kIo when the folder cannot take it.
  static absl::StatusOr<ReplacingFile> Create(const std::string& path);

  ReplacingFile(ReplacingFile&& other) noexcept;
  ReplacingFile& operator=(ReplacingFile&&) = delete;
  ReplacingFile(const ReplacingFile&) = delete;
  ~ReplacingFile();

  absl::Status Write(absl::string_view bytes);
  // Bytes written so far.
  int64_t size() const { return size_; }
  // The path of the file being written, for writers that must hand a path
  // to another library (SQLite's backup); they write it themselves, and
  // Commit() renames it.
  const std::string& temporary_path() const { return temporary_; }
  // Flushes, syncs and renames the new file over `path`, then syncs the
  // folder. Once only.
  absl::Status Commit();

 private:
  ReplacingFile(std::string path, std::string temporary, std::FILE* file)
      : path_(std::move(path)), temporary_(std::move(temporary)), file_(file) {}
  absl::Status Failed(absl::string_view what) const;

  std::string path_;
  std::string temporary_;
  std::FILE* file_;  // owned; NULL once closed
  int64_t size_ = 0;
  bool committed_ = false;
};

}  // namespace crm

#endif  // CRM_BASE_REPLACING_FILE_H_
