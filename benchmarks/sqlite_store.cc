// The baselines: what a developer would write directly on SQLite, with the
// same settings as libcrm (WAL, synchronous=NORMAL, foreign keys on),
// prepared statements and one transaction per batch. See SqliteLayout in
// store.h for what each one does.
#include <sqlite3.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "store.h"

namespace crm_bench {
namespace {

constexpr char kCommonSchema[] = R"sql(
  CREATE TABLE strings(id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
  CREATE TABLE events(
    seq INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    occurred_at INTEGER NOT NULL, recorded_at INTEGER NOT NULL,
    type_id INTEGER NOT NULL, channel_id INTEGER,
    amount INTEGER, subject TEXT);
  CREATE INDEX events_timeline ON events(customer_id, occurred_at, seq);
  CREATE UNIQUE INDEX customers_email ON customers(email COLLATE NOCASE);
  CREATE UNIQUE INDEX customers_external_id ON customers(external_id);
)sql";

constexpr char kStandardColumns[] =
    "id INTEGER PRIMARY KEY, version INTEGER NOT NULL, "
    "created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, "
    "name TEXT, email TEXT, phone TEXT, city TEXT, external_id TEXT";

// User-defined fields in typed columns; decimals as scaled integers.
const char* const kTypedSchema[] = {
    "CREATE TABLE customers(", kStandardColumns,
    ", segment INTEGER, revenue INTEGER, active INTEGER, signup_date TEXT, "
    "last_contact INTEGER, plan TEXT, interests TEXT, notes TEXT, "
    "employees INTEGER, credit_limit INTEGER);"
    "CREATE INDEX customers_segment ON customers(segment);"};

// User-defined fields in one JSON object.
const char* const kJsonSchema[] = {
    "CREATE TABLE customers(", kStandardColumns,
    ", data TEXT NOT NULL);"
    "CREATE INDEX customers_segment "
    "ON customers(json_extract(data, '$.segment'));"};

// The same-work layout: libcrm's standard columns, the user fields typed,
// an event log that also holds the record history, and libcrm's full-text
// settings (migrations 3 and 4 of src/store/migrations.cc).
constexpr char kSameWorkSchema[] = R"sql(
  CREATE TABLE customers(
    id INTEGER PRIMARY KEY, version INTEGER NOT NULL,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    kind TEXT, name TEXT, email TEXT, phone TEXT, company TEXT, street TEXT,
    city TEXT, region TEXT, postal_code TEXT, country TEXT, owner TEXT,
    stage TEXT, tags TEXT, external_id TEXT,
    segment INTEGER, revenue INTEGER, active INTEGER, signup_date TEXT,
    last_contact INTEGER, plan TEXT, interests TEXT, notes TEXT,
    employees INTEGER, credit_limit INTEGER);
  CREATE INDEX customers_segment ON customers(segment);
  CREATE UNIQUE INDEX customers_email ON customers(email COLLATE NOCASE);
  CREATE UNIQUE INDEX customers_external_id ON customers(external_id);
  CREATE TABLE strings(id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
  INSERT INTO strings(id, text) VALUES (1, 'crm.record.created');
  CREATE TABLE events(
    seq INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    occurred_at INTEGER NOT NULL, recorded_at INTEGER NOT NULL,
    type_id INTEGER NOT NULL, channel_id INTEGER, actor_id INTEGER,
    source_id INTEGER, idempotency_key TEXT, properties TEXT);
  CREATE UNIQUE INDEX events_idempotency ON events(idempotency_key)
    WHERE idempotency_key IS NOT NULL;
  CREATE INDEX events_timeline ON events(customer_id, occurred_at, seq);
  CREATE VIRTUAL TABLE search USING fts5(
    content, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
  INSERT INTO search(search, rank) VALUES('automerge', 8);
)sql";
constexpr int64_t kCreatedTypeId = 1;

// Every column of the same-work customer; id, email and segment first, as
// ReadRow() reads them.
constexpr char kSelectSameWork[] =
    "SELECT id, email, segment, version, created_at, updated_at, kind, name, "
    "phone, company, street, city, region, postal_code, country, owner, "
    "stage, tags, external_id, revenue, active, signup_date, last_contact, "
    "plan, interests, notes, employees, credit_limit FROM customers ";

constexpr char kSelectTyped[] =
    "SELECT id, email, segment, version, created_at, updated_at, name, phone, "
    "city, external_id, revenue, active, signup_date, last_contact, plan, "
    "interests, notes, employees, credit_limit FROM customers ";
constexpr char kSelectJson[] =
    "SELECT id, email, json_extract(data, '$.segment'), version, created_at, "
    "updated_at, name, phone, city, external_id, data FROM customers ";

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A JSON array of strings (tags have no characters that need escaping
// beyond quotes and backslashes, which are escaped).
void AppendJsonString(const std::string& text, std::string* out) {
  out->push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string JsonList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(items[i], &out);
  }
  out.push_back(']');
  return out;
}

// The strings of a JsonList() array, unescaped.
void ParseJsonList(const char* json, std::vector<std::string>* out) {
  out->clear();
  for (const char* p = json; *p != '\0'; ++p) {
    if (*p != '"') continue;
    std::string& item = out->emplace_back();
    for (++p; *p != '\0' && *p != '"'; ++p) {
      if (*p == '\\' && p[1] != '\0') ++p;
      item.push_back(*p);
    }
    if (*p == '\0') break;
  }
}

std::string JsonData(const Customer& c) {
  std::string out = "{\"segment\":" + std::to_string(c.segment) +
                    ",\"revenue\":" + std::to_string(c.revenue_cents) +
                    ",\"active\":" + (c.active ? "true" : "false") +
                    ",\"signup_date\":";
  AppendJsonString(c.signup_date, &out);
  out +=
      ",\"last_contact\":" + std::to_string(c.last_contact_us) + ",\"plan\":";
  AppendJsonString(c.plan, &out);
  out += ",\"interests\":" + JsonList(c.interests) + ",\"notes\":";
  AppendJsonString(c.notes, &out);
  out += ",\"employees\":" + std::to_string(c.employees) +
         ",\"credit_limit\":" + std::to_string(c.credit_limit_cents) + "}";
  return out;
}

// The created record's values as a JSON object, what the same-work history
// row keeps (libcrm keeps them in an encoded body).
std::string HistoryJson(const Customer& c) {
  std::string out = "{\"name\":";
  AppendJsonString(c.name, &out);
  out += ",\"email\":";
  AppendJsonString(c.email, &out);
  out += ",\"phone\":";
  AppendJsonString(c.phone, &out);
  out += ",\"city\":";
  AppendJsonString(c.city, &out);
  out += ",\"external_id\":";
  AppendJsonString(c.external_id, &out);
  out += "," + JsonData(c).substr(1);
  return out;
}

// What the full-text index holds for a customer: its text values, and the
// phone's digits (as libcrm's SearchText does).
std::string SearchText(const Customer& c) {
  std::string digits;
  for (char ch : c.phone) {
    if (ch >= '0' && ch <= '9') digits.push_back(ch);
  }
  return c.name + " " + c.email + " " + c.phone + " " + digits + " " + c.city +
         " " + c.external_id + " " + c.signup_date + " " + c.plan + " " +
         c.notes;
}

// An event's properties as JSON text; decimals as exact text.
std::string PropertiesJson(const Event& e) {
  std::string out =
      "{\"amount\":\"" + CentsText(e.amount_cents) + "\",\"subject\":";
  AppendJsonString(e.subject, &out);
  out.push_back('}');
  return out;
}

// A whole same-work customer as a host takes it: every column copied.
struct WholeCustomer {
  int64_t id, segment, version, created_at, updated_at;
  std::string kind, name, email, phone, company, street, city, region,
      postal_code, country, owner, stage, tags, external_id;
  int64_t revenue, active;
  std::string signup_date;
  int64_t last_contact;
  std::string plan;
  std::vector<std::string> interests;
  std::string notes;
  int64_t employees, credit_limit;
};

class SqliteStore : public Store {
 public:
  explicit SqliteStore(SqliteLayout layout)
      : json_(layout == SqliteLayout::kJson),
        same_(layout == SqliteLayout::kSameWork) {}
  ~SqliteStore() override {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    sqlite3_close(db_);
  }

  bool Open(const std::string& path) override {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) return SqlFail();
    if (!Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
              "PRAGMA foreign_keys = ON")) {
      return false;
    }
    if (same_) return Exec(kSameWorkSchema);
    std::string schema;
    for (const char* part : json_ ? kJsonSchema : kTypedSchema) schema += part;
    return Exec(schema) && Exec(kCommonSchema);
  }

  bool CreateCustomers(const std::vector<Customer>& rows) override {
    sqlite3_stmt* insert = Prepare(
        json_ ? "INSERT INTO customers(version, created_at, updated_at, name, "
                "email, phone, city, external_id, data) "
                "VALUES (1, ?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)"
              : "INSERT INTO customers(version, created_at, updated_at, name, "
                "email, phone, city, external_id, segment, revenue, active, "
                "signup_date, last_contact, plan, interests, notes, "
                "employees, credit_limit) VALUES (1, ?1, ?1, ?2, ?3, ?4, ?5, "
                "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
    if (insert == nullptr || !Exec("BEGIN IMMEDIATE")) return false;
    int64_t now = NowUs();
    for (const Customer& c : rows) {
      sqlite3_bind_int64(insert, 1, now);
      BindText(insert, 2, c.name);
      BindText(insert, 3, c.email);
      BindText(insert, 4, c.phone);
      BindText(insert, 5, c.city);
      BindText(insert, 6, c.external_id);
      if (json_) {
        std::string data = JsonData(c);
        sqlite3_bind_text(insert, 7, data.data(), data.size(),
                          SQLITE_TRANSIENT);
      } else {
        sqlite3_bind_int64(insert, 7, c.segment);
        sqlite3_bind_int64(insert, 8, c.revenue_cents);
        sqlite3_bind_int(insert, 9, c.active ? 1 : 0);
        BindText(insert, 10, c.signup_date);
        sqlite3_bind_int64(insert, 11, c.last_contact_us);
        BindText(insert, 12, c.plan);
        std::string interests = JsonList(c.interests);
        sqlite3_bind_text(insert, 13, interests.data(), interests.size(),
                          SQLITE_TRANSIENT);
        BindText(insert, 14, c.notes);
        sqlite3_bind_int64(insert, 15, c.employees);
        sqlite3_bind_int64(insert, 16, c.credit_limit_cents);
      }
      if (!Done(insert)) return Rollback();
      int64_t id = sqlite3_last_insert_rowid(db_);
      if (same_ && !WriteHistoryAndSearch(id, now, c)) return Rollback();
      ids_.push_back(id);
    }
    return Exec("COMMIT");
  }

  bool CountCustomers(int64_t* out) override {
    sqlite3_stmt* count = Prepare("SELECT count(*) FROM customers");
    if (count == nullptr || sqlite3_step(count) != SQLITE_ROW) return SqlFail();
    *out = sqlite3_column_int64(count, 0);
    sqlite3_reset(count);
    return true;
  }

  bool AppendEvents(const std::vector<Event>& rows) override {
    if (same_) return AppendSameWorkEvents(rows);
    sqlite3_stmt* insert = Prepare(
        "INSERT INTO events(customer_id, occurred_at, recorded_at, type_id, "
        "channel_id, amount, subject) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (insert == nullptr || !Exec("BEGIN IMMEDIATE")) return false;
    int64_t now = NowUs();
    for (const Event& e : rows) {
      int64_t type = Intern(e.type), channel = Intern(e.channel);
      if (type == 0 || channel == 0) return Rollback();
      sqlite3_bind_int64(insert, 1, id(e.customer));
      sqlite3_bind_int64(insert, 2, e.occurred_at_us);
      sqlite3_bind_int64(insert, 3, now);
      sqlite3_bind_int64(insert, 4, type);
      sqlite3_bind_int64(insert, 5, channel);
      sqlite3_bind_int64(insert, 6, e.amount_cents);
      BindText(insert, 7, e.subject);
      if (!Done(insert)) return Rollback();
    }
    return Exec("COMMIT");
  }

  // Same work: an event's every column, strings resolved, copied out.
  bool AppendSameWorkEvents(const std::vector<Event>& rows) {
    sqlite3_stmt* insert = Prepare(
        "INSERT INTO events(customer_id, occurred_at, recorded_at, type_id, "
        "channel_id, actor_id, source_id, idempotency_key, properties) "
        "VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?)");
    if (insert == nullptr || !Exec("BEGIN IMMEDIATE")) return false;
    int64_t now = NowUs();
    for (const Event& e : rows) {
      int64_t type = Intern(e.type), channel = Intern(e.channel);
      if (type == 0 || channel == 0) return Rollback();
      sqlite3_bind_int64(insert, 1, id(e.customer));
      sqlite3_bind_int64(insert, 2, e.occurred_at_us);
      sqlite3_bind_int64(insert, 3, now);
      sqlite3_bind_int64(insert, 4, type);
      sqlite3_bind_int64(insert, 5, channel);
      std::string properties = PropertiesJson(e);
      sqlite3_bind_text(insert, 6, properties.data(), properties.size(),
                        SQLITE_TRANSIENT);
      if (!Done(insert)) return Rollback();
    }
    return Exec("COMMIT");
  }

  bool GetById(int64_t id, CustomerView* out) override {
    sqlite3_stmt* select = PrepareSelect("WHERE id = ?");
    if (select == nullptr) return false;
    sqlite3_bind_int64(select, 1, id);
    return ReadOne(select, out);
  }

  bool GetByEmail(const std::string& email, CustomerView* out) override {
    sqlite3_stmt* select = PrepareSelect("WHERE email = ? COLLATE NOCASE");
    if (select == nullptr) return false;
    BindText(select, 1, email);
    return ReadOne(select, out);
  }

  bool GetByExternalId(const std::string& key, CustomerView* out) override {
    sqlite3_stmt* select = PrepareSelect("WHERE external_id = ?");
    if (select == nullptr) return false;
    BindText(select, 1, key);
    return ReadOne(select, out);
  }

  bool LatestEvents(int64_t id, int limit,
                    std::vector<EventView>* out) override {
    if (same_) return LatestSameWorkEvents(id, limit, out);
    sqlite3_stmt* select = Prepare(
        "SELECT e.seq, e.occurred_at, t.text, e.recorded_at, c.text, "
        "e.amount, e.subject FROM events e JOIN strings t ON t.id = e.type_id "
        "LEFT JOIN strings c ON c.id = e.channel_id WHERE e.customer_id = ? "
        "ORDER BY e.occurred_at DESC, e.seq DESC LIMIT ?");
    if (select == nullptr) return false;
    sqlite3_bind_int64(select, 1, id);
    sqlite3_bind_int(select, 2, limit);
    out->clear();
    int rc;
    while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
      std::vector<std::string> cells = Cells(select);  // what a host copies
      EventView& view = out->emplace_back();
      view.seq = sqlite3_column_int64(select, 0);
      view.occurred_at_us = sqlite3_column_int64(select, 1);
      view.type = std::move(cells[2]);
    }
    sqlite3_reset(select);
    return rc == SQLITE_DONE || SqlFail();
  }

  bool LatestSameWorkEvents(int64_t id, int limit,
                            std::vector<EventView>* out) {
    sqlite3_stmt* select = Prepare(
        "SELECT e.seq, e.occurred_at, t.text, e.recorded_at, c.text, a.text, "
        "s.text, e.customer_id, e.idempotency_key, e.properties "
        "FROM events e JOIN strings t ON t.id = e.type_id "
        "LEFT JOIN strings c ON c.id = e.channel_id "
        "LEFT JOIN strings a ON a.id = e.actor_id "
        "LEFT JOIN strings s ON s.id = e.source_id WHERE e.customer_id = ? "
        "ORDER BY e.occurred_at DESC, e.seq DESC LIMIT ?");
    if (select == nullptr) return false;
    sqlite3_bind_int64(select, 1, id);
    sqlite3_bind_int(select, 2, limit);
    out->clear();
    int rc;
    while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
      std::vector<std::string> cells = Cells(select);
      EventView& view = out->emplace_back();
      view.seq = sqlite3_column_int64(select, 0);
      view.occurred_at_us = sqlite3_column_int64(select, 1);
      view.type = std::move(cells[2]);
      view.channel = std::move(cells[4]);
      view.properties = std::move(cells[9]);
    }
    sqlite3_reset(select);
    return rc == SQLITE_DONE || SqlFail();
  }

  // Keyset pages in id order; the typed layouts only.
  bool ReadAllCustomers(
      int64_t page_size,
      const std::function<void(const Customer& row)>& visit) override {
    if (json_) return Fail("n/a");
    sqlite3_stmt* select = Prepare(
        "SELECT id, name, email, phone, city, external_id, segment, revenue, "
        "active, signup_date, last_contact, plan, interests, notes, "
        "employees, credit_limit FROM customers WHERE id > ? ORDER BY id "
        "LIMIT ?");
    // (The same-work layout reads the same columns: the fields written.)
    if (select == nullptr) return false;
    Customer c;
    auto text = [select](int column, std::string* to) {
      to->assign(
          reinterpret_cast<const char*>(sqlite3_column_text(select, column)),
          sqlite3_column_bytes(select, column));
    };
    int64_t after = 0, read = page_size;
    while (read == page_size) {
      sqlite3_bind_int64(select, 1, after);
      sqlite3_bind_int64(select, 2, page_size);
      read = 0;
      int rc;
      while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
        after = sqlite3_column_int64(select, 0);
        text(1, &c.name);
        text(2, &c.email);
        text(3, &c.phone);
        text(4, &c.city);
        text(5, &c.external_id);
        c.segment = sqlite3_column_int64(select, 6);
        c.revenue_cents = sqlite3_column_int64(select, 7);
        c.active = sqlite3_column_int(select, 8) != 0;
        text(9, &c.signup_date);
        c.last_contact_us = sqlite3_column_int64(select, 10);
        text(11, &c.plan);
        ParseJsonList(
            reinterpret_cast<const char*>(sqlite3_column_text(select, 12)),
            &c.interests);
        text(13, &c.notes);
        c.employees = sqlite3_column_int64(select, 14);
        c.credit_limit_cents = sqlite3_column_int64(select, 15);
        visit(c);
        ++read;
      }
      sqlite3_reset(select);
      if (rc != SQLITE_DONE) return SqlFail();
    }
    return true;
  }

  bool HasQueries() const override { return true; }

  bool FilterBySegment(int64_t segment,
                       std::vector<CustomerView>* out) override {
    sqlite3_stmt* select =
        PrepareSelect(json_ ? "WHERE json_extract(data, '$.segment') = ?"
                            : "WHERE segment = ?");
    if (select == nullptr) return false;
    sqlite3_bind_int64(select, 1, segment);
    out->clear();
    int rc;
    while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
      out->emplace_back();
      ReadRow(select, &out->back());
    }
    sqlite3_reset(select);
    return rc == SQLITE_DONE || SqlFail();
  }

  bool CountBySegment(int64_t segment, int64_t* out) override {
    sqlite3_stmt* count =
        Prepare(json_ ? "SELECT count(*) FROM customers "
                        "WHERE json_extract(data, '$.segment') = ?"
                      : "SELECT count(*) FROM customers WHERE segment = ?");
    if (count == nullptr) return false;
    sqlite3_bind_int64(count, 1, segment);
    int rc = sqlite3_step(count);
    if (rc == SQLITE_ROW) *out = sqlite3_column_int64(count, 0);
    sqlite3_reset(count);
    return rc == SQLITE_ROW || SqlFail();
  }

  bool CountEventsByTypeMonth(std::vector<GroupRow>* out) override {
    return CountEventsByType("%Y-%m", out);
  }

  bool CountEventsByTypeDay(std::vector<GroupRow>* out) override {
    return CountEventsByType("%Y-%m-%d", out);
  }

  bool AverageRevenueByPlan(std::vector<GroupRow>* out) override {
    return Groups(json_ ? "SELECT json_extract(data, '$.plan') AS p, "
                          "avg(json_extract(data, '$.revenue')) / 100.0 "
                          "FROM customers GROUP BY p"
                        : "SELECT plan, avg(revenue) / 100.0 FROM customers "
                          "GROUP BY plan",
                  out);
  }

 private:
  bool SqlFail() { return Fail(sqlite3_errmsg(db_)); }

  // Events per type and strftime() bucket; the same-work log also holds the
  // record history, which is left out.
  bool CountEventsByType(const char* bucket, std::vector<GroupRow>* out) {
    std::string sql = std::string(
                          "SELECT t.text || ' ' || g.bucket, g.n FROM (SELECT "
                          "type_id, strftime('") +
                      bucket +
                      "', occurred_at / 1000000, 'unixepoch') AS bucket, "
                      "count(*) AS n FROM events " +
                      (same_ ? "WHERE type_id != 1 " : "") +
                      "GROUP BY type_id, bucket) g "
                      "JOIN strings t ON t.id = g.type_id";
    return Groups(sql.c_str(), out);
  }

  // The same-work extras of a created customer: its history row and its
  // full-text row.
  bool WriteHistoryAndSearch(int64_t id, int64_t now, const Customer& c) {
    sqlite3_stmt* history = Prepare(
        "INSERT INTO events(customer_id, occurred_at, recorded_at, type_id, "
        "properties) VALUES (?1, ?2, ?2, ?3, ?4)");
    sqlite3_stmt* search =
        Prepare("INSERT INTO search(rowid, content) VALUES (?, ?)");
    if (history == nullptr || search == nullptr) return false;
    std::string values = HistoryJson(c);
    sqlite3_bind_int64(history, 1, id);
    sqlite3_bind_int64(history, 2, now);
    sqlite3_bind_int64(history, 3, kCreatedTypeId);
    sqlite3_bind_text(history, 4, values.data(), values.size(), SQLITE_STATIC);
    if (!Done(history)) return false;
    std::string text = SearchText(c);
    sqlite3_bind_int64(search, 1, id);
    sqlite3_bind_text(search, 2, text.data(), text.size(), SQLITE_STATIC);
    return Done(search);
  }

  bool Exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) ==
               SQLITE_OK ||
           SqlFail();
  }

  bool Rollback() {
    std::string message = error_;  // set by the step that failed
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return Fail(message);
  }

  // A cached prepared statement, reset and ready to bind.
  sqlite3_stmt* Prepare(const std::string& sql) {
    sqlite3_stmt*& statement = statements_[sql];
    if (statement == nullptr &&
        sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT,
                           &statement, nullptr) != SQLITE_OK) {
      SqlFail();
      statements_.erase(sql);
      return nullptr;
    }
    return statement;
  }

  sqlite3_stmt* PrepareSelect(const char* where) {
    return Prepare(std::string(same_   ? kSelectSameWork
                               : json_ ? kSelectJson
                                       : kSelectTyped) +
                   where);
  }

  static void BindText(sqlite3_stmt* statement, int index,
                       const std::string& text) {
    sqlite3_bind_text(statement, index, text.data(), text.size(),
                      SQLITE_STATIC);
  }

  bool Done(sqlite3_stmt* statement) {
    int rc = sqlite3_step(statement);
    sqlite3_reset(statement);
    return rc == SQLITE_DONE || SqlFail();
  }

  // Every column as text, as a host materializing the row would copy it.
  static std::vector<std::string> Cells(sqlite3_stmt* statement) {
    int count = sqlite3_column_count(statement);
    std::vector<std::string> cells(count);
    for (int i = 0; i < count; ++i) {
      if (sqlite3_column_type(statement, i) == SQLITE_TEXT) {
        cells[i].assign(
            reinterpret_cast<const char*>(sqlite3_column_text(statement, i)),
            sqlite3_column_bytes(statement, i));
      }
    }
    return cells;
  }

  void ReadRow(sqlite3_stmt* select, CustomerView* out) {
    if (same_) {
      ReadWholeRow(select, &whole_);
      out->id = whole_.id;
      out->email = whole_.email;
      out->segment = whole_.segment;
      return;
    }
    std::vector<std::string> cells = Cells(select);
    out->id = sqlite3_column_int64(select, 0);
    out->email = std::move(cells[1]);
    out->segment = sqlite3_column_int64(select, 2);
  }

  // Every column of kSelectSameWork copied out, as a host keeps a record.
  static void ReadWholeRow(sqlite3_stmt* select, WholeCustomer* c) {
    int column = 0;
    auto integer = [&](int64_t* to) {
      *to = sqlite3_column_int64(select, column++);
    };
    auto text = [&](std::string* to) {
      const unsigned char* value = sqlite3_column_text(select, column);
      if (value == nullptr) {
        to->clear();
      } else {
        to->assign(reinterpret_cast<const char*>(value),
                   sqlite3_column_bytes(select, column));
      }
      ++column;
    };
    integer(&c->id);
    text(&c->email);
    integer(&c->segment);
    integer(&c->version);
    integer(&c->created_at);
    integer(&c->updated_at);
    for (std::string* to :
         {&c->kind, &c->name, &c->phone, &c->company, &c->street, &c->city,
          &c->region, &c->postal_code, &c->country, &c->owner, &c->stage,
          &c->tags, &c->external_id}) {
      text(to);
    }
    integer(&c->revenue);
    integer(&c->active);
    text(&c->signup_date);
    integer(&c->last_contact);
    text(&c->plan);
    ParseJsonList(
        reinterpret_cast<const char*>(sqlite3_column_text(select, column++)),
        &c->interests);
    text(&c->notes);
    integer(&c->employees);
    integer(&c->credit_limit);
  }

  bool ReadOne(sqlite3_stmt* select, CustomerView* out) {
    int rc = sqlite3_step(select);
    if (rc == SQLITE_ROW) ReadRow(select, out);
    sqlite3_reset(select);
    if (rc == SQLITE_ROW) return true;
    return rc == SQLITE_DONE ? Fail("not found") : SqlFail();
  }

  bool Groups(const char* sql, std::vector<GroupRow>* out) {
    sqlite3_stmt* select = Prepare(sql);
    if (select == nullptr) return false;
    out->clear();
    int rc;
    while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
      out->push_back(
          {reinterpret_cast<const char*>(sqlite3_column_text(select, 0)),
           sqlite3_column_double(select, 1)});
    }
    sqlite3_reset(select);
    return rc == SQLITE_DONE || SqlFail();
  }

  // The id of an interned string, added on first use; 0 on failure.
  int64_t Intern(const char* text) {
    auto found = interned_.find(text);
    if (found != interned_.end()) return found->second;
    sqlite3_stmt* insert = Prepare(
        "INSERT INTO strings(text) VALUES (?1) ON CONFLICT(text) DO UPDATE "
        "SET text = excluded.text RETURNING id");
    if (insert == nullptr) return 0;
    sqlite3_bind_text(insert, 1, text, -1, SQLITE_STATIC);
    int64_t id = 0;
    if (sqlite3_step(insert) == SQLITE_ROW)
      id = sqlite3_column_int64(insert, 0);
    sqlite3_reset(insert);
    if (id == 0) return SqlFail();
    interned_[text] = id;
    return id;
  }

  bool json_;
  bool same_;
  WholeCustomer whole_;  // the last record read (same work)
  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> statements_;
  std::map<std::string, int64_t> interned_;
};

}  // namespace

std::unique_ptr<Store> NewSqliteStore(SqliteLayout layout) {
  return std::make_unique<SqliteStore>(layout);
}

}  // namespace crm_bench
