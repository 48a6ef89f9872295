// The schema both query renderers' golden tests check filters against
// (tests/core/query_golden_test.cc for SQLite,
// tests/store/postgres_query_golden_test.cc for PostgreSQL): the standard
// fields and a few user fields, as crm_fields rows.
#ifndef CRM_TESTS_CORE_QUERY_TEST_SCHEMA_H_
#define CRM_TESTS_CORE_QUERY_TEST_SCHEMA_H_

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/customer_record.h"
#include "core/json.h"
#include "core/schema.h"

namespace crm::core {

inline std::shared_ptr<const Schema> QueryTestSchema() {
  std::vector<store::FieldRow> rows;
  int64_t id = 0;
  for (const wire::FieldDefinition& definition : StandardFieldDefinitions()) {
    rows.push_back({++id, definition.name(), definition.name(), "active",
                    MessageToJson(definition)});
  }
  for (const char* json : {
           R"({"name": "seats", "type": "integer"})",
           R"({"name": "ltv", "type": "decimal", "scale": 2})",
           R"({"name": "since", "type": "date"})",
           R"({"name": "vip", "type": "boolean"})",
           R"({"name": "channels", "type": "multi_choice",
               "options": ["email", "phone"]})",
       }) {
    wire::FieldDefinition definition;
    absl::Status parsed =
        MessageFromJson(json, "field definition", &definition);
    EXPECT_TRUE(parsed.ok()) << parsed;
    ++id;
    rows.push_back({id, definition.name(), absl::StrCat("f_", id), "active",
                    MessageToJson(definition)});
  }
  absl::StatusOr<std::shared_ptr<const Schema>> schema =
      Schema::FromRows(rows, {}, 1);
  EXPECT_TRUE(schema.ok()) << schema.status();
  return *schema;
}

}  // namespace crm::core

#endif  // CRM_TESTS_CORE_QUERY_TEST_SCHEMA_H_
