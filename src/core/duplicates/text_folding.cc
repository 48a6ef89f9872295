// FoldText of match_keys.h, with ICU's case folding and NFKD decomposition.
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "core/duplicates/match_keys.h"

namespace crm::core::duplicates {
namespace {

// ICU's NFKD data, loaded once; thread-safe (ICU's instances are immutable).
// Null when ICU cannot load it: text is then folded without decomposition.
const icu::Normalizer2* Nfkd() {
  static const icu::Normalizer2* const nfkd = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* instance =
        icu::Normalizer2::getNFKDInstance(status);
    return U_SUCCESS(status) ? instance : nullptr;
  }();
  return nfkd;
}

// Lower-case letters that neither decompose nor are ASCII, spelled in ASCII
// as a Nordic or European reader would.
struct Spelling {
  UChar32 letter;
  const char* ascii;
};
constexpr Spelling kAsciiSpellings[] = {
    {0x00DF, "ss"},  // ß
    {0x00E6, "ae"},  // æ
    {0x00F0, "d"},   // ð
    {0x00F8, "o"},   // ø
    {0x00FE, "th"},  // þ
    {0x0111, "d"},   // đ
    {0x0127, "h"},   // ħ
    {0x0131, "i"},   // ı (dotless i)
    {0x0140, "l"},   // ŀ (NFKD would split it at a middle dot)
    {0x0142, "l"},   // ł
    {0x0153, "oe"},  // œ
    {0x0167, "t"},   // ŧ
};

// The ASCII spelling of `c`, or nullptr for a letter not in the table.
const char* AsciiSpelling(UChar32 c) {
  for (const Spelling& spelling : kAsciiSpellings) {
    if (spelling.letter == c) return spelling.ascii;
  }
  return nullptr;
}

bool IsHangulSyllable(UChar32 c) { return c >= 0xAC00 && c <= 0xD7A3; }

// Writes folded words: pieces of one word are appended, and one space goes
// between words however many separators came between them.
class FoldedWriter {
 public:
  explicit FoldedWriter(size_t capacity) { out_.reserve(capacity); }

  void Separate() { separated_ = true; }

  void Append(absl::string_view piece) {
    StartPiece();
    out_.append(piece.data(), piece.size());
  }

  void AppendAscii(char c) {
    StartPiece();
    out_.push_back(c);
  }

  void AppendCodePoint(UChar32 c) {
    StartPiece();
    char bytes[U8_MAX_LENGTH];
    int32_t length = 0;
    UBool error = false;
    U8_APPEND(bytes, length, U8_MAX_LENGTH, c, error);
    if (!error) out_.append(bytes, static_cast<size_t>(length));
  }

  std::string Take() { return std::move(out_); }

 private:
  void StartPiece() {
    if (separated_ && !out_.empty()) out_.push_back(' ');
    separated_ = false;
  }

  std::string out_;
  bool separated_ = false;
};

void FoldAscii(char c, FoldedWriter& out) {
  if (c >= 'A' && c <= 'Z') {
    out.AppendAscii(static_cast<char>(c - 'A' + 'a'));
  } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
    out.AppendAscii(c);
  } else if (c == '&') {
    out.Separate();
    out.Append("and");
    out.Separate();
  } else {
    out.Separate();
  }
}

// Folds one character. `decompose`: false for the characters of a
// decomposition (NFKD's is already complete).
void FoldCodePoint(UChar32 c, bool decompose, FoldedWriter& out) {
  if (c < 0x80) return FoldAscii(static_cast<char>(c), out);
  c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
  if (c < 0x80) return FoldAscii(static_cast<char>(c), out);
  if (const char* spelling = AsciiSpelling(c)) return out.Append(spelling);
  const uint32_t category = U_GET_GC_MASK(c);
  if ((category & (U_GC_M_MASK | U_GC_CF_MASK)) != 0) return;  // marks
  if (decompose && !IsHangulSyllable(c)) {
    const icu::Normalizer2* nfkd = Nfkd();
    icu::UnicodeString parts;
    if (nfkd != nullptr && nfkd->getDecomposition(c, parts)) {
      for (int32_t i = 0; i < parts.length();) {
        UChar32 part = parts.char32At(i);
        i += U16_LENGTH(part);
        FoldCodePoint(part, /*decompose=*/false, out);
      }
      return;
    }
  }
  if ((category & (U_GC_L_MASK | U_GC_ND_MASK)) != 0) {
    out.AppendCodePoint(c);
  } else {
    out.Separate();
  }
}

}  // namespace

std::string FoldText(absl::string_view text) {
  FoldedWriter out(text.size());
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length =
      static_cast<int32_t>(text.size() > INT32_MAX ? INT32_MAX : text.size());
  for (int32_t i = 0; i < length;) {
    if (bytes[i] < 0x80) {
      FoldAscii(static_cast<char>(bytes[i++]), out);
      continue;
    }
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) {
      out.Separate();  // invalid UTF-8
    } else {
      FoldCodePoint(c, /*decompose=*/true, out);
    }
  }
  return out.Take();
}

}  // namespace crm::core::duplicates
