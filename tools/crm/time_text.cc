#include "time_text.h"

#include <chrono>
#include <cstdio>
#include <regex>

#include "failure.h"

namespace crm::cli {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

}  // namespace

std::string IsoFromMicros(int64_t us) {
  using std::chrono::days;
  using std::chrono::sys_days;
  int64_t day = FloorDiv(us, kMicrosPerDay);
  int64_t in_day = us - day * kMicrosPerDay;
  std::chrono::year_month_day date{sys_days{days{day}}};
  int64_t seconds = in_day / kMicrosPerSecond;
  int64_t fraction = in_day % kMicrosPerSecond;
  char text[48];
  int length = std::snprintf(
      text, sizeof text, "%04d-%02u-%02uT%02lld:%02lld:%02lld",
      static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
      static_cast<unsigned>(date.day()), static_cast<long long>(seconds / 3600),
      static_cast<long long>(seconds / 60 % 60),
      static_cast<long long>(seconds % 60));
  std::string out(text, static_cast<size_t>(length));
  if (fraction != 0) {
    std::snprintf(text, sizeof text, ".%06lld",
                  static_cast<long long>(fraction));
    out += text;
  }
  return out + "Z";
}

std::optional<int64_t> MicrosFromText(const std::string& text) {
  if (text == "now") {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  static const std::regex pattern(
      R"((\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?(Z|[+-]\d{2}:\d{2})?)?)");
  std::smatch match;
  if (!std::regex_match(text, match, pattern)) return std::nullopt;
  auto number = [&](int group) {
    return match[group].matched ? std::stoi(match[group].str()) : 0;
  };
  std::chrono::year_month_day date{std::chrono::year{number(1)},
                                   std::chrono::month(number(2)),
                                   std::chrono::day(number(3))};
  if (number(1) < 1 || !date.ok()) return std::nullopt;
  int hour = number(4), minute = number(5), second = number(6);
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  int64_t fraction = 0;
  if (match[7].matched) {
    std::string digits = match[7].str();
    digits.append(6 - digits.size(), '0');
    fraction = std::stoll(digits);
  }
  int64_t offset_minutes = 0;
  if (match[8].matched && match[8].str() != "Z") {
    std::string zone = match[8].str();
    int zone_hours = std::stoi(zone.substr(1, 2));
    int zone_minutes = std::stoi(zone.substr(4, 2));
    if (zone_hours > 23 || zone_minutes > 59) return std::nullopt;
    offset_minutes =
        (zone[0] == '-' ? -1 : 1) * (zone_hours * 60 + zone_minutes);
  }
  int64_t day = std::chrono::sys_days{date}.time_since_epoch().count();
  int64_t seconds_of_day = hour * 3600 + minute * 60 + second;
  return day * kMicrosPerDay +
         (seconds_of_day - offset_minutes * 60) * kMicrosPerSecond + fraction;
}

int64_t MicrosOption(const std::string& option, const std::string& text) {
  std::optional<int64_t> us = MicrosFromText(text);
  if (!us) {
    UsageError(option + ": '" + text +
               "' is not a time (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[Z|+HH:MM] "
               "or now)");
  }
  return *us;
}

}  // namespace crm::cli
