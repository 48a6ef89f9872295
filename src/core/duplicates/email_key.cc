// EmailKey and EmailLocalKey of match_keys.h.
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/duplicates/match_keys.h"

namespace crm::core::duplicates {
namespace {

// Providers that deliver "local+tag@" to "local@" (listed in match_keys.h).
constexpr absl::string_view kSubAddressDomains[] = {
    "gmail.com",    "googlemail.com", "outlook.com",   "hotmail.com",
    "live.com",     "icloud.com",     "me.com",        "mac.com",
    "fastmail.com", "protonmail.com", "protonmail.ch", "proton.me",
    "pm.me",
};

// Local parts (as EmailLocalKey leaves them) of mailboxes that many
// unrelated customers share (listed in match_keys.h).
constexpr absl::string_view kRoleLocalParts[] = {
    "info",      "post",      "postmaster", "contact",      "kontakt",
    "mail",      "office",    "hello",      "hei",          "sales",
    "salg",      "support",   "service",    "kundeservice", "admin",
    "webmaster", "noreply",   "donotreply", "billing",      "invoice",
    "faktura",   "accounts",  "regnskap",   "hr",           "jobs",
    "team",      "firmapost",
};

constexpr size_t kMinLocalKeyBytes = 3;

template <size_t N>
bool IsOneOf(absl::string_view text, const absl::string_view (&list)[N]) {
  return std::find(std::begin(list), std::end(list), text) != std::end(list);
}

// `text` lower-cased (Unicode simple case mapping); nullopt when it is not
// well-formed UTF-8.
std::optional<std::string> LowerCase(absl::string_view text) {
  std::string lower;
  lower.reserve(text.size());
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(
      std::min<size_t>(text.size(), static_cast<size_t>(INT32_MAX)));
  if (static_cast<size_t>(length) != text.size()) return std::nullopt;
  for (int32_t i = 0; i < length;) {
    if (bytes[i] < 0x80) {
      lower.push_back(absl::ascii_tolower(bytes[i++]));
      continue;
    }
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return std::nullopt;
    c = u_tolower(c);
    char encoded[U8_MAX_LENGTH];
    int32_t encoded_length = 0;
    UBool error = false;
    U8_APPEND(encoded, encoded_length, U8_MAX_LENGTH, c, error);
    if (error) return std::nullopt;
    lower.append(encoded, static_cast<size_t>(encoded_length));
  }
  return lower;
}

// An email trimmed and lower-cased, split at its one '@'.
struct EmailParts {
  std::string local;
  std::string domain;
};

// nullopt without exactly one '@', with an empty side, or for text that is
// not UTF-8.
std::optional<EmailParts> SplitEmail(absl::string_view email) {
  std::optional<std::string> lower =
      LowerCase(absl::StripAsciiWhitespace(email));
  if (!lower.has_value()) return std::nullopt;
  const size_t at = lower->find('@');
  if (at == std::string::npos ||
      lower->find('@', at + 1) != std::string::npos) {
    return std::nullopt;
  }
  EmailParts parts{lower->substr(0, at), lower->substr(at + 1)};
  while (!parts.domain.empty() && parts.domain.back() == '.') {
    parts.domain.pop_back();
  }
  if (parts.local.empty() || parts.domain.empty()) return std::nullopt;
  return parts;
}

// Cuts "+tag" off `local`, unless nothing would be left.
void RemoveTag(std::string& local) {
  const size_t plus = local.find('+');
  if (plus != std::string::npos && plus > 0) local.resize(plus);
}

void RemoveAll(std::string& text, absl::string_view characters) {
  text.erase(std::remove_if(text.begin(), text.end(),
                            [&](char c) {
                              return characters.find(c) !=
                                     absl::string_view::npos;
                            }),
             text.end());
}

}  // namespace

std::optional<std::string> EmailKey(absl::string_view email) {
  std::optional<EmailParts> parts = SplitEmail(email);
  if (!parts.has_value()) return std::nullopt;
  if (parts->domain == "googlemail.com") parts->domain = "gmail.com";
  if (IsOneOf(parts->domain, kSubAddressDomains)) RemoveTag(parts->local);
  if (parts->domain == "gmail.com") {
    RemoveAll(parts->local, ".");
    if (parts->local.empty()) return std::nullopt;
  }
  return absl::StrCat(parts->local, "@", parts->domain);
}

std::optional<std::string> EmailLocalKey(absl::string_view email) {
  std::optional<EmailParts> parts = SplitEmail(email);
  if (!parts.has_value()) return std::nullopt;
  RemoveTag(parts->local);
  RemoveAll(parts->local, ".-_");
  if (parts->local.size() < kMinLocalKeyBytes ||
      IsOneOf(parts->local, kRoleLocalParts)) {
    return std::nullopt;
  }
  return std::move(parts->local);
}

}  // namespace crm::core::duplicates
