// The schema of the definition fuzzers (duplicate rules, merge options):
// the standard fields and one user field, "seats" (integer). Built once and
// kept for the process (reachable: not a leak).
#ifndef CRM_FUZZ_SMALL_SCHEMA_H_
#define CRM_FUZZ_SMALL_SCHEMA_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "core/json.h"
#include "core/schema.h"
#include "invariant.h"

namespace crm_fuzz {

inline const crm::core::Schema& SmallSchema() {
  static const std::shared_ptr<const crm::core::Schema>* schema = [] {
    std::vector<crm::store::FieldRow> rows;
    int64_t id = 0;
    for (const crm::wire::FieldDefinition& definition :
         crm::core::StandardFieldDefinitions()) {
      rows.push_back({++id, definition.name(), definition.name(), "active",
                      crm::core::MessageToJson(definition)});
    }
    crm::wire::FieldDefinition seats;
    CRM_FUZZ_REQUIRE(
        crm::core::MessageFromJson(R"({"name": "seats", "type": "integer"})",
                                   "field definition", &seats)
            .ok(),
        "seats");
    ++id;
    rows.push_back(
        {id, "seats", "f_seats", "active", crm::core::MessageToJson(seats)});
    auto compiled = crm::core::Schema::FromRows(rows, {}, 1);
    CRM_FUZZ_REQUIRE(compiled.ok(), compiled.status().ToString());
    return new std::shared_ptr<const crm::core::Schema>(*compiled);
  }();
  return **schema;
}

}  // namespace crm_fuzz

#endif  // CRM_FUZZ_SMALL_SCHEMA_H_
