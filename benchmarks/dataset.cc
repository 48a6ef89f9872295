#include "dataset.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace crm_bench {
namespace {

constexpr int64_t kSecondUs = 1000000;
constexpr int64_t k2023Us = 1672531200LL * kSecondUs;  // 2023-01-01T00:00:00Z
constexpr int64_t kTwoYearsUs = 730LL * 86400 * kSecondUs;

const char* const kCities[] = {"Lisbon", "Porto",  "Madrid", "Lyon",
                               "Berlin", "Munich", "Milan",  "Vienna",
                               "Prague", "Krakow", "Ghent",  "Utrecht"};
const char* const kTags[] = {"vip", "newsletter", "b2b", "retail", "partner"};
const char* const kChannels[] = {"phone", "email", "web", "store"};

}  // namespace

int64_t Sizes::segments() const {
  return std::max<int64_t>(1, customers / kFilterRows);
}

int64_t Sizes::hot_customers() const {
  return std::clamp<int64_t>(events / 1000, 1, customers);
}

bool SizesByName(const std::string& name, Sizes* sizes) {
  if (name == "ci") {
    *sizes = {4000, 20000, 1000};
  } else if (name == "default") {
    *sizes = {200000, 1000000, 10000};
  } else if (name == "scale") {
    *sizes = {1000000, 10000000, 10000};
  } else {
    return false;
  }
  return true;
}

const std::vector<std::string>& Plans() {
  static const std::vector<std::string> plans = {"basic", "plus", "premium",
                                                 "enterprise"};
  return plans;
}

const std::vector<std::string>& EventTypes() {
  static const std::vector<std::string> types = {
      "call", "email.sent", "order.placed", "visit", "ticket"};
  return types;
}

std::string CentsText(int64_t cents) {
  char text[32];
  std::snprintf(text, sizeof text, "%s%lld.%02lld", cents < 0 ? "-" : "",
                static_cast<long long>(std::abs(cents) / 100),
                static_cast<long long>(std::abs(cents) % 100));
  return text;
}

int64_t CentsFromText(const char* text) {
  bool negative = *text == '-';
  if (negative || *text == '+') ++text;
  int64_t cents = 0;
  for (; *text >= '0' && *text <= '9'; ++text)
    cents = cents * 10 + (*text - '0');
  int places = 0;
  if (*text == '.') {
    for (++text; *text >= '0' && *text <= '9' && places < 2; ++text, ++places)
      cents = cents * 10 + (*text - '0');
  }
  for (; places < 2; ++places) cents *= 10;
  return negative ? -cents : cents;
}

Customer MakeCustomer(const Sizes& sizes, int64_t k) {
  Customer c;
  std::string n = std::to_string(k);
  c.name = "Customer " + n;
  c.email = "c" + n + "@example.com";
  c.phone = "+1 555 " + n;
  c.city = kCities[k % 12];
  c.external_id = "ERP-" + n;
  c.segment = k % sizes.segments();
  c.revenue_cents = (k * 7919) % 10000000;
  c.active = k % 3 != 0;
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d",
                static_cast<int>(2015 + k % 10), static_cast<int>(1 + k % 12),
                static_cast<int>(1 + k % 28));
  c.signup_date = date;
  c.last_contact_us = k2023Us + k * 37 * kSecondUs;
  c.plan = Plans()[k % Plans().size()];
  for (int64_t t = 0; t <= k % 3; ++t)
    c.interests.push_back(kTags[(k + t) % 5]);
  c.notes = "Prefers email; imported from the ERP, account " + n;
  c.employees = k % 5000;
  c.credit_limit_cents = (k % 100) * 100000;
  return c;
}

Event MakeEvent(const Sizes& sizes, int64_t i) {
  Event e;
  // Even events go to the hot customers, odd ones spread over everybody.
  e.customer =
      i % 2 == 0 ? (i / 2) % sizes.hot_customers() : (i / 2) % sizes.customers;
  e.occurred_at_us = k2023Us + (i * (kTwoYearsUs / sizes.events)) +
                     (i * 7919) % (kSecondUs * 60);
  e.type = EventTypes()[i % EventTypes().size()].c_str();
  e.channel = kChannels[i % 4];
  e.amount_cents = (i * 31) % 100000;
  e.subject = "Event " + std::to_string(i);
  return e;
}

Event MakeSpreadEvent(const Sizes& sizes, int64_t i) {
  Event e = MakeEvent(sizes, i);
  // 7919 is prime and no size's customer count is a multiple of it, so
  // i -> i * 7919 mod customers visits every customer once per round.
  e.customer = (i * 7919) % sizes.customers;
  e.subject = "Spread " + std::to_string(i);
  return e;
}

std::vector<Customer> MakeCustomers(const Sizes& sizes, int64_t begin,
                                    int64_t end) {
  std::vector<Customer> rows;
  rows.reserve(end - begin);
  for (int64_t k = begin; k < end; ++k) rows.push_back(MakeCustomer(sizes, k));
  return rows;
}

std::vector<Event> MakeEvents(const Sizes& sizes, int64_t begin, int64_t end) {
  std::vector<Event> rows;
  rows.reserve(end - begin);
  for (int64_t i = begin; i < end; ++i) rows.push_back(MakeEvent(sizes, i));
  return rows;
}

std::vector<Event> MakeSpreadEvents(const Sizes& sizes, int64_t begin,
                                    int64_t end) {
  std::vector<Event> rows;
  rows.reserve(end - begin);
  for (int64_t i = begin; i < end; ++i) {
    rows.push_back(MakeSpreadEvent(sizes, i));
  }
  return rows;
}

int64_t CustomersInSegment(const Sizes& sizes, int64_t segment) {
  int64_t n = sizes.customers, s = sizes.segments();
  return n / s + (segment < n % s ? 1 : 0);
}

}  // namespace crm_bench
