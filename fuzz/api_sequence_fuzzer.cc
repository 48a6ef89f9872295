// A sequence of C ABI calls read from the input: define fields, create,
// update, upsert and delete customers, host transactions, events, timelines
// and point-in-time reads on one in-memory workspace, and the _v2 writes
// with any effective times and created_at. After every call the customer
// count must equal the creates minus the deletes that succeeded (and were
// not rolled back); a _v2 write hands out a result exactly when it
// succeeds, naming the customer it wrote.
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

// A valid time near now (days back, or seconds ahead within and beyond the
// clock skew), or any int64.
int64_t RandomTime(FuzzedDataProvider& input) {
  if (input.ConsumeBool()) return input.ConsumeIntegral<int64_t>();
  int64_t now = crm_fuzz::NowMicros();
  int64_t offset = input.ConsumeIntegralInRange<int64_t>(-400, 2);
  return now + offset * (input.ConsumeBool() ? 86400000000 : 40000000);
}

crm_write_options RandomOptions(FuzzedDataProvider& input) {
  crm_write_options options = CRM_WRITE_OPTIONS_INIT;
  if (input.ConsumeBool()) options.effective_at = RandomTime(input);
  if (input.ConsumeBool()) options.effective_until = RandomTime(input);
  if (input.ConsumeIntegral<uint8_t>() == 0) {
    options.struct_size = input.ConsumeIntegral<uint32_t>();
  }
  return options;
}

// A _v2 write's result: set exactly when it succeeded, for customer `id`
// (0: any), with a version and flags in range.
void CheckResult(int rc, const crm_write_result* result, int64_t id) {
  CRM_FUZZ_CHECK((rc == CRM_OK) == (result != nullptr));
  if (result == nullptr) return;
  CRM_FUZZ_CHECK(id == 0 || crm_write_result_id(result) == id);
  CRM_FUZZ_CHECK(crm_write_result_id(result) > 0);
  CRM_FUZZ_CHECK(crm_write_result_version(result) >= 1);
  CRM_FUZZ_CHECK(crm_write_result_created(result) == 0 ||
                 crm_write_result_created(result) == 1);
  CRM_FUZZ_CHECK(crm_write_result_effective_at(result) <=
                 crm_fuzz::NowMicros());
}

// A create or upsert through the _v2 calls, the record maybe holding a
// created_at.
void WriteV2(FuzzedDataProvider& input, crm_db* db, State& state) {
  crm_record* record = RandomRecord(input, state);
  if (input.ConsumeBool()) {
    crm_record_set_datetime(record, "created_at", RandomTime(input));
  }
  crm_write_options options = RandomOptions(input);
  bool upsert = input.ConsumeBool();
  crm_write_result* result = nullptr;
  int rc = upsert
               ? crm_customer_upsert_v2(&result, db, record, &options, "fuzz")
               : crm_customer_create_v2(&result, db, record, &options, "fuzz");
  CheckResult(rc, result, 0);
  if (rc == CRM_OK && crm_write_result_created(result)) {
    CRM_FUZZ_CHECK(state.live.insert(crm_write_result_id(result)).second);
  }
  CRM_FUZZ_CHECK(rc != CRM_OK || upsert || crm_write_result_created(result));
  crm_write_result_free(result);
  crm_record_free(record);
}

// An update through crm_customer_update_v2 (a late change, a correction).
void UpdateV2(FuzzedDataProvider& input, crm_db* db, const State& state) {
  crm_record* record = RandomRecord(input, state);
  crm_write_options options = RandomOptions(input);
  int64_t id = PickId(input, state);
  crm_write_result* result = nullptr;
  int rc = crm_customer_update_v2(&result, db, id,
                                  input.ConsumeIntegralInRange<int64_t>(0, 3),
                                  record, &options, "fuzz");
  CheckResult(rc, result, id);
  CRM_FUZZ_CHECK(result == nullptr || !crm_write_result_created(result));
  crm_write_result_free(result);
  crm_record_free(record);
}

void Step(FuzzedDataProvider& input, crm_db* db, State& state) {
  int64_t id = 0;
  switch (input.ConsumeIntegralInRange(0, 13)) {
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
    case 12:
      WriteV2(input, db, state);
      break;
    case 13:
      UpdateV2(input, db, state);
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
