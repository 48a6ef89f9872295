// A property-based search for leaks through restricted handles (crm.h,
// "Access profiles and restricted handles"): no answer a restricted handle
// gives may reveal a field its profile hides or a customer outside its
// scope, directly or by inference (counts, sorts, aggregates, search).
//
// Each iteration makes random data (customers with text, integer, decimal,
// choice and date fields in random groups, updates, events of three types)
// and a random profile (a mode per group, per-field overrides, event rules,
// an optional scope), then asks random questions through the restricted
// handle and the same questions of an oracle: a second workspace on the same
// backend holding a copy of what the profile lets through (hidden fields not
// defined at all, out-of-scope customers and hidden events absent), asked
// through an unrestricted handle. Every answer must equal the oracle's
// (rows, ids, values, counts and order); a query that names a hidden field
// must fail with CRM_E_DENIED, rule "hidden", and one that names none must
// answer.
//
// Not covered yet: masked modes (the random profiles use read_write,
// read_only and hidden only), versions and created_at/updated_at (the two
// workspaces write them at different instants), search order (ranks depend
// on the corpus; the sets of matches are compared).
//
// How to run longer: the seed is printed with every failure, and
//   CRM_LEAK_SEED=<seed> CRM_LEAK_ITERATIONS=<n> build/tests/crm_capi_tests
//       --gtest_filter='AccessLeakTest.*'
// replays a failure (same seed) or searches longer (more iterations, any
// seed). Without them CI runs 5 iterations (2 on PostgreSQL, where each
// takes about 2.5 s) from a fresh seed.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace crm_test {
namespace {

enum class Mode { kReadWrite, kReadOnly, kHidden };

const char* ModeText(Mode mode) {
  switch (mode) {
    case Mode::kReadWrite:
      return "read_write";
    case Mode::kReadOnly:
      return "read_only";
    case Mode::kHidden:
      return "hidden";
  }
  return "hidden";
}

struct FieldSpec {
  const char* name;
  const char* type;  // text, integer, decimal, choice, date
  bool standard;
};

// The fields the data uses: standard ones (group "standard") and user-defined
// ones, given a random group per iteration.
const FieldSpec kFields[] = {
    {"name", "text", true},   {"city", "text", true},  {"owner", "text", true},
    {"t1", "text", false},    {"t2", "text", false},   {"n1", "integer", false},
    {"d1", "decimal", false}, {"c1", "choice", false}, {"dt1", "date", false},
};
const char* const kGroups[] = {"g1", "g2", "g3"};
const char* const kWords[] = {"amber", "birch", "cedar", "delta",
                              "ember", "fjord", "grove", "heron"};
const char* const kOwners[] = {"ann", "bob", "cy"};
const char* const kColours[] = {"red", "green", "blue"};
const char* const kEventTypes[] = {"visit", "call", "order"};

struct Options {
  uint64_t seed;
  int iterations;
};

Options ReadOptions() {
  Options options{std::random_device{}(), OnPostgres() ? 2 : 5};
  if (const char* seed = std::getenv("CRM_LEAK_SEED")) {
    options.seed = std::strtoull(seed, nullptr, 10);
  }
  if (const char* n = std::getenv("CRM_LEAK_ITERATIONS")) {
    options.iterations = std::max(1, std::atoi(n));
  }
  return options;
}

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  int Below(int n) {
    return std::uniform_int_distribution<int>(0, n - 1)(engine_);
  }
  bool Chance(int percent) { return Below(100) < percent; }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(static_cast<int>(N))];
  }

 private:
  std::mt19937_64 engine_;
};

// A random value of `type`, as text in the field's form.
std::string RandomValue(Random& random, const std::string& field,
                        const std::string& type) {
  if (field == "owner") return random.Pick(kOwners);
  if (type == "text") {
    std::string text = random.Pick(kWords);
    if (random.Chance(50)) text += std::string(" ") + random.Pick(kWords);
    return text;
  }
  if (type == "integer") return std::to_string(random.Below(100));
  if (type == "decimal") {
    return std::to_string(random.Below(100)) + "." +
           std::to_string(10 + random.Below(90));
  }
  if (type == "choice") return random.Pick(kColours);
  return "2024-0" + std::to_string(1 + random.Below(9)) + "-1" +
         std::to_string(random.Below(10));
}

void SetValue(crm_record* record, const FieldSpec& field,
              const std::string& value) {
  const std::string type = field.type;
  int rc = CRM_OK;
  if (type == "integer") {
    rc = crm_record_set_integer(record, field.name, std::stoll(value));
  } else if (type == "decimal") {
    rc = crm_record_set_decimal(record, field.name, value.c_str());
  } else if (type == "date") {
    rc = crm_record_set_date(record, field.name, value.c_str());
  } else {
    rc = crm_record_set_text(record, field.name, value.c_str());
  }
  ASSERT_EQ(rc, CRM_OK) << crm_last_error_message();
}

// One field's value in a record, as comparable text ("" when none).
std::string ValueText(const crm_record* record, const char* field) {
  const char* text = nullptr;
  int64_t number = 0;
  int flag = 0;
  switch (crm_record_kind(record, field)) {
    case CRM_VALUE_NULL:
      return "";
    case CRM_VALUE_TEXT:
      crm_record_get_text(&text, record, field);
      return std::string("t:") + text;
    case CRM_VALUE_INTEGER:
      crm_record_get_integer(&number, record, field);
      return "i:" + std::to_string(number);
    case CRM_VALUE_DECIMAL:
      crm_record_get_decimal(&text, record, field);
      return std::string("d:") + text;
    case CRM_VALUE_BOOLEAN:
      crm_record_get_boolean(&flag, record, field);
      return flag ? "b:true" : "b:false";
    case CRM_VALUE_DATE:
      crm_record_get_date(&text, record, field);
      return std::string("D:") + text;
    case CRM_VALUE_DATETIME:
      crm_record_get_datetime(&number, record, field);
      return "T:" + std::to_string(number);
    case CRM_VALUE_LIST: {
      size_t size = 0;
      crm_record_get_list_size(&size, record, field);
      std::string list = "l:";
      for (size_t i = 0; i < size; ++i) {
        crm_record_get_list_item(&text, record, field, i);
        list += std::string(text) + ",";
      }
      return list;
    }
  }
  return "?";
}

// What a record says, as text: "field=value" sorted by field, without the
// stamps the two workspaces write at different instants. `keep`, when
// given, drops fields outside it (the oracle's standard fields the profile
// hides, which it cannot undefine); `ids` maps customer ids in "customer_id"
// columns (view ids to oracle ids).
std::string Canonical(const crm_record* record,
                      const std::set<std::string>* keep,
                      const std::map<int64_t, int64_t>* ids) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < crm_record_field_count(record); ++i) {
    std::string field = crm_record_field_name(record, i);
    if (field == "created_at" || field == "updated_at") continue;
    if (keep != nullptr && keep->count(field) == 0) continue;
    std::string value = ValueText(record, field.c_str());
    if (field == "customer_id" && ids != nullptr) {
      int64_t id = 0;
      crm_record_get_integer(&id, record, field.c_str());
      auto mapped = ids->find(id);
      value = mapped == ids->end() ? "LEAKED customer " + std::to_string(id)
                                   : "i:" + std::to_string(mapped->second);
    }
    parts.push_back(field + "=" + value);
  }
  std::sort(parts.begin(), parts.end());
  std::string text;
  for (const std::string& part : parts) text += part + ";";
  return text;
}

struct Customer {
  std::map<std::string, std::string> initial;
  // Each update: the fields it sets and their new values.
  std::vector<std::map<std::string, std::string>> updates;
};

struct EventSpec {
  size_t customer;  // index into the customers
  std::string type;
  int64_t occurred_us;
  int64_t amount;
};

struct Profile {
  std::map<std::string, Mode> groups;  // "" too
  std::map<std::string, Mode> fields;  // overrides
  std::map<std::string, bool> events;  // type -> readable
  std::string scope;                   // "" for none
  std::string scope_field;
  std::string actor;
};

struct World {
  std::map<std::string, std::string> group_of;  // user field -> group
  std::vector<Customer> customers;
  std::vector<EventSpec> events;
  Profile profile;
};

World RandomWorld(Random& random) {
  World world;
  for (const FieldSpec& field : kFields) {
    world.group_of[field.name] =
        field.standard ? "standard" : random.Pick(kGroups);
  }
  const Mode modes[] = {Mode::kReadWrite, Mode::kReadOnly, Mode::kHidden};
  Profile& profile = world.profile;
  profile.groups["standard"] =
      random.Chance(25) ? Mode::kHidden : Mode::kReadOnly;
  for (const char* group : kGroups) profile.groups[group] = random.Pick(modes);
  for (const FieldSpec& field : kFields) {
    if (random.Chance(30)) profile.fields[field.name] = random.Pick(modes);
  }
  for (const char* type : kEventTypes) profile.events[type] = random.Chance(60);
  profile.actor = random.Pick(kOwners);
  switch (random.Below(4)) {
    case 0:
      break;
    case 1:
      profile.scope = "owner = :actor";
      profile.scope_field = "owner";
      break;
    case 2:
      profile.scope = "n1 > 40";
      profile.scope_field = "n1";
      break;
    default:
      profile.scope = "c1 != 'red'";
      profile.scope_field = "c1";
      break;
  }
  int count = 12 + random.Below(14);
  for (int i = 0; i < count; ++i) {
    Customer customer;
    for (const FieldSpec& field : kFields) {
      if (std::string(field.name) == "name" || random.Chance(80)) {
        customer.initial[field.name] =
            RandomValue(random, field.name, field.type);
      }
    }
    world.customers.push_back(customer);
  }
  int updates = random.Below(count);
  for (int i = 0; i < updates; ++i) {
    Customer& customer = world.customers[random.Below(count)];
    std::map<std::string, std::string> change;
    int fields = 1 + random.Below(3);
    for (int f = 0; f < fields; ++f) {
      const FieldSpec& field = random.Pick(kFields);
      if (field.name == profile.scope_field) continue;  // scope stays put
      change[field.name] = RandomValue(random, field.name, field.type);
    }
    if (!change.empty()) customer.updates.push_back(change);
  }
  int events = random.Below(3 * count);
  for (int i = 0; i < events; ++i) {
    world.events.push_back(
        {static_cast<size_t>(random.Below(count)), random.Pick(kEventTypes),
         1'700'000'000'000'000 + int64_t{random.Below(500)} * 3'600'000'000,
         random.Below(1000)});
  }
  return world;
}

const FieldSpec& Spec(const std::string& name) {
  for (const FieldSpec& field : kFields) {
    if (name == field.name) return field;
  }
  ADD_FAILURE() << "no field " << name;
  return kFields[0];
}

Mode ModeOf(const World& world, const std::string& field) {
  auto own = world.profile.fields.find(field);
  if (own != world.profile.fields.end()) return own->second;
  auto group = world.profile.groups.find(world.group_of.at(field));
  return group == world.profile.groups.end() ? Mode::kHidden : group->second;
}

bool Readable(const World& world, const std::string& field) {
  return ModeOf(world, field) != Mode::kHidden;
}

std::string ProfileJson(const World& world) {
  const Profile& profile = world.profile;
  std::ostringstream json;
  json << R"({"name": "leak", "groups": {)";
  const char* comma = "";
  for (const auto& [group, mode] : profile.groups) {
    json << comma << '"' << group << R"(": ")" << ModeText(mode) << '"';
    comma = ", ";
  }
  json << R"(}, "fields": {)";
  comma = "";
  for (const auto& [field, mode] : profile.fields) {
    json << comma << '"' << field << R"(": ")" << ModeText(mode) << '"';
    comma = ", ";
  }
  json << R"(}, "events": [)";
  comma = "";
  for (const auto& [type, readable] : profile.events) {
    json << comma << R"({"type": ")" << type << R"(", "access": ")"
         << (readable ? "read" : "hidden") << R"("})";
    comma = ", ";
  }
  json << "]";
  if (!profile.scope.empty()) json << R"(, "scope": ")" << profile.scope << '"';
  json << "}";
  return json.str();
}

void DefineFields(crm_db* db, const World& world, bool only_readable) {
  for (const FieldSpec& field : kFields) {
    if (field.standard) continue;
    if (only_readable && !Readable(world, field.name)) continue;
    std::string json = std::string(R"({"name": ")") + field.name +
                       R"(", "type": ")" + field.type + R"(", "group": ")" +
                       world.group_of.at(field.name) + '"';
    if (std::string(field.type) == "decimal") json += R"(, "scale": 2)";
    if (std::string(field.type) == "choice") {
      json += R"(, "options": ["red", "green", "blue"])";
    }
    Define(db, json + "}");
  }
}

// Writes `values` (only the fields `keep` accepts) as a new customer or an
// update of `id`; false when nothing was left to write.
bool Write(crm_db* db, int64_t* id,
           const std::map<std::string, std::string>& values,
           const std::function<bool(const std::string&)>& keep) {
  Record record = NewRecord();
  bool any = false;
  for (const auto& [field, value] : values) {
    if (!keep(field)) continue;
    SetValue(record.get(), Spec(field), value);
    any = true;
  }
  if (*id == 0) {
    EXPECT_EQ(crm_customer_create(id, db, record.get(), "test"), CRM_OK)
        << crm_last_error_message();
    return true;
  }
  if (!any) return false;
  int64_t version = 0;
  EXPECT_EQ(crm_customer_update(&version, db, *id, 0, record.get(), "test"),
            CRM_OK)
      << crm_last_error_message();
  return true;
}

void AppendEvent(crm_db* db, int64_t customer, const EventSpec& spec) {
  crm_event* raw = nullptr;
  ASSERT_EQ(crm_event_new(&raw), CRM_OK);
  Event event(raw);
  crm_event_set_customer(event.get(), customer);
  crm_event_set_type(event.get(), spec.type.c_str());
  crm_event_set_occurred_at(event.get(), spec.occurred_us);
  crm_record_set_integer(crm_event_properties(event.get()), "amount",
                         spec.amount);
  int64_t seq = 0;
  ASSERT_EQ(crm_event_append(&seq, nullptr, db, event.get()), CRM_OK)
      << crm_last_error_message();
}

// A question, asked of both workspaces.
struct Question {
  enum Kind { kRows, kCount, kAggregate, kEvents } kind = kRows;
  std::string filter;
  std::vector<std::pair<std::string, bool>> order;  // field, descending
  std::string group;
  std::string sum;
  std::set<std::string> names;  // fields it names
  std::string text;             // for the failure message
};

// An answer: a status and, when it is CRM_OK, the rows (or the count) as
// comparable text.
struct Answer {
  int status = CRM_OK;
  std::string rule;
  std::vector<std::string> rows;
};

Answer Failed(int status) {
  return {status, crm_last_error_rule(), {crm_last_error_message()}};
}

std::string Term(Random& random, const FieldSpec& field) {
  const std::string type = field.type;
  std::string a = RandomValue(random, field.name, type);
  std::string b = RandomValue(random, field.name, type);
  bool numeric = type == "integer" || type == "decimal";
  std::string la = numeric ? a : "'" + a + "'";
  std::string lb = numeric ? b : "'" + b + "'";
  std::string name = field.name;
  switch (random.Below(type == "text" ? 6 : 5)) {
    case 0:
      return name + " = " + la;
    case 1:
      return name + " != " + la;
    case 2:
      return name + (type == "choice" ? " = " : " < ") + la;
    case 3:
      return name + (type == "choice" ? " != " : " > ") + la;
    case 4:
      return name + " in (" + la + ", " + lb + ")";
    default:
      return name + " contains '" + std::string(random.Pick(kWords)) + "'";
  }
}

Question RandomQuestion(Random& random) {
  Question question;
  question.kind = static_cast<Question::Kind>(random.Below(4));
  if (question.kind == Question::kEvents) {
    question.filter = std::string("type = '") + random.Pick(kEventTypes) + "'";
    question.text = "events where " + question.filter;
    return question;
  }
  int terms = random.Below(3);
  for (int i = 0; i < terms; ++i) {
    const FieldSpec& field = random.Pick(kFields);
    question.names.insert(field.name);
    if (i > 0) question.filter += random.Chance(50) ? " and " : " or ";
    question.filter += Term(random, field);
  }
  question.text = "where [" + question.filter + "]";
  if (question.kind == Question::kRows) {
    int keys = random.Below(3);
    for (int i = 0; i < keys; ++i) {
      const FieldSpec& field = random.Pick(kFields);
      question.names.insert(field.name);
      question.order.push_back({field.name, random.Chance(50)});
      question.text += std::string(" order by ") + field.name;
    }
  }
  if (question.kind == Question::kAggregate) {
    question.group = random.Pick(kFields).name;
    question.names.insert(question.group);
    question.text += " group by " + question.group;
    if (random.Chance(60)) {
      question.sum = random.Chance(50) ? "n1" : "d1";
      question.names.insert(question.sum);
      question.text += " sum " + question.sum;
    }
  }
  return question;
}

Answer Ask(crm_db* db, const Question& question, const std::string& actor,
           const std::set<std::string>* keep,
           const std::map<int64_t, int64_t>* ids) {
  crm_query* raw = nullptr;
  int target = question.kind == Question::kEvents ? CRM_QUERY_EVENTS
                                                  : CRM_QUERY_CUSTOMERS;
  EXPECT_EQ(crm_query_new(&raw, target), CRM_OK);
  Query query(raw);
  crm_query_set_filter(query.get(), question.filter.c_str());
  crm_record_set_text(crm_query_params(query.get()), "actor", actor.c_str());
  crm_query_set_page_size(query.get(), 10000);
  for (const auto& [field, descending] : question.order) {
    crm_query_order_by(query.get(), field.c_str(), descending ? 1 : 0);
  }
  Answer answer;
  if (question.kind == Question::kCount) {
    int64_t count = -1;
    int rc = crm_query_count(&count, db, query.get());
    if (rc != CRM_OK) return Failed(rc);
    answer.rows.push_back(std::to_string(count));
    return answer;
  }
  crm_rows* rows_raw = nullptr;
  int rc = CRM_OK;
  if (question.kind == Question::kAggregate) {
    crm_query_group_by(query.get(), question.group.c_str(), CRM_BUCKET_NONE);
    crm_query_aggregate(query.get(), CRM_AGG_COUNT, nullptr, nullptr);
    if (!question.sum.empty()) {
      crm_query_aggregate(query.get(), CRM_AGG_SUM, question.sum.c_str(),
                          nullptr);
    }
    rc = crm_query_run_aggregate(&rows_raw, db, query.get());
  } else {
    if (question.kind == Question::kEvents) {
      for (const char* column :
           {"customer_id", "type", "occurred_at", "properties.amount"}) {
        crm_query_select(query.get(), column);
      }
      crm_query_order_by(query.get(), "occurred_at", 0);
    }
    rc = crm_query_run(&rows_raw, db, query.get());
  }
  if (rc != CRM_OK) return Failed(rc);
  Rows rows(rows_raw);
  for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
    crm_record* row = crm_rows_at(rows.get(), i);
    std::string id;
    if (question.kind == Question::kRows) {
      auto mapped = ids->find(crm_record_id(row));
      id = mapped == ids->end() ? "LEAKED " + std::to_string(crm_record_id(row))
                                : std::to_string(mapped->second);
    }
    // `keep` is about customer fields, not event or aggregate columns.
    answer.rows.push_back(
        id + "|" +
        Canonical(row, question.kind == Question::kRows ? keep : nullptr, ids));
  }
  return answer;
}

std::string Show(const Answer& answer) {
  std::string text =
      std::string(crm_status_name(answer.status)) + " " + answer.rule + "\n";
  for (const std::string& row : answer.rows) text += "  " + row + "\n";
  return text;
}

class AccessLeakTest : public ::testing::Test {
 protected:
  // One random world: returns false once a failure was recorded.
  bool RunIteration(Random& random, int iteration);
};

bool AccessLeakTest::RunIteration(Random& random, int iteration) {
  World world = RandomWorld(random);
  SCOPED_TRACE("iteration " + std::to_string(iteration) + ", profile " +
               ProfileJson(world));
  TempDir dir;
  Db admin = OpenDb(dir.File("leak.crm"));
  Db oracle = OpenDb(":memory:");  // a new workspace on PostgreSQL too
  if (admin == nullptr || oracle == nullptr) return false;

  // The data, as the host writes it.
  DefineFields(admin.get(), world, false);
  std::vector<int64_t> ids;
  for (const Customer& customer : world.customers) {
    int64_t id = 0;
    Write(admin.get(), &id, customer.initial,
          [](const std::string&) { return true; });
    ids.push_back(id);
  }
  for (size_t c = 0; c < world.customers.size(); ++c) {
    for (const auto& change : world.customers[c].updates) {
      Write(admin.get(), &ids[c], change,
            [](const std::string&) { return true; });
    }
  }
  for (const EventSpec& event : world.events) {
    AppendEvent(admin.get(), ids[event.customer], event);
  }
  EXPECT_EQ(crm_profile_define(admin.get(), ProfileJson(world).c_str()), CRM_OK)
      << crm_last_error_message();
  crm_db* view_raw = nullptr;
  EXPECT_EQ(crm_db_restrict(&view_raw, admin.get(), "leak",
                            world.profile.actor.c_str()),
            CRM_OK)
      << crm_last_error_message();
  Db view(view_raw);
  if (view == nullptr || HasFailure()) return false;

  // Who is in scope, by the host's own count of the scope filter.
  std::set<int64_t> in_scope(ids.begin(), ids.end());
  if (!world.profile.scope.empty()) {
    in_scope.clear();
    crm_query* raw = nullptr;
    crm_query_new(&raw, CRM_QUERY_CUSTOMERS);
    Query query(raw);
    crm_query_set_filter(query.get(), world.profile.scope.c_str());
    crm_record_set_text(crm_query_params(query.get()), "actor",
                        world.profile.actor.c_str());
    crm_query_set_page_size(query.get(), 10000);
    crm_rows* rows_raw = nullptr;
    EXPECT_EQ(crm_query_run(&rows_raw, admin.get(), query.get()), CRM_OK)
        << crm_last_error_message();
    Rows rows(rows_raw);
    for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
      in_scope.insert(crm_record_id(crm_rows_at(rows.get(), i)));
    }
  }

  // The oracle: what the profile lets through, written the same way.
  std::set<std::string> readable;
  for (const FieldSpec& field : kFields) {
    if (Readable(world, field.name)) readable.insert(field.name);
  }
  // The other standard fields (kind has a default) follow their group.
  if (world.profile.groups.at("standard") != Mode::kHidden) {
    for (const char* field :
         {"kind", "email", "phone", "company", "street", "region",
          "postal_code", "country", "stage", "tags", "external_id"}) {
      readable.insert(field);
    }
  }
  auto keep = [&](const std::string& field) { return readable.count(field); };
  DefineFields(oracle.get(), world, true);
  std::map<int64_t, int64_t> to_oracle;  // view id -> oracle id
  for (size_t c = 0; c < world.customers.size(); ++c) {
    if (in_scope.count(ids[c]) == 0) continue;
    int64_t id = 0;
    Write(oracle.get(), &id, world.customers[c].initial, keep);
    to_oracle[ids[c]] = id;
  }
  for (size_t c = 0; c < world.customers.size(); ++c) {
    if (to_oracle.count(ids[c]) == 0) continue;
    for (const auto& change : world.customers[c].updates) {
      Write(oracle.get(), &to_oracle[ids[c]], change, keep);
    }
  }
  for (const EventSpec& event : world.events) {
    if (to_oracle.count(ids[event.customer]) == 0) continue;
    if (!world.profile.events.at(event.type)) continue;
    AppendEvent(oracle.get(), to_oracle[ids[event.customer]], event);
  }
  std::map<int64_t, int64_t> identity;  // oracle ids as they are
  for (const auto& [from, to] : to_oracle) identity[to] = to;
  if (HasFailure()) return false;

  // Queries: filters, sorts, counts, groups, events by type.
  const std::string& actor = world.profile.actor;
  for (int q = 0; q < 40; ++q) {
    Question question = RandomQuestion(random);
    bool names_hidden = false;
    for (const std::string& name : question.names) {
      names_hidden = names_hidden || !Readable(world, name);
    }
    Answer seen = Ask(view.get(), question, actor, nullptr, &to_oracle);
    if (names_hidden) {
      EXPECT_EQ(seen.status, CRM_E_DENIED)
          << question.text << " names a hidden field; the view answered\n"
          << Show(seen);
      if (seen.status == CRM_E_DENIED) {
        EXPECT_EQ(seen.rule, "hidden") << question.text;
      }
      continue;
    }
    Answer expected = Ask(oracle.get(), question, actor, &readable, &identity);
    if (expected.status != CRM_OK) {
      EXPECT_EQ(seen.status, expected.status) << question.text;
      continue;
    }
    EXPECT_EQ(Show(seen), Show(expected)) << question.text;
  }

  // Search: the same customers match (rank order depends on the corpus).
  for (const char* word : kWords) {
    std::string text = std::string(word).substr(0, 3) + "*";
    std::vector<std::string> found[2];
    crm_db* dbs[2] = {view.get(), oracle.get()};
    for (int side = 0; side < 2; ++side) {
      crm_rows* rows_raw = nullptr;
      int rc = crm_customer_search(&rows_raw, dbs[side], text.c_str(), 1000);
      EXPECT_EQ(rc, CRM_OK) << text << ": " << crm_last_error_message();
      Rows rows(rows_raw);
      for (size_t i = 0; rc == CRM_OK && i < crm_rows_size(rows.get()); ++i) {
        int64_t id = crm_record_id(crm_rows_at(rows.get(), i));
        if (side == 0) {
          auto mapped = to_oracle.find(id);
          found[side].push_back(mapped == to_oracle.end()
                                    ? "LEAKED " + std::to_string(id)
                                    : std::to_string(mapped->second));
        } else {
          found[side].push_back(std::to_string(id));
        }
      }
      std::sort(found[side].begin(), found[side].end());
    }
    EXPECT_EQ(found[0], found[1]) << "search " << text;
  }

  // By id: records, field timelines and event timelines.
  std::vector<const char*> readable_types;
  for (const char* type : kEventTypes) {
    if (world.profile.events.at(type)) readable_types.push_back(type);
  }
  for (size_t c = 0; c < ids.size(); ++c) {
    int64_t id = ids[c];
    crm_record* got = nullptr;
    int rc = crm_customer_get(&got, view.get(), id);
    Record seen(got);
    auto mapped = to_oracle.find(id);
    if (mapped == to_oracle.end()) {
      EXPECT_EQ(rc, CRM_E_NOT_FOUND) << "customer " << id << " out of scope";
    } else {
      EXPECT_EQ(rc, CRM_OK) << crm_last_error_message();
      Record expected = Get(oracle.get(), mapped->second);
      if (seen != nullptr && expected != nullptr) {
        EXPECT_EQ(Canonical(seen.get(), nullptr, nullptr),
                  Canonical(expected.get(), &readable, nullptr))
            << "customer " << id;
      }
    }
    const FieldSpec& field = random.Pick(kFields);
    std::vector<std::string> intervals[2];
    crm_db* dbs[2] = {view.get(), oracle.get()};
    int64_t who[2] = {id, mapped == to_oracle.end() ? 0 : mapped->second};
    int status[2] = {CRM_OK, CRM_OK};
    for (int side = 0; side < 2; ++side) {
      if (who[side] == 0) continue;
      crm_field_timeline* timeline = nullptr;
      status[side] =
          crm_field_timeline_get(&timeline, dbs[side], who[side], field.name);
      for (size_t i = 0;
           status[side] == CRM_OK && i < crm_field_timeline_size(timeline);
           ++i) {
        intervals[side].push_back(
            ValueText(crm_field_timeline_value(timeline, i), field.name));
      }
      crm_field_timeline_free(timeline);
    }
    if (!Readable(world, field.name) || who[1] == 0) {
      EXPECT_TRUE(intervals[0].empty())
          << "the timeline of " << field.name << " of customer " << id
          << " shows " << intervals[0].size() << " values";
    } else {
      EXPECT_EQ(status[0], CRM_OK) << crm_last_error_message();
      EXPECT_EQ(intervals[0], intervals[1])
          << "timeline of " << field.name << " of customer " << id;
    }

    // The event timeline, asked for the types the profile reads (naming a
    // hidden type is refused, as a hidden field is).
    std::vector<std::string> events[2];
    for (int side = 0; side < 2 && !readable_types.empty(); ++side) {
      if (who[side] == 0) continue;
      crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
      options.types = readable_types.data();
      options.type_count = readable_types.size();
      options.oldest_first = 1;
      options.page_size = 1000;
      crm_event_page* page_raw = nullptr;
      int rc_page =
          crm_event_timeline(&page_raw, dbs[side], who[side], &options);
      EXPECT_EQ(rc_page, CRM_OK) << crm_last_error_message();
      Page page(page_raw);
      for (size_t i = 0;
           rc_page == CRM_OK && i < crm_event_page_size(page.get()); ++i) {
        crm_event* event = crm_event_page_at(page.get(), i);
        events[side].push_back(
            std::string(crm_event_type(event)) + "@" +
            std::to_string(crm_event_occurred_at(event)) + " " +
            Canonical(crm_event_properties(event), nullptr, nullptr));
      }
    }
    EXPECT_EQ(events[0], events[1]) << "events of customer " << id;
  }
  return !HasFailure();
}

TEST_F(AccessLeakTest, RandomProfilesRevealNothingTheyHide) {
  Options options = ReadOptions();
  SCOPED_TRACE("replay with CRM_LEAK_SEED=" + std::to_string(options.seed) +
               " CRM_LEAK_ITERATIONS=" + std::to_string(options.iterations));
  Random random(options.seed);
  for (int i = 0; i < options.iterations; ++i) {
    if (!RunIteration(random, i)) break;
  }
}

}  // namespace
}  // namespace crm_test
