#include "core/backup/backup.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/error.h"
#include "base/replacing_file.h"
#include "core/dump/dump.h"
#include "core/workspace_copy.h"

namespace crm::core {
namespace {

constexpr absl::string_view kDumpMagic("CRMDUMP\n", 8);
constexpr absl::string_view kSqliteMagic("SQLite format 3\0", 16);

struct CloseFile {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// The first bytes of the file at `path` (fewer for a shorter file) and its
// size.
struct FileStart {
  std::string bytes;
  int64_t size = 0;
};

absl::StatusOr<FileStart> ReadStart(const std::string& path) {
  std::unique_ptr<std::FILE, CloseFile> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    const int error = errno;
    return MakeError(error == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                     absl::StrCat("cannot read the backup '", path,
                                  "': ", std::strerror(error)),
                     "", Rule::kPath);
  }
  FileStart start;
  char buffer[16];
  const size_t read = std::fread(buffer, 1, sizeof(buffer), file.get());
  start.bytes.assign(buffer, read);
  if (std::fseek(file.get(), 0, SEEK_END) == 0) {
    start.size = std::ftell(file.get());
  }
  return start;
}

}  // namespace

absl::Status BackupWorkspace(Workspace& workspace, const std::string& path,
                             Progress& progress) {
  CRM_ASSIGN_OR_RETURN(ReplacingFile file, ReplacingFile::Create(path));
  // A read body may run again in the same snapshot (Workspace::Run): the
  // copy, complete by then, is not made twice.
  bool ran = false;
  bool copied = false;
  int64_t pages = 0;
  int64_t bytes = 0;
  CRM_RETURN_IF_ERROR(
      workspace.Run(store::ScopeKind::kRead, [&](Session& session) {
        if (ran) return absl::OkStatus();
        CRM_ASSIGN_OR_RETURN(
            copied, session.backend().BackupToFile(
                        file.temporary_path(),
                        [&](int64_t done, int64_t, int64_t page_bytes) {
                          pages = done;
                          bytes = done * page_bytes;
                          return progress.Update(pages, bytes);
                        }));
        ran = true;
        return absl::OkStatus();
      }));
  // A server's workspace: its backup is a dump, which writes `path`
  // itself (the unused new file goes with `file`).
  if (!copied) return DumpWorkspace(workspace, path, progress);
  CRM_RETURN_IF_ERROR(progress.Finish(pages, bytes));
  return file.Commit();
}

absl::Status RestoreWorkspace(Workspace& to, const std::string& path,
                              Progress& progress) {
  CRM_ASSIGN_OR_RETURN(FileStart start, ReadStart(path));
  if (absl::string_view(start.bytes).substr(0, kDumpMagic.size()) ==
      kDumpMagic) {
    return LoadWorkspace(to, path, progress);
  }
  if (start.bytes != kSqliteMagic) {
    return MakeError(
        ErrorCode::kNotWorkspace,
        absl::StrCat("'", path, "' is neither a workspace file nor a dump"), "",
        Rule::kFile);
  }
  store::ConnectionOptions options;
  options.create = false;
  options.read_only = true;
  absl::StatusOr<std::unique_ptr<Workspace>> from =
      Workspace::OpenFile(path, options);
  if (!from.ok()) {
    // A database that is no workspace at all fails the same check as one
    // whose layout is off (crm.h crm_restore: rule "schema").
    if (CodeOf(from.status()) == ErrorCode::kNotWorkspace &&
        RuleIdOf(from.status()) == Rule::kNone) {
      return MakeError(ErrorCode::kNotWorkspace, from.status().message(), "",
                       Rule::kSchema);
    }
    return from.status();
  }
  // The copy is one transaction without steps of its own to report: the
  // file is reported once, before it, so that a host that stops the call
  // there leaves `to` empty.
  progress.set_bytes_total(start.size);
  CRM_RETURN_IF_ERROR(progress.Finish(0, start.size));
  return CopyWorkspace(to, **from);
}

}  // namespace crm::core
