// The synthetic CRM data every engine loads: customers with standard and
// user-defined fields, and events for them. Everything is a pure function of
// an index, so any engine can regenerate any row and check what it reads.
#ifndef CRM_BENCHMARKS_DATASET_H_
#define CRM_BENCHMARKS_DATASET_H_

#include <cstdint>
#include <string>
#include <vector>

namespace crm_bench {

// How much data a run loads.
struct Sizes {
  int64_t customers = 200000;
  int64_t events = 1000000;
  int64_t batch = 10000;  // rows per write call and per transaction

  // Customers sharing one value of the indexed field "segment" (the row
  // count the filter workload returns).
  static constexpr int64_t kFilterRows = 200;
  int64_t segments() const;
  // Customers receiving half of all events, so timelines have 50 to return.
  int64_t hot_customers() const;
};

// Named sizes: "ci", "default", "scale". Returns false for another name.
bool SizesByName(const std::string& name, Sizes* sizes);

// One customer, as the host has it before writing it.
struct Customer {
  // Standard fields.
  std::string name, email, phone, city, external_id;
  // User-defined fields.
  int64_t segment;                     // integer, indexed
  int64_t revenue_cents;               // decimal, scale 2
  bool active;                         // boolean
  std::string signup_date;             // date
  int64_t last_contact_us;             // datetime
  std::string plan;                    // choice
  std::vector<std::string> interests;  // tags
  std::string notes;                   // text
  int64_t employees;                   // integer
  int64_t credit_limit_cents;          // decimal, scale 2

  bool operator==(const Customer&) const = default;
};

// One event of a customer's log.
struct Event {
  int64_t customer;  // index of the customer (0-based), not an id
  int64_t occurred_at_us;
  const char* type;
  const char* channel;
  int64_t amount_cents;  // property "amount", decimal, scale 2
  std::string subject;   // property "subject", text
};

// The options of the "plan" choice field.
const std::vector<std::string>& Plans();
// The event types, in the order their ids are assigned by the baselines.
const std::vector<std::string>& EventTypes();

Customer MakeCustomer(const Sizes& sizes, int64_t index);
// Event `index` of the main log: half go to the hot customers, half spread.
Event MakeEvent(const Sizes& sizes, int64_t index);
// Event `index` of the spread log: every customer gets the same share, in an
// order that jumps across the whole id range (no two neighbours in a batch
// belong to nearby customers), as events arriving from many sources do.
Event MakeSpreadEvent(const Sizes& sizes, int64_t index);
// "12.34" for 1234.
std::string CentsText(int64_t cents);
// 1234 for "12.34" (and for "12.340"); digits past the cents are dropped.
int64_t CentsFromText(const char* text);

// Customers [begin, end) or events [begin, end).
std::vector<Customer> MakeCustomers(const Sizes& sizes, int64_t begin,
                                    int64_t end);
std::vector<Event> MakeEvents(const Sizes& sizes, int64_t begin, int64_t end);
std::vector<Event> MakeSpreadEvents(const Sizes& sizes, int64_t begin,
                                    int64_t end);

// Customers whose segment is `segment`.
int64_t CustomersInSegment(const Sizes& sizes, int64_t segment);

}  // namespace crm_bench

#endif  // CRM_BENCHMARKS_DATASET_H_
