// A sequence of C ABI calls read from the input: define fields, create,
// update, upsert and delete customers, host transactions, events, timelines
// and point-in-time reads on one in-memory workspace. After every call the
// customer count must equal the creates minus the deletes that succeeded
// (and were not rolled back).
#include <fuzzer/FuzzedDataProvider.h>

#include <set>
#include <string>

#include "fuzz_support.h"

namespace {

const char* const kDefinitions[] = {
    R"({"name": "seats", "type": "integer", "min": "0"})",
    R"({"name": "plan", "type": "choice", "options": ["basic", "premium"]})",
    R"({"name": "parent", "type": "reference"})",
    R"({"name": "budget", "type": "decimal", "scale": 2, "required": true,
        "default_value": {"decimal": "0"}})",
};
const char* const kTypes[] = {"call", "email.sent", "order.placed",
                              "crm.record.created", ""};

struct State {
  std::set<int64_t> live;  // customers that exist
  std::set<int64_t> live_at_begin;
  bool in_transaction = false;
};

int64_t PickId(FuzzedDataProvider& input, const State& state) {
  if (state.live.empty() || input.ConsumeBool()) {
    return input.ConsumeIntegralInRange<int64_t>(-1, 40);
  }
  auto it = state.live.begin();
  std::advance(it,
               input.ConsumeIntegralInRange<size_t>(0, state.live.size() - 1));
  return *it;
}

crm_record* RandomRecord(FuzzedDataProvider& input, const State& state) {
  crm_record* record = nullptr;
  crm_record_new(&record);
  if (input.ConsumeBool()) {
    crm_record_set_text(record, "name",
                        input.ConsumeRandomLengthString(16).c_str());
  }
  if (input.ConsumeBool()) {
    crm_record_set_integer(record, "seats",
                           input.ConsumeIntegralInRange<int64_t>(-2, 5));
  }
  if (input.ConsumeBool()) {
    crm_record_set_text(record, "plan", input.ConsumeBool() ? "basic" : "gold");
  }
  if (input.ConsumeBool()) {
    crm_record_set_integer(record, "parent", PickId(input, state));
  }
  if (input.ConsumeBool()) {
    std::string key =
        "x" + std::to_string(input.ConsumeIntegral<uint8_t>() % 8);
    crm_record_set_text(record, "external_id", key.c_str());
  }
  return record;
}

void Step(FuzzedDataProvider& input, crm_db* db, State& state) {
  int64_t id = 0;
  switch (input.ConsumeIntegralInRange(0, 11)) {
    case 0: {
      int64_t field = 0;
      crm_field_define(&field, db, input.PickValueInArray(kDefinitions));
      break;
    }
    case 1: {
      crm_record* record = RandomRecord(input, state);
      if (crm_customer_create(&id, db, record, "fuzz") == CRM_OK) {
        CRM_FUZZ_CHECK(state.live.insert(id).second);
      }
      crm_record_free(record);
      break;
    }
    case 2: {
      crm_record* record = RandomRecord(input, state);
      crm_customer_update(nullptr, db, PickId(input, state),
                          input.ConsumeIntegralInRange<int64_t>(0, 3), record,
                          "fuzz");
      crm_record_free(record);
      break;
    }
    case 3:
      id = PickId(input, state);
      if (crm_customer_delete(db, id, 0, "fuzz") == CRM_OK) {
        CRM_FUZZ_CHECK(state.live.erase(id) == 1);
      }
      break;
    case 4:
      if (crm_begin(db) == CRM_OK) {
        CRM_FUZZ_CHECK(!state.in_transaction);
        state.in_transaction = true;
        state.live_at_begin = state.live;
      }
      break;
    case 5:
      if (crm_commit(db) == CRM_OK) {
        CRM_FUZZ_CHECK(state.in_transaction);
        state.in_transaction = false;
      }
      break;
    case 6:
      if (crm_rollback(db) == CRM_OK) {
        CRM_FUZZ_CHECK(state.in_transaction);
        state.in_transaction = false;
        state.live = state.live_at_begin;
      }
      break;
    case 7: {
      crm_event* event = nullptr;
      crm_event_new(&event);
      crm_event_set_customer(event, PickId(input, state));
      crm_event_set_type(event, input.PickValueInArray(kTypes));
      crm_event_set_occurred_at(event, input.ConsumeIntegral<int64_t>());
      if (input.ConsumeBool()) {
        crm_event_set_idempotency_key(
            event,
            std::to_string(input.ConsumeIntegral<uint8_t>() % 4).c_str());
      }
      int64_t seq = 0;
      crm_event_append(&seq, nullptr, db, event);
      crm_event_free(event);
      break;
    }
    case 8: {
      crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
      options.page_size = input.ConsumeIntegralInRange<uint32_t>(0, 4);
      options.oldest_first = input.ConsumeBool();
      options.from_us =
          input.ConsumeBool() ? CRM_TIME_MIN : input.ConsumeIntegral<int64_t>();
      id = PickId(input, state);
      std::string cursor;
      for (int page_number = 0; page_number < 4; ++page_number) {
        crm_event_page* page = nullptr;
        options.cursor = cursor.empty() ? nullptr : cursor.c_str();
        if (crm_event_timeline(&page, db, id, &options) != CRM_OK) break;
        CRM_FUZZ_CHECK(crm_event_page_size(page) <= options.page_size);
        cursor = crm_event_page_next_cursor(page);
        crm_event_page_free(page);
        if (cursor.empty()) break;
      }
      break;
    }
    case 9: {
      crm_record* record = nullptr;
      int64_t at =
          input.ConsumeBool() ? input.ConsumeIntegral<int64_t>() : CRM_TIME_MAX;
      id = PickId(input, state);
      int rc = crm_customer_get_at(&record, db, id, at);
      if (at == CRM_TIME_MAX) {
        CRM_FUZZ_CHECK((rc == CRM_OK) == (state.live.count(id) == 1));
      }
      crm_record_free(record);
      break;
    }
    case 10:
      if (input.ConsumeBool()) {
        crm_field_archive(db, "seats");
      } else {
        crm_field_restore(db, "seats");
      }
      break;
    default: {
      crm_record* record = RandomRecord(input, state);
      int created = 0;
      if (crm_customer_upsert(&id, &created, db, record, "fuzz") == CRM_OK &&
          created) {
        CRM_FUZZ_CHECK(state.live.insert(id).second);
      }
      crm_record_free(record);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  crm_fuzz::MemoryDb db;
  State state;
  for (int steps = 0; steps < 64 && input.remaining_bytes() > 0; ++steps) {
    Step(input, db.get(), state);
    CRM_FUZZ_CHECK(crm_fuzz::Count(db.get()) ==
                   static_cast<int64_t>(state.live.size()));
  }
  return 0;
}
