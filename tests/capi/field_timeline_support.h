// Helpers of the tests of field timelines read in valid time.
#ifndef CRM_TESTS_CAPI_FIELD_TIMELINE_SUPPORT_H_
#define CRM_TESTS_CAPI_FIELD_TIMELINE_SUPPORT_H_

#include <memory>

#include "test_support.h"

namespace crm_test {

struct FieldTimelineFreer {
  void operator()(crm_field_timeline* t) const { crm_field_timeline_free(t); }
};
using OwnedTimeline = std::unique_ptr<crm_field_timeline, FieldTimelineFreer>;

// crm_field_timeline_held() for text `value` of `field` over
// [from_us, to_us); -1 (and a test failure) when the call fails.
inline int64_t HeldText(const crm_field_timeline* timeline, const char* field,
                        const char* value, int64_t from_us, int64_t to_us) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), field, value);
  int64_t held = -1;
  EXPECT_EQ(
      crm_field_timeline_held(&held, timeline, record.get(), from_us, to_us),
      CRM_OK)
      << crm_last_error_message();
  return held;
}

}  // namespace crm_test

#endif  // CRM_TESTS_CAPI_FIELD_TIMELINE_SUPPORT_H_
