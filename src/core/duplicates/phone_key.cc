// PhoneKey and IsRegionCode of match_keys.h, with libphonenumber.
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <optional>
#include <set>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "base/utf8.h"
#include "core/duplicates/match_keys.h"

namespace crm::core::duplicates {
namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;

// The fewest digits of a number libphonenumber cannot parse that still
// gives a "?" key: shorter runs of digits are too often not phone numbers.
constexpr size_t kMinUnparsedDigits = 6;

// libphonenumber refuses longer text (its kMaxInputStringLength), but only
// after running its expressions over all of it.
constexpr size_t kMaxParsedBytes = 250;

// libphonenumber's code for "no region".
constexpr char kUnknownRegion[] = "ZZ";

// The regions libphonenumber has data for, read once.
const absl::flat_hash_set<std::string>& SupportedRegions() {
  static const auto* const regions = [] {
    std::set<std::string> supported;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&supported);
    return new absl::flat_hash_set<std::string>(supported.begin(),
                                                supported.end());
  }();
  return *regions;
}

bool IsSeparator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' ||
         c == '\t';
}

// A number written only with digits, separators and a leading '+', as its
// digits (and the '+'): "+47 900 00 000" -> "+4790000000". libphonenumber
// parses the same number from either, the compact text about twice as
// fast. nullopt for any other text (letters, an extension, non-ASCII),
// which libphonenumber must read whole.
std::optional<std::string> CompactPlainNumber(absl::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      compact.push_back(c);
    } else if (c == '+' && compact.empty()) {
      compact.push_back(c);
    } else if (!IsSeparator(c)) {
      return std::nullopt;
    }
  }
  return compact;
}

std::string DigitsOf(absl::string_view text) {
  std::string digits;
  for (char c : text) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
  }
  return digits;
}

// The E.164 form of `text`, or nullopt when libphonenumber cannot parse it
// or the number is not possible. `region`: one IsRegionCode accepts, or
// kUnknownRegion.
std::optional<std::string> E164(const std::string& text,
                                const std::string& region) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(text, region, &number) != PhoneNumberUtil::NO_PARSING_ERROR ||
      !util.IsPossibleNumber(number)) {
    return std::nullopt;
  }
  std::string formatted;
  util.Format(number, PhoneNumberUtil::E164, &formatted);
  return formatted;
}

}  // namespace

bool IsRegionCode(absl::string_view region) {
  return region.size() == 2 && absl::ascii_isupper(region[0]) &&
         absl::ascii_isupper(region[1]) && SupportedRegions().contains(region);
}

std::optional<std::string> PhoneKey(absl::string_view phone,
                                    absl::string_view default_region) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(phone);
  if (trimmed.empty()) return std::nullopt;
  if (trimmed.size() <= kMaxParsedBytes && IsValidUtf8(trimmed)) {
    std::string text;
    if (std::optional<std::string> compact = CompactPlainNumber(trimmed)) {
      text = *std::move(compact);
    } else {
      text = std::string(trimmed);
    }
    const std::string region = IsRegionCode(default_region)
                                   ? std::string(default_region)
                                   : std::string(kUnknownRegion);
    std::optional<std::string> key = E164(text, region);
    // "00" is the international prefix most of the world dials; without a
    // region (or in one that dials another, such as "US") libphonenumber
    // does not take it as one.
    if (!key.has_value() && absl::StartsWith(text, "00")) {
      key = E164("+" + text.substr(2), region);
    }
    if (key.has_value()) return key;
  }
  std::string digits = DigitsOf(trimmed);
  if (digits.size() < kMinUnparsedDigits) return std::nullopt;
  return "?" + digits;
}

}  // namespace crm::core::duplicates
