#include "base/replacing_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/error.h"

namespace crm {
namespace {

std::string Folder(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

absl::StatusOr<ReplacingFile> ReplacingFile::Create(const std::string& path) {
  std::string pattern = path + ".tmp-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) {
    return MakeError(ErrorCode::kIo,
                     absl::StrCat("cannot write beside '", path,
                                  "': ", std::strerror(errno)),
                     "", Rule::kPath);
  }
  std::FILE* file = fdopen(fd, "wb");
  if (file == nullptr) {
    close(fd);
    unlink(name.data());
    return MakeError(ErrorCode::kNoMemory, "cannot open a file stream");
  }
  return ReplacingFile(path, std::string(name.data()), file);
}

ReplacingFile::ReplacingFile(ReplacingFile&& other) noexcept
    : path_(std::move(other.path_)),
      temporary_(std::move(other.temporary_)),
      file_(std::exchange(other.file_, nullptr)),
      size_(other.size_),
      committed_(std::exchange(other.committed_, true)) {}

ReplacingFile::~ReplacingFile() {
  if (file_ != nullptr) std::fclose(file_);
  if (!committed_) unlink(temporary_.c_str());
}

absl::Status ReplacingFile::Failed(absl::string_view what) const {
  return MakeError(
      ErrorCode::kIo,
      absl::StrCat("cannot ", what, " '", path_, "': ", std::strerror(errno)),
      "", Rule::kPath);
}

absl::Status ReplacingFile::Write(absl::string_view bytes) {
  if (file_ == nullptr || committed_) {
    return MakeError(ErrorCode::kMisuse, "the file is already complete");
  }
  if (!bytes.empty() &&
      std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return Failed("write");
  }
  size_ += static_cast<int64_t>(bytes.size());
  return absl::OkStatus();
}

absl::Status ReplacingFile::Commit() {
  if (committed_) {
    return MakeError(ErrorCode::kMisuse, "the file is already complete");
  }
  if (file_ != nullptr) {
    std::FILE* file = std::exchange(file_, nullptr);
    bool flushed = std::fflush(file) == 0 && fsync(fileno(file)) == 0;
    if (std::fclose(file) != 0 || !flushed) return Failed("write");
  }
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    return Failed("replace");
  }
  committed_ = true;
  int folder = open(Folder(path_).c_str(), O_RDONLY | O_DIRECTORY);
  if (folder >= 0) {
    fsync(folder);
    close(folder);
  }
  return absl::OkStatus();
}

}  // namespace crm
