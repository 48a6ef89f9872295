// Queries through a restricted handle (crm.h, "Access profiles and
// restricted handles"): a view answers what the same query answers,
// unrestricted, on the customers in its scope without the fields it hides,
// or refuses a query that names a hidden field. Each expectation compares
// with the admin handle's answer restricted by hand to the scope.
#include <string>
#include <vector>

#include "test_support.h"

namespace crm_test {
namespace {

// "desk" reads name, owner, tier, note, score and the times; compares email
// by whole value only (masked_match); masks phone; hides secret and every
// field it does not name. Events: calls (but not by sms) and anything by
// email, and orders. Scope: the customers its actor owns.
constexpr char kDesk[] = R"({"name": "desk",
  "fields": {"name": "read_write", "owner": "read_only", "tier": "read_only",
             "note": "read_write", "score": "read_only",
             "email": "masked_match", "phone": "masked", "secret": "hidden",
             "created_at": "read_only", "updated_at": "read_only"},
  "events": [{"type": "call", "access": "read"},
             {"type": "call", "channel": "sms", "access": "hidden"},
             {"channel": "email", "access": "read"},
             {"type": "order", "access": "read"}],
  "scope": "owner = :actor"})";

// "planner" is "desk" that may also save and delete segments.
constexpr char kPlanner[] = R"({"name": "planner",
  "fields": {"name": "read_write", "owner": "read_only", "tier": "read_only",
             "note": "read_write", "score": "read_only"},
  "scope": "owner = :actor",
  "operations": ["segments"]})";

Query NewQuery(const char* filter, int target = CRM_QUERY_CUSTOMERS) {
  crm_query* raw = nullptr;
  EXPECT_EQ(crm_query_new(&raw, target), CRM_OK);
  EXPECT_EQ(crm_query_set_filter(raw, filter), CRM_OK);
  return Query(raw);
}

class AccessQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Define(db_.get(), R"({"name": "tier", "type": "text"})");
    Define(db_.get(), R"({"name": "note", "type": "text"})");
    Define(db_.get(), R"({"name": "secret", "type": "text"})");
    Define(db_.get(), R"({"name": "score", "type": "integer"})");
    ASSERT_EQ(crm_profile_define(db_.get(), kDesk), CRM_OK)
        << crm_last_error_message();
    ASSERT_EQ(crm_profile_define(db_.get(), kPlanner), CRM_OK)
        << crm_last_error_message();
    view_ = Restrict("desk", "alice");
    ada_ = Add("Ada", "alice", "gold", "", "zebra", 10, "ada@example.com");
    bob_ = Add("Bob", "bob", "gold", "zebra", "", 20, "bob@example.com");
    cy_ = Add("Cy", "alice", "silver", "zebra crossing", "", 30, "");
    di_ = Add("Di", "alice", "gold", "", "", 40, "di@example.com");
  }

  Db Restrict(const char* profile, const char* actor) {
    return RestrictTo(db_.get(), profile, actor);
  }

  int64_t Add(const char* name, const char* owner, const char* tier,
              const char* note, const char* secret, int64_t score,
              const char* email) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", name);
    crm_record_set_text(record.get(), "owner", owner);
    crm_record_set_text(record.get(), "tier", tier);
    if (*note) crm_record_set_text(record.get(), "note", note);
    if (*secret) crm_record_set_text(record.get(), "secret", secret);
    if (*email) crm_record_set_text(record.get(), "email", email);
    crm_record_set_text(record.get(), "phone", "+1 202 555 0147");
    crm_record_set_integer(record.get(), "score", score);
    return Create(db_.get(), record.get());
  }

  void Append(int64_t customer, const char* type, const char* channel) {
    crm_event* raw = nullptr;
    ASSERT_EQ(crm_event_new(&raw), CRM_OK);
    Event event(raw);
    crm_event_set_customer(raw, customer);
    crm_event_set_type(raw, type);
    if (*channel) crm_event_set_channel(raw, channel);
    int64_t seq = 0;
    ASSERT_EQ(crm_event_append(&seq, nullptr, db_.get(), raw), CRM_OK)
        << crm_last_error_message();
  }

  // The rows of `query` on `db`; null (and the status in `rc`) on failure.
  static Rows RunOn(crm_db* db, const crm_query* query, int* rc = nullptr) {
    crm_rows* raw = nullptr;
    int status = crm_query_run(&raw, db, query);
    if (rc != nullptr) *rc = status;
    return Rows(raw);
  }

  static int64_t CountOn(crm_db* db, const char* filter,
                         int target = CRM_QUERY_CUSTOMERS) {
    Query query = NewQuery(filter, target);
    int64_t count = -1;
    EXPECT_EQ(crm_query_count(&count, db, query.get()), CRM_OK)
        << filter << ": " << crm_last_error_message();
    return count;
  }

  // The names of the customers `query` returns on `db`.
  static std::vector<std::string> Names(crm_db* db, const crm_query* query) {
    int rc = 0;
    Rows rows = RunOn(db, query, &rc);
    EXPECT_EQ(rc, CRM_OK) << crm_last_error_message();
    std::vector<std::string> names;
    for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
      names.push_back(Text(crm_rows_at(rows.get(), i), "name"));
    }
    return names;
  }

  // Each row as "<key>:<part>/<whole>" (text key, integer part and whole).
  static std::vector<std::string> Ratios(Rows rows, const char* key,
                                         const char* part, const char* whole) {
    std::vector<std::string> out;
    for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
      crm_record* row = crm_rows_at(rows.get(), i);
      int64_t numerator = 0, denominator = 0;
      crm_record_get_integer(&numerator, row, part);
      crm_record_get_integer(&denominator, row, whole);
      out.push_back(Text(row, key) + ":" + std::to_string(numerator) + "/" +
                    std::to_string(denominator));
    }
    return out;
  }

  static std::vector<std::string> Search(crm_db* db, const char* text) {
    crm_rows* raw = nullptr;
    EXPECT_EQ(crm_customer_search(&raw, db, text, 100), CRM_OK)
        << crm_last_error_message();
    Rows rows(raw);
    std::vector<std::string> names;
    for (size_t i = 0; i < crm_rows_size(raw); ++i) {
      names.push_back(Text(crm_rows_at(raw, i), "name"));
    }
    return names;
  }

  // Expects the filter to be refused on the view with `rule`, naming
  // `field`, at byte `position`.
  void ExpectFilterDenied(const char* filter, const char* field,
                          const char* rule, int64_t position,
                          int target = CRM_QUERY_CUSTOMERS) {
    SCOPED_TRACE(filter);
    Query query = NewQuery(filter, target);
    crm_rows* raw = nullptr;
    EXPECT_CRM_ERROR(crm_query_run(&raw, view_.get(), query.get()),
                     CRM_E_DENIED, field, rule);
    EXPECT_EQ(crm_last_error_position(), position);
    int64_t count = 0;
    EXPECT_CRM_ERROR(crm_query_count(&count, view_.get(), query.get()),
                     CRM_E_DENIED, field, rule);
  }

  Db db_ = OpenDb(":memory:");
  Db view_;
  int64_t ada_ = 0, bob_ = 0, cy_ = 0, di_ = 0;
};

TEST_F(AccessQueryTest, FilterNamingAHiddenFieldIsRefusedAtItsPosition) {
  ExpectFilterDenied("secret = 'zebra'", "secret", "hidden", 0);
  ExpectFilterDenied("tier = 'gold' and secret is null", "secret", "hidden",
                     18);
  ExpectFilterDenied("customer.secret = 'zebra'", "customer.secret", "hidden",
                     0, CRM_QUERY_EVENTS);
  // The unrestricted handle runs them.
  EXPECT_EQ(CountOn(db_.get(), "secret = 'zebra'"), 1);
}

TEST_F(AccessQueryTest, UnknownFieldsStayValidationErrors) {
  Query query = NewQuery("nosuch = 1");
  crm_rows* raw = nullptr;
  EXPECT_CRM_ERROR(crm_query_run(&raw, view_.get(), query.get()),
                   CRM_E_VALIDATION, "nosuch", "unknown_field");
}

TEST_F(AccessQueryTest, SortGroupAggregateAndSelectOfAHiddenFieldAreRefused) {
  Query sort = NewQuery("");
  crm_query_order_by(sort.get(), "secret", 0);
  crm_rows* raw = nullptr;
  EXPECT_CRM_ERROR(crm_query_run(&raw, view_.get(), sort.get()), CRM_E_DENIED,
                   "secret", "hidden");
  Query select = NewQuery("");
  crm_query_select(select.get(), "name");
  crm_query_select(select.get(), "secret");
  EXPECT_CRM_ERROR(crm_query_run(&raw, view_.get(), select.get()), CRM_E_DENIED,
                   "secret", "hidden");
  Query group = NewQuery("");
  crm_query_group_by(group.get(), "secret", CRM_BUCKET_NONE);
  crm_query_aggregate(group.get(), CRM_AGG_COUNT, nullptr, nullptr);
  EXPECT_CRM_ERROR(crm_query_run_aggregate(&raw, view_.get(), group.get()),
                   CRM_E_DENIED, "secret", "hidden");
  Query aggregate = NewQuery("");
  crm_query_aggregate(aggregate.get(), CRM_AGG_MAX, "secret", nullptr);
  EXPECT_CRM_ERROR(crm_query_run_aggregate(&raw, view_.get(), aggregate.get()),
                   CRM_E_DENIED, "secret", "hidden");
  // The same queries on visible fields run.
  Query fine = NewQuery("");
  crm_query_order_by(fine.get(), "score", 1);
  EXPECT_EQ(Names(view_.get(), fine.get()),
            (std::vector<std::string>{"Di", "Cy", "Ada"}));
}

TEST_F(AccessQueryTest, DefaultRowsHoldOnlyReadableFieldsMasked) {
  Query query = NewQuery("name = 'Ada'");
  int rc = 0;
  Rows rows = RunOn(view_.get(), query.get(), &rc);
  ASSERT_EQ(rc, CRM_OK) << crm_last_error_message();
  ASSERT_EQ(crm_rows_size(rows.get()), 1u);
  crm_record* ada = crm_rows_at(rows.get(), 0);
  EXPECT_EQ(Text(ada, "secret"), "<none>");
  EXPECT_EQ(Text(ada, "tier"), "gold");
  EXPECT_EQ(Text(ada, "email"), "***@example.com");
  EXPECT_EQ(Text(ada, "phone"), "***0147");
  EXPECT_EQ(crm_record_id(ada), ada_);
}

TEST_F(AccessQueryTest, RowsShowTheVersionOfChangesTheProfileSees) {
  auto stamp = [](crm_db* db) {
    Query query = NewQuery("name = 'Ada'");
    crm_query_select(query.get(), "name");
    crm_query_select(query.get(), "updated_at");
    Rows rows = RunOn(db, query.get());
    EXPECT_EQ(crm_rows_size(rows.get()), 1u);
    const crm_record* ada = crm_rows_at(rows.get(), 0);
    int64_t at = 0;
    EXPECT_EQ(crm_record_get_datetime(&at, ada, "updated_at"), CRM_OK);
    return std::to_string(crm_record_version(ada)) + "@" + std::to_string(at);
  };
  std::string view_before = stamp(view_.get());
  std::string admin_before = stamp(db_.get());
  Record change = NewRecord();
  crm_record_set_text(change.get(), "secret", "giraffe");
  ASSERT_EQ(
      crm_customer_update(nullptr, db_.get(), ada_, 0, change.get(), "admin"),
      CRM_OK)
      << crm_last_error_message();
  EXPECT_NE(stamp(db_.get()), admin_before);
  EXPECT_EQ(stamp(view_.get()), view_before);
}

TEST_F(AccessQueryTest, MaskedFieldsCompareOnlyByWholeValueWithMaskedMatch) {
  // email is masked_match: equality and emptiness run.
  Query equal = NewQuery("email = 'ada@example.com'");
  EXPECT_EQ(Names(view_.get(), equal.get()), std::vector<std::string>{"Ada"});
  EXPECT_EQ(CountOn(view_.get(), "email in ('di@example.com', 'x@y.z')"), 1);
  EXPECT_EQ(CountOn(view_.get(), "email is null"), 1);
  EXPECT_EQ(
      CountOn(view_.get(), "email != 'ada@example.com'"),
      CountOn(db_.get(), "email != 'ada@example.com' and owner = 'alice'"));
  // Anything else on a masked field is refused.
  ExpectFilterDenied("email contains 'ada'", "email", "masked", 0);
  ExpectFilterDenied("tier = 'gold' and email < 'b'", "email", "masked", 18);
  ExpectFilterDenied("email starts with 'a'", "email", "masked", 0);
  // phone is masked: not even equality.
  ExpectFilterDenied("phone = '+1 202 555 0147'", "phone", "masked", 0);
  Query sort = NewQuery("");
  crm_query_order_by(sort.get(), "email", 0);
  crm_rows* raw = nullptr;
  EXPECT_CRM_ERROR(crm_query_run(&raw, view_.get(), sort.get()), CRM_E_DENIED,
                   "email", "masked");
  Query group = NewQuery("");
  crm_query_group_by(group.get(), "phone", CRM_BUCKET_NONE);
  EXPECT_CRM_ERROR(crm_query_run_aggregate(&raw, view_.get(), group.get()),
                   CRM_E_DENIED, "phone", "masked");
}

TEST_F(AccessQueryTest, UpdatedAtIsNotComparedOnAProfileThatHidesAField) {
  ExpectFilterDenied("updated_at > 0", "updated_at", "hidden", 0);
  Query sort = NewQuery("");
  crm_query_order_by(sort.get(), "updated_at", 1);
  crm_rows* raw = nullptr;
  EXPECT_CRM_ERROR(crm_query_run(&raw, view_.get(), sort.get()), CRM_E_DENIED,
                   "updated_at", "hidden");
  // created_at does not move with hidden changes.
  EXPECT_EQ(CountOn(view_.get(), "created_at > 0"), 3);
}

TEST_F(AccessQueryTest, CountsAndAggregatesStayInsideTheScope) {
  EXPECT_EQ(CountOn(view_.get(), ""), CountOn(db_.get(), "owner = 'alice'"));
  EXPECT_EQ(CountOn(view_.get(), ""), 3);
  EXPECT_EQ(CountOn(view_.get(), "tier = 'gold'"),
            CountOn(db_.get(), "tier = 'gold' and owner = 'alice'"));
  // Bob is gold and outside the scope: absent, also by id.
  std::string bob = "id = " + std::to_string(bob_);
  EXPECT_EQ(CountOn(view_.get(), bob.c_str()), 0);
  EXPECT_EQ(CountOn(db_.get(), bob.c_str()), 1);
  auto sums = [](crm_db* db, const char* filter) {
    Query query = NewQuery(filter);
    crm_query_group_by(query.get(), "tier", CRM_BUCKET_NONE);
    crm_query_aggregate(query.get(), CRM_AGG_SUM, "score", "total");
    crm_query_aggregate(query.get(), CRM_AGG_COUNT, nullptr, "n");
    crm_rows* raw = nullptr;
    EXPECT_EQ(crm_query_run_aggregate(&raw, db, query.get()), CRM_OK)
        << crm_last_error_message();
    return Ratios(Rows(raw), "tier", "total", "n");
  };
  EXPECT_EQ(sums(view_.get(), ""), sums(db_.get(), "owner = 'alice'"));
  EXPECT_EQ(sums(view_.get(), ""),
            (std::vector<std::string>{"gold:50/2", "silver:30/1"}));
}

TEST_F(AccessQueryTest, FillRatesListReadableFieldsCountedInScope) {
  auto rates = [](crm_db* db) {
    crm_rows* raw = nullptr;
    EXPECT_EQ(crm_field_fill_rates(&raw, db), CRM_OK)
        << crm_last_error_message();
    std::vector<std::string> out;
    for (const std::string& rate :
         Ratios(Rows(raw), "field", "filled", "total")) {
      for (const char* field : {"name:", "email:", "note:", "secret:"}) {
        if (rate.rfind(field, 0) == 0) out.push_back(rate);
      }
    }
    return out;
  };
  EXPECT_EQ(rates(db_.get()),
            (std::vector<std::string>{"name:4/4", "email:3/4", "note:2/4",
                                      "secret:1/4"}));
  // Alice's three: Ada and Di have an email, Cy a note; secret not listed.
  EXPECT_EQ(rates(view_.get()),
            (std::vector<std::string>{"name:3/3", "email:2/3", "note:1/3"}));
}

TEST_F(AccessQueryTest, SearchMatchesOnlyTextTheProfileReadsPlainly) {
  // "zebra" is Ada's secret (hidden), Bob's note (out of scope) and Cy's
  // note (visible).
  EXPECT_EQ(Search(db_.get(), "zebra").size(), 3u);
  EXPECT_EQ(Search(view_.get(), "zebra"), std::vector<std::string>{"Cy"});
  EXPECT_EQ(Search(view_.get(), "zeb*"), std::vector<std::string>{"Cy"});
  EXPECT_EQ(Search(view_.get(), "zebra crossing"),
            std::vector<std::string>{"Cy"});
  EXPECT_EQ(Search(view_.get(), "crossing zebra"),
            std::vector<std::string>{"Cy"});
  // Masked text is not searched either: Ada's email.
  EXPECT_EQ(Search(db_.get(), "ada@example.com"),
            std::vector<std::string>{"Ada"});
  EXPECT_TRUE(Search(view_.get(), "ada@example.com").empty());
  EXPECT_EQ(Search(view_.get(), "Di"), std::vector<std::string>{"Di"});
  // A word only in hidden text finds nothing on the view.
  Add("Eli", "alice", "gold", "", "okapi okapi okapi", 1, "");
  EXPECT_EQ(Search(db_.get(), "okapi"), std::vector<std::string>{"Eli"});
  EXPECT_TRUE(Search(view_.get(), "okapi").empty());
  // "search matches" in a filter would read the whole index: refused.
  ExpectFilterDenied("search matches 'zebra'", "search", "hidden", 0);
}

TEST_F(AccessQueryTest, SearchOrderDoesNotDependOnHiddenText) {
  // Same visible text; the index would rank by the hidden repetitions.
  int64_t first = Add("Fay walrus", "alice", "tin", "", "walrus", 1, "");
  int64_t second =
      Add("Gus walrus", "alice", "tin", "", "walrus walrus walrus", 1, "");
  crm_rows* raw = nullptr;
  ASSERT_EQ(crm_customer_search(&raw, view_.get(), "walrus", 10), CRM_OK);
  Rows rows(raw);
  ASSERT_EQ(crm_rows_size(raw), 2u);
  EXPECT_EQ(crm_record_id(crm_rows_at(raw, 0)), first);
  EXPECT_EQ(crm_record_id(crm_rows_at(raw, 1)), second);
  // With a limit, the first by id, whatever the rank.
  crm_rows* one = nullptr;
  ASSERT_EQ(crm_customer_search(&one, view_.get(), "walrus", 1), CRM_OK);
  Rows kept(one);
  ASSERT_EQ(crm_rows_size(one), 1u);
  EXPECT_EQ(crm_record_id(crm_rows_at(one, 0)), first);
}

TEST_F(AccessQueryTest, SegmentsNeedTheOperationAndHideWhatNamesHiddenFields) {
  EXPECT_CRM_ERROR(
      crm_segment_save(view_.get(), "mine", CRM_QUERY_CUSTOMERS, "tier = 'x'"),
      CRM_E_DENIED, "", "operation");
  ASSERT_EQ(
      crm_segment_save(db_.get(), "gold", CRM_QUERY_CUSTOMERS, "tier = 'gold'"),
      CRM_OK);
  ASSERT_EQ(crm_segment_save(db_.get(), "zebras", CRM_QUERY_CUSTOMERS,
                             "secret = 'zebra'"),
            CRM_OK);
  EXPECT_CRM_ERROR(crm_segment_delete(view_.get(), "gold"), CRM_E_DENIED, "",
                   "operation");
  int64_t count = -1;
  ASSERT_EQ(crm_segment_count(&count, view_.get(), "gold"), CRM_OK);
  EXPECT_EQ(count, CountOn(db_.get(), "tier = 'gold' and owner = 'alice'"));
  EXPECT_EQ(count, 2);
  EXPECT_CRM_ERROR(crm_segment_count(&count, view_.get(), "zebras"),
                   CRM_E_DENIED, "secret", "hidden");
  crm_rows* raw = nullptr;
  ASSERT_EQ(crm_segment_list(&raw, view_.get()), CRM_OK)
      << crm_last_error_message();
  Rows list(raw);
  ASSERT_EQ(crm_rows_size(raw), 1u);
  EXPECT_EQ(Text(crm_rows_at(raw, 0), "name"), "gold");
  int64_t listed = 0;
  crm_record_get_integer(&listed, crm_rows_at(raw, 0), "count");
  EXPECT_EQ(listed, 2);
  // A profile granted "segments" saves and deletes; its filter is checked.
  Db planner = Restrict("planner", "alice");
  EXPECT_EQ(crm_segment_save(planner.get(), "mine", CRM_QUERY_CUSTOMERS,
                             "score > 15"),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_CRM_ERROR(crm_segment_save(planner.get(), "peek", CRM_QUERY_CUSTOMERS,
                                    "secret = 'zebra'"),
                   CRM_E_DENIED, "secret", "hidden");
  EXPECT_EQ(crm_segment_delete(planner.get(), "mine"), CRM_OK);
}

TEST_F(AccessQueryTest, EventQueriesCountOnlyReadableEventsOfCustomersInScope) {
  for (int64_t id : {ada_, bob_, cy_}) {
    Append(id, "call", "phone");
    Append(id, "call", "sms");
    Append(id, "visit", "email");
    Append(id, "visit", "store");
  }
  // Readable: calls not by sms, anything by email; of Alice's customers.
  EXPECT_EQ(CountOn(view_.get(), "", CRM_QUERY_EVENTS), 4);
  EXPECT_EQ(CountOn(view_.get(), "", CRM_QUERY_EVENTS),
            CountOn(db_.get(),
                    "customer.owner = 'alice' and ((type = 'call' and "
                    "channel != 'sms') or channel = 'email')",
                    CRM_QUERY_EVENTS));
  EXPECT_EQ(CountOn(view_.get(), "type = 'visit'", CRM_QUERY_EVENTS), 2);
  EXPECT_EQ(CountOn(view_.get(), "channel = 'sms'", CRM_QUERY_EVENTS), 0);
  // History events are left out on a view, though the admin sees them.
  EXPECT_GT(
      CountOn(db_.get(), "type starts with 'crm.record.'", CRM_QUERY_EVENTS),
      0);
  EXPECT_EQ(
      CountOn(view_.get(), "type starts with 'crm.record.'", CRM_QUERY_EVENTS),
      0);
  // Their customers' fields as the profile reads them: email masked.
  Query calls = NewQuery("type = 'call'", CRM_QUERY_EVENTS);
  crm_query_select(calls.get(), "customer.email");
  Rows shown = RunOn(view_.get(), calls.get());
  ASSERT_EQ(crm_rows_size(shown.get()), 2u);
  EXPECT_EQ(Text(crm_rows_at(shown.get(), 0), "customer.email"),
            "***@example.com");
  Query secrets = NewQuery("", CRM_QUERY_EVENTS);
  crm_query_select(secrets.get(), "customer.secret");
  crm_rows* denied = nullptr;
  EXPECT_CRM_ERROR(crm_query_run(&denied, view_.get(), secrets.get()),
                   CRM_E_DENIED, "customer.secret", "hidden");
  // Grouped by customer: only Ada and Cy.
  Query group = NewQuery("", CRM_QUERY_EVENTS);
  crm_query_group_by(group.get(), "customer_id", CRM_BUCKET_NONE);
  crm_query_aggregate(group.get(), CRM_AGG_COUNT, nullptr, "n");
  crm_rows* raw = nullptr;
  ASSERT_EQ(crm_query_run_aggregate(&raw, view_.get(), group.get()), CRM_OK)
      << crm_last_error_message();
  Rows rows(raw);
  ASSERT_EQ(crm_rows_size(raw), 2u);
  int64_t first = 0;
  crm_record_get_integer(&first, crm_rows_at(raw, 0), "customer_id");
  EXPECT_EQ(first, ada_);
}

TEST_F(AccessQueryTest, CohortsNeedVisibleTypesAndCountCustomersInScope) {
  for (int64_t id : {ada_, bob_, cy_}) {
    Append(id, "order", "web");
    Append(id, "order", "phone");
    Append(id, "call", "phone");
  }
  auto customers = [](crm_db* db, const char* first, const char* then) {
    crm_rows* raw = nullptr;
    EXPECT_EQ(crm_cohort(&raw, db, first, then, 30, CRM_BUCKET_NONE), CRM_OK)
        << crm_last_error_message();
    Rows rows(raw);
    int64_t n = -1;
    if (crm_rows_size(raw) == 1) {
      crm_record_get_integer(&n, crm_rows_at(raw, 0), "customers");
    }
    return n;
  };
  EXPECT_EQ(customers(db_.get(), "order", "order"), 3);
  EXPECT_EQ(customers(view_.get(), "order", "order"), 2);
  crm_rows* raw = nullptr;
  // Calls by sms are hidden: not every call is visible.
  EXPECT_CRM_ERROR(
      crm_cohort(&raw, view_.get(), "order", "call", 30, CRM_BUCKET_NONE),
      CRM_E_DENIED, "call", "hidden");
  Db planner = Restrict("planner", "alice");
  EXPECT_CRM_ERROR(
      crm_cohort(&raw, planner.get(), "order", "order", 30, CRM_BUCKET_NONE),
      CRM_E_DENIED, "order", "hidden");
  EXPECT_CRM_ERROR(
      crm_cohort(&raw, view_.get(), "order", "visit", 30, CRM_BUCKET_NONE),
      CRM_E_DENIED, "visit", "hidden");
  EXPECT_CRM_ERROR(crm_cohort(&raw, view_.get(), "crm.record.created", "call",
                              30, CRM_BUCKET_NONE),
                   CRM_E_DENIED, "crm.record.created", "hidden");
}

TEST_F(AccessQueryTest, ExplainIsForUnrestrictedHandles) {
  Query query = NewQuery("tier = 'gold'");
  char* plan = nullptr;
  EXPECT_CRM_ERROR(crm_query_explain(&plan, view_.get(), query.get()),
                   CRM_E_DENIED, "", "operation");
  ASSERT_EQ(crm_query_explain(&plan, db_.get(), query.get()), CRM_OK);
  crm_string_free(plan);
}

TEST_F(AccessQueryTest, AFilterCheckedForOneHandleIsNotReusedForTheOther) {
  for (const char* filter :
       {"secret = 'zebra'", "email contains 'example'", "updated_at > 0"}) {
    SCOPED_TRACE(filter);
    // Admin first, then the view, then the admin again.
    EXPECT_GE(CountOn(db_.get(), filter), 1);
    Query query = NewQuery(filter);
    int64_t count = 0;
    EXPECT_EQ(crm_query_count(&count, view_.get(), query.get()), CRM_E_DENIED);
    EXPECT_GE(CountOn(db_.get(), filter), 1);
    EXPECT_EQ(crm_query_count(&count, view_.get(), query.get()), CRM_E_DENIED);
  }
  // View first on a fresh filter text, then the admin.
  Query fresh = NewQuery("secret = 'okapi'");
  int64_t count = 0;
  EXPECT_EQ(crm_query_count(&count, view_.get(), fresh.get()), CRM_E_DENIED);
  EXPECT_EQ(CountOn(db_.get(), "secret = 'okapi'"), 0);
  EXPECT_EQ(crm_query_count(&count, view_.get(), fresh.get()), CRM_E_DENIED);
}

}  // namespace
}  // namespace crm_test
