// The engine under test: libcrm through its public C ABI only, with batches
// built from the public crm.proto as a host would build them. The same code
// serves a workspace file (engine "libcrm") and a PostgreSQL workspace
// (engine "libcrm_pg"); only the open differs.
#include <cstdlib>
#include <iterator>
#include <memory>
#include <string>

#include "crm/crm.h"
#include "crm/crm.pb.h"
#include "crm_owned.h"
#include "store.h"

namespace crm_bench {
namespace {

constexpr const char* kFieldDefinitions[] = {
    R"({"name": "segment", "type": "integer", "indexed": true})",
    R"({"name": "revenue", "type": "decimal", "scale": 2})",
    R"({"name": "active", "type": "boolean"})",
    R"({"name": "signup_date", "type": "date"})",
    R"({"name": "last_contact", "type": "datetime"})",
    R"({"name": "plan", "type": "choice",
        "options": ["basic", "plus", "premium", "enterprise"]})",
    R"({"name": "interests", "type": "tags"})",
    R"({"name": "notes", "type": "text"})",
    R"({"name": "employees", "type": "integer", "min": "0"})",
    R"({"name": "credit_limit", "type": "decimal", "scale": 2})",
};

constexpr const char* kColumns[] = {
    "name",    "email",     "phone",  "city",        "external_id",
    "segment", "revenue",   "active", "signup_date", "last_contact",
    "plan",    "interests", "notes",  "employees",   "credit_limit"};

// This thread's last libcrm error: "CRM_E_...: message".
std::string LastError() {
  return std::string(crm_status_name(crm_last_error_code())) + ": " +
         crm_last_error_message();
}

class LibcrmStore : public Store {
 public:
  explicit LibcrmStore(LibcrmOpen open) : open_(open) {}
  ~LibcrmStore() override { crm_close(db_); }

  bool Open(const std::string& location) override {
    // A server's database may hold other workspaces whose field changes and
    // VACUUMs hold back writes to the tables they share (crm.h, "Backends:
    // what differs"), as the test suite's do while the smoke run goes on:
    // wait for them rather than fail.
    crm_open_options server_options = CRM_OPEN_OPTIONS_INIT;
    server_options.busy_timeout_ms = 60000;
    int rc = open_ == LibcrmOpen::kServer
                 ? crm_open_url(&db_, location.c_str(), &server_options)
                 : crm_open(&db_, location.c_str(), nullptr);
    if (rc != CRM_OK) return CrmFail();
    for (const char* definition : kFieldDefinitions) {
      int64_t id = 0;
      if (crm_field_define(&id, db_, definition) != CRM_OK) return CrmFail();
    }
    return true;
  }

  bool CreateCustomers(const std::vector<Customer>& rows) override {
    // The message is dropped once encoded, as a host would drop it.
    std::string bytes = EncodeCustomers(rows);
    crm_batch_report* raw = nullptr;
    int rc = crm_customer_write_batch(&raw, db_, bytes.data(), bytes.size(),
                                      CRM_BATCH_CREATE);
    std::unique_ptr<crm_batch_report, ReportFree> report(raw);
    if (rc != CRM_OK) return CrmFail();
    for (size_t r = 0; r < rows.size(); ++r) {
      ids_.push_back(crm_batch_report_id(report.get(), r));
    }
    return true;
  }

  bool CountCustomers(int64_t* out) override {
    return crm_customer_count(out, db_) == CRM_OK || CrmFail();
  }

  bool AppendEvents(const std::vector<Event>& rows) override {
    std::string bytes = EncodeEvents(rows);
    if (crm_event_append_batch(nullptr, db_, bytes.data(), bytes.size()) !=
        CRM_OK) {
      return CrmFail();
    }
    return true;
  }

  std::string EncodeEvents(const std::vector<Event>& rows) const {
    crm::wire::EventBatch batch;
    for (const Event& e : rows) {
      crm::wire::EventInput* input = batch.add_events();
      input->set_customer_id(id(e.customer));
      input->set_type(e.type);
      input->set_channel(e.channel);
      input->set_occurred_at_us(e.occurred_at_us);
      crm::wire::Property* amount = input->add_properties();
      amount->set_name("amount");
      amount->mutable_value()->set_decimal(CentsText(e.amount_cents));
      crm::wire::Property* subject = input->add_properties();
      subject->set_name("subject");
      subject->mutable_value()->set_text(e.subject);
    }
    return batch.SerializeAsString();
  }

  static std::string EncodeCustomers(const std::vector<Customer>& rows) {
    crm::wire::CustomerBatch batch;
    for (const char* column : kColumns) batch.add_columns(column);
    for (const Customer& c : rows) {
      crm::wire::CustomerRow* row = batch.add_rows();
      row->mutable_values()->Reserve(std::size(kColumns));
      row->add_values()->set_text(c.name);
      row->add_values()->set_text(c.email);
      row->add_values()->set_text(c.phone);
      row->add_values()->set_text(c.city);
      row->add_values()->set_text(c.external_id);
      row->add_values()->set_integer(c.segment);
      row->add_values()->set_decimal(CentsText(c.revenue_cents));
      row->add_values()->set_boolean(c.active);
      row->add_values()->set_date(c.signup_date);
      row->add_values()->set_datetime_us(c.last_contact_us);
      row->add_values()->set_text(c.plan);
      auto* tags = row->add_values()->mutable_list();
      for (const std::string& tag : c.interests) tags->add_items(tag);
      row->add_values()->set_text(c.notes);
      row->add_values()->set_integer(c.employees);
      row->add_values()->set_decimal(CentsText(c.credit_limit_cents));
    }
    return batch.SerializeAsString();
  }

  bool GetById(int64_t id, CustomerView* out) override {
    crm_record* record = nullptr;
    int rc = crm_customer_get(&record, db_, id);
    return Read(rc, record, out);
  }

  bool GetByEmail(const std::string& email, CustomerView* out) override {
    crm_record* record = nullptr;
    int rc = crm_customer_get_by_email(&record, db_, email.c_str());
    return Read(rc, record, out);
  }

  bool GetByExternalId(const std::string& key, CustomerView* out) override {
    crm_record* record = nullptr;
    int rc = crm_customer_get_by_external_id(&record, db_, key.c_str());
    return Read(rc, record, out);
  }

  bool LatestEvents(int64_t id, int limit,
                    std::vector<EventView>* out) override {
    crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
    options.page_size = static_cast<uint32_t>(limit);
    crm_event_page* raw = nullptr;
    if (crm_event_timeline(&raw, db_, id, &options) != CRM_OK) {
      return CrmFail();
    }
    std::unique_ptr<crm_event_page, PageFree> page(raw);
    out->clear();
    for (size_t i = 0; i < crm_event_page_size(page.get()); ++i) {
      crm_event* event = crm_event_page_at(page.get(), i);
      EventView& view = out->emplace_back();
      view.seq = crm_event_seq(event);
      view.occurred_at_us = crm_event_occurred_at(event);
      view.type = crm_event_type(event);
      const char* channel = crm_event_channel(event);
      if (channel != nullptr) view.channel = channel;
      // Every property copied out, as a host shows the event.
      const crm_record* properties = crm_event_properties(event);
      const char* amount = nullptr;
      const char* subject = nullptr;
      if (crm_record_get_decimal(&amount, properties, "amount") == CRM_OK &&
          crm_record_get_text(&subject, properties, "subject") == CRM_OK) {
        view.properties.assign(amount).append(" ").append(subject);
      } else if (IsHistoryType(view.type)) {
        view.properties.clear();
      } else {
        return CrmFail();
      }
    }
    return true;
  }

  bool ReadAllCustomers(
      int64_t page_size,
      const std::function<void(const Customer& row)>& visit) override {
    std::unique_ptr<crm_query, QueryFree> query(NewQuery(CRM_QUERY_CUSTOMERS));
    for (const char* column : kColumns) crm_query_select(query.get(), column);
    crm_query_set_page_size(query.get(), static_cast<uint32_t>(page_size));
    Customer row;
    std::string cursor;
    do {
      crm_rows* raw = nullptr;
      if (crm_query_set_cursor(query.get(), cursor.c_str()) != CRM_OK ||
          crm_query_run(&raw, db_, query.get()) != CRM_OK) {
        return CrmFail();
      }
      std::unique_ptr<crm_rows, RowsFree> rows(raw);
      for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
        if (!CopyCustomer(crm_rows_at(rows.get(), i), &row)) return CrmFail();
        visit(row);
      }
      cursor = crm_rows_next_cursor(rows.get());
    } while (!cursor.empty());
    return true;
  }

  bool HasQueries() const override { return true; }

  bool FilterBySegment(int64_t segment,
                       std::vector<CustomerView>* out) override {
    std::unique_ptr<crm_query, QueryFree> query(NewQuery(CRM_QUERY_CUSTOMERS));
    crm_query_set_filter(query.get(), "segment = ?");
    crm_record_set_integer(crm_query_params(query.get()), "1", segment);
    crm_query_set_page_size(query.get(), 10000);
    crm_rows* raw = nullptr;
    if (crm_query_run(&raw, db_, query.get()) != CRM_OK) return CrmFail();
    std::unique_ptr<crm_rows, RowsFree> rows(raw);
    out->clear();
    for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
      crm_record* row = crm_rows_at(rows.get(), i);
      CustomerView view;
      const char* email = nullptr;
      view.id = crm_record_id(row);
      if (crm_record_get_text(&email, row, "email") != CRM_OK ||
          crm_record_get_integer(&view.segment, row, "segment") != CRM_OK) {
        return CrmFail();
      }
      view.email = email;
      out->push_back(std::move(view));
    }
    return true;
  }

  bool CountBySegment(int64_t segment, int64_t* out) override {
    std::unique_ptr<crm_query, QueryFree> query(NewQuery(CRM_QUERY_CUSTOMERS));
    crm_query_set_filter(query.get(), "segment = ?");
    crm_record_set_integer(crm_query_params(query.get()), "1", segment);
    return crm_query_count(out, db_, query.get()) == CRM_OK || CrmFail();
  }

  bool CountEventsByTypeMonth(std::vector<GroupRow>* out) override {
    return CountEventsByType(CRM_BUCKET_MONTH, out);
  }

  bool CountEventsByTypeDay(std::vector<GroupRow>* out) override {
    return CountEventsByType(CRM_BUCKET_DAY, out);
  }

  bool AverageRevenueByPlan(std::vector<GroupRow>* out) override {
    std::unique_ptr<crm_query, QueryFree> query(NewQuery(CRM_QUERY_CUSTOMERS));
    crm_query_group_by(query.get(), "plan", CRM_BUCKET_NONE);
    crm_query_aggregate(query.get(), CRM_AGG_AVG, "revenue", "avg");
    return Groups(query.get(), "plan", nullptr, "avg", out);
  }

 private:
  static bool IsHistoryType(const std::string& type) {
    return type.rfind("crm.record.", 0) == 0;
  }

  bool CountEventsByType(int bucket, std::vector<GroupRow>* out) {
    std::unique_ptr<crm_query, QueryFree> query(NewQuery(CRM_QUERY_EVENTS));
    crm_query_set_filter(query.get(), "type != 'crm.record.created'");
    crm_query_group_by(query.get(), "type", CRM_BUCKET_NONE);
    crm_query_group_by(query.get(), "occurred_at", bucket);
    crm_query_aggregate(query.get(), CRM_AGG_COUNT, nullptr, "n");
    return Groups(query.get(), "type", "occurred_at", "n", out);
  }

  bool CrmFail() {
    return crm_last_error_code() == CRM_E_UNSUPPORTED
               ? FailUnsupported(LastError())
               : Fail(LastError());
  }

  static crm_query* NewQuery(int target) {
    crm_query* query = nullptr;
    crm_query_new(&query, target);
    return query;
  }

  // Runs an aggregate query; each row's key is its key fields' text joined
  // by a space, its value the integer or decimal `value` field.
  bool Groups(crm_query* query, const char* key, const char* second_key,
              const char* value, std::vector<GroupRow>* out) {
    crm_rows* raw = nullptr;
    if (crm_query_run_aggregate(&raw, db_, query) != CRM_OK) return CrmFail();
    std::unique_ptr<crm_rows, RowsFree> rows(raw);
    out->clear();
    for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
      crm_record* row = crm_rows_at(rows.get(), i);
      GroupRow group;
      const char* text = "";
      crm_record_get_text(&text, row, key);
      group.key = text;
      if (second_key != nullptr) {
        crm_record_get_text(&text, row, second_key);
        group.key = group.key + " " + text;
      }
      int64_t count = 0;
      if (crm_record_get_integer(&count, row, value) == CRM_OK) {
        group.value = static_cast<double>(count);
      } else if (crm_record_get_decimal(&text, row, value) == CRM_OK) {
        group.value = std::strtod(text, nullptr);
      }
      out->push_back(std::move(group));
    }
    return true;
  }

  // The fields CreateCustomers writes, read from a row by name as a C host
  // would, and copied out.
  static bool CopyCustomer(const crm_record* row, Customer* out) {
    const char* text = nullptr;
    auto copy_text = [&](const char* field, std::string* to) {
      if (crm_record_get_text(&text, row, field) != CRM_OK) return false;
      to->assign(text);
      return true;
    };
    auto cents = [&](const char* field, int64_t* to) {
      if (crm_record_get_decimal(&text, row, field) != CRM_OK) return false;
      *to = CentsFromText(text);
      return true;
    };
    int active = 0;
    size_t tags = 0;
    bool ok =
        copy_text("name", &out->name) && copy_text("email", &out->email) &&
        copy_text("phone", &out->phone) && copy_text("city", &out->city) &&
        copy_text("external_id", &out->external_id) &&
        crm_record_get_integer(&out->segment, row, "segment") == CRM_OK &&
        cents("revenue", &out->revenue_cents) &&
        crm_record_get_boolean(&active, row, "active") == CRM_OK &&
        crm_record_get_date(&text, row, "signup_date") == CRM_OK;
    if (!ok) return false;
    out->active = active != 0;
    out->signup_date.assign(text);
    ok = crm_record_get_datetime(&out->last_contact_us, row, "last_contact") ==
             CRM_OK &&
         copy_text("plan", &out->plan) &&
         crm_record_get_list_size(&tags, row, "interests") == CRM_OK &&
         copy_text("notes", &out->notes) &&
         crm_record_get_integer(&out->employees, row, "employees") == CRM_OK &&
         cents("credit_limit", &out->credit_limit_cents);
    out->interests.resize(tags);
    for (size_t t = 0; ok && t < tags; ++t) {
      ok = crm_record_get_list_item(&text, row, "interests", t) == CRM_OK;
      if (ok) out->interests[t].assign(text);
    }
    return ok;
  }

  // A point read as a host takes it: every written value copied out.
  bool Read(int rc, crm_record* raw, CustomerView* out) {
    std::unique_ptr<crm_record, RecordFree> record(raw);
    if (rc != CRM_OK || !CopyCustomer(record.get(), &whole_)) return CrmFail();
    out->id = crm_record_id(record.get());
    out->email = whole_.email;
    out->segment = whole_.segment;
    return true;
  }

  Customer whole_;  // the last customer read

  const LibcrmOpen open_;
  crm_db* db_ = nullptr;
};

}  // namespace

std::unique_ptr<Store> NewLibcrmStore(LibcrmOpen open) {
  return std::make_unique<LibcrmStore>(open);
}

std::string DropLibcrmWorkspace(const std::string& url) {
  return crm_workspace_drop(url.c_str()) == CRM_OK ? "" : LastError();
}

}  // namespace crm_bench
