#include "core/export/value_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/value_json.h"

namespace crm::core {

void AppendDateTimeText(int64_t us, std::string* out) {
  // Whole seconds rounded down, so that times before 1970 keep a
  // fraction in [0, 999999].
  int64_t seconds = us / 1000000;
  int64_t fraction = us % 1000000;
  if (fraction < 0) {
    fraction += 1000000;
    --seconds;
  }
  absl::CivilSecond civil =
      absl::ToCivilSecond(absl::FromUnixSeconds(seconds), absl::UTCTimeZone());
  absl::StrAppendFormat(out, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                        civil.year(), civil.month(), civil.day(), civil.hour(),
                        civil.minute(), civil.second(), fraction);
}

void AppendValueText(const Value& value, std::string* out) {
  switch (value.kind) {
    case ValueKind::kText:
    case ValueKind::kDecimal:
    case ValueKind::kDate:
      out->append(value.text);
      return;
    case ValueKind::kInteger:
      absl::StrAppend(out, value.integer);
      return;
    case ValueKind::kBoolean:
      out->append(value.integer != 0 ? "true" : "false");
      return;
    case ValueKind::kDateTime:
      AppendDateTimeText(value.integer, out);
      return;
    case ValueKind::kList:
      AppendValueJson(value, out);
      return;
    case ValueKind::kNull:
      return;
  }
}

}  // namespace crm::core
