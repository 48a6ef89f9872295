#include "base/utf8.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/error.h"

namespace crm {

size_t Utf8CharLength(absl::string_view text, size_t at) {
  auto lead = static_cast<unsigned char>(text[at]);
  size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  return std::min(length, text.size() - at);
}

bool IsValidUtf8(absl::string_view text, size_t* bad_offset) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    unsigned char lead = bytes[i];
    size_t length = 0;
    unsigned char min_second = 0x80, max_second = 0xBF;
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) min_second = 0xA0;  // overlong
      if (lead == 0xED) max_second = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) min_second = 0x90;  // overlong
      if (lead == 0xF4) max_second = 0x8F;  // above U+10FFFF
    }
    bool ok = length > 0 && i + length <= size;
    for (size_t k = 1; ok && k < length; ++k) {
      unsigned char b = bytes[i + k];
      ok = k == 1 ? (b >= min_second && b <= max_second)
                  : (b >= 0x80 && b <= 0xBF);
    }
    if (!ok) {
      if (bad_offset != nullptr) *bad_offset = i;
      return false;
    }
    i += length;
  }
  return true;
}

std::string TextProblem(absl::string_view text) {
  size_t bad = 0;
  if (!IsValidUtf8(text, &bad)) {
    return absl::StrCat("is not valid UTF-8 (byte ", bad, ")");
  }
  size_t nul = text.find('\0');
  if (nul != absl::string_view::npos) {
    return absl::StrCat("holds a NUL byte (byte ", nul, ")");
  }
  return "";
}

absl::Status ValidateText(absl::string_view text, absl::string_view field,
                          absl::FunctionRef<std::string()> about) {
  std::string problem = TextProblem(text);
  if (problem.empty()) return absl::OkStatus();
  return MakeError(ErrorCode::kInvalidArgument,
                   absl::StrCat(about(), " ", problem), field, Rule::kUtf8);
}

}  // namespace crm
