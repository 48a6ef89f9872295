// Times as the crm tool prints and reads them: ISO 8601 in UTC, from and to
// libcrm's microseconds since the Unix epoch.
#ifndef CRM_TOOLS_CRM_TIME_TEXT_H_
#define CRM_TOOLS_CRM_TIME_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>

namespace crm::cli {

// "2026-03-01T10:00:00Z", with ".ffffff" before the Z when the time is not
// a whole second.
std::string IsoFromMicros(int64_t us);

// Reads "YYYY-MM-DD" (midnight UTC), "YYYY-MM-DDTHH:MM[:SS[.f...]]" followed
// by "Z" or "+HH:MM"/"-HH:MM" (UTC when neither), or "now"; nullopt for
// anything else. Years 1 to 9999, as libcrm keeps them.
std::optional<int64_t> MicrosFromText(const std::string& text);

// MicrosFromText, or a usage Failure naming `option` and the text.
int64_t MicrosOption(const std::string& option, const std::string& text);

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_TIME_TEXT_H_
