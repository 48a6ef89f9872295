#include "core/import/row_source.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/error.h"

namespace crm::core::import {
namespace {

constexpr size_t kChunkBytes = size_t{1} << 20;

}  // namespace

absl::Status FileError(const RowPosition& at, absl::string_view message) {
  return WithPosition(MakeError(ErrorCode::kInvalidArgument,
                                absl::StrCat("row ", at.row, " (line ", at.line,
                                             "): ", message),
                                "", Rule::kFile),
                      at.offset);
}

absl::StatusOr<std::unique_ptr<LineFile>> LineFile::Open(
    const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    int error = errno;
    return MakeError(
        error == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
        absl::StrCat("cannot open '", path, "': ", std::strerror(error)), "",
        Rule::kPath);
  }
  struct stat info;
  int64_t size = -1;
  if (fstat(fileno(file), &info) == 0) {
    if (S_ISDIR(info.st_mode)) {
      std::fclose(file);
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("'", path, "' is a folder, not a file"), "",
                       Rule::kPath);
    }
    if (S_ISREG(info.st_mode)) size = info.st_size;
  }
  return std::unique_ptr<LineFile>(new LineFile(path, file, size));
}

LineFile::~LineFile() { std::fclose(file_); }

absl::Status LineFile::Seek(int64_t offset) {
  if (fseeko(file_, offset, SEEK_SET) != 0) {
    return MakeError(
        ErrorCode::kIo,
        absl::StrCat("cannot read '", path_, "': ", std::strerror(errno)), "",
        Rule::kPath);
  }
  buffer_.clear();
  start_ = 0;
  eof_ = false;
  offset_ = offset;
  return absl::OkStatus();
}

absl::StatusOr<bool> LineFile::Next(absl::string_view* line) {
  size_t searched = start_;
  while (true) {
    const char* found = static_cast<const char*>(std::memchr(
        buffer_.data() + searched, '\n', buffer_.size() - searched));
    if (found != nullptr || eof_) {
      size_t end =
          found != nullptr ? found - buffer_.data() + 1 : buffer_.size();
      if (end == start_) return false;
      *line = absl::string_view(buffer_).substr(start_, end - start_);
      offset_ += end - start_;
      start_ = end;
      return true;
    }
    if (buffer_.size() - start_ > kMaxLineBytes) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          absl::StrCat("a line at byte ", offset_, " is longer than 64 MiB"),
          "", Rule::kFile);
    }
    searched = buffer_.size();
    // Keeps the unread bytes, then reads the next chunk after them.
    buffer_.erase(0, start_);
    searched -= start_;
    start_ = 0;
    size_t had = buffer_.size();
    buffer_.resize(had + kChunkBytes);
    size_t read = std::fread(buffer_.data() + had, 1, kChunkBytes, file_);
    buffer_.resize(had + read);
    if (read < kChunkBytes) {
      if (std::ferror(file_)) {
        return MakeError(ErrorCode::kIo,
                         absl::StrCat("cannot read '", path_, "'"), "",
                         Rule::kPath);
      }
      eof_ = true;
    }
  }
}

}  // namespace crm::core::import
