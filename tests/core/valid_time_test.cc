// The valid-time engine (core/valid_time.h) on history rows built in
// memory: the rules of crm.h "Valid time", no storage.
#include "core/valid_time.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/wire.h"

namespace crm::core {
namespace {

constexpr int64_t kDay = 86'400'000'000;
constexpr int64_t kPlan = 7;
constexpr int64_t kCity = 8;

// Day `n` of a made-up calendar (1 March is day 1).
int64_t Day(int n) { return n * kDay; }

struct Change {
  int64_t field_id;
  std::optional<std::string> value;  // nullopt: cleared
};

store::EventRow Row(int64_t type_id, int64_t valid_us, int64_t recorded_us,
                    const std::vector<Change>& changes,
                    std::optional<int64_t> until_us = std::nullopt) {
  wire::EventBody body;
  for (const Change& change : changes) {
    wire::FieldChange* stored = body.add_changes();
    stored->set_field_id(change.field_id);
    if (change.value) {
      ValueToWire(Value::Text(*change.value), stored->mutable_new_value());
    }
  }
  if (until_us) body.set_valid_until_us(*until_us);
  static int64_t seq = 0;
  store::EventRow row;
  row.seq = ++seq;
  row.customer_id = 1;
  row.type_id = type_id;
  row.occurred_at_us = valid_us;
  row.recorded_at_us = recorded_us;
  row.body = body.SerializeAsString();
  return row;
}

store::EventRow Created(int64_t at_us, const std::vector<Change>& changes) {
  return Row(store::kRecordCreatedTypeId, at_us, at_us, changes);
}
store::EventRow Updated(int64_t valid_us, int64_t recorded_us,
                        const std::vector<Change>& changes,
                        std::optional<int64_t> until_us = std::nullopt) {
  return Row(store::kRecordUpdatedTypeId, valid_us, recorded_us, changes,
             until_us);
}

// The intervals as "from-to:value@recorded" in days ("-" for an open end),
// so that a failure shows the whole timeline.
std::string Show(const std::vector<ValidInterval>& intervals) {
  std::string out;
  for (const ValidInterval& interval : intervals) {
    if (!out.empty()) out += " ";
    out += std::to_string(interval.from_us / kDay) + "-";
    out += interval.to_us == kOpenEnd ? "-"
                                      : std::to_string(interval.to_us / kDay);
    out += ":" + interval.value.text + "@" +
           std::to_string(interval.recorded_at_us / kDay);
  }
  return out;
}

std::string PlanTimeline(const RecordTimeline& timeline) {
  auto it = timeline.fields.find(kPlan);
  if (it == timeline.fields.end()) return "<none>";
  return Show(it->second.Intervals(timeline.deleted_at_us));
}

TEST(ValidTime, LateOpenChangeEndsAtTheNextKnownChange) {
  // The issue's example: premium from 15 March, then basic from 1 March,
  // recorded later: basic on 1-15 March, premium after.
  std::vector<store::EventRow> rows = {
      Created(Day(0), {{kPlan, "trial"}}),
      Updated(Day(15), Day(15), {{kPlan, "premium"}}),
      Updated(Day(1), Day(20), {{kPlan, "basic"}}),
  };
  RecordTimeline timeline = ReplayHistory(rows, kOpenEnd);
  EXPECT_EQ(PlanTimeline(timeline),
            "0-1:trial@0 1-15:basic@20 15--:premium@15");
  const FieldValidTimeline& plan = timeline.fields.at(kPlan);
  EXPECT_EQ(plan.Current(), Value::Text("premium"));
  EXPECT_EQ(plan.At(Day(1)), Value::Text("basic"));
  EXPECT_EQ(plan.At(Day(15) - 1), Value::Text("basic"));
  EXPECT_EQ(plan.At(Day(15)), Value::Text("premium"));
  EXPECT_EQ(plan.At(Day(1) - 1), Value::Text("trial"));
  EXPECT_EQ(plan.At(-1), Value::Null());
}

TEST(ValidTime, KnownAtLeavesOutLaterRecordings) {
  std::vector<store::EventRow> rows = {
      Created(Day(0), {{kPlan, "trial"}}),
      Updated(Day(15), Day(15), {{kPlan, "premium"}}),
      Updated(Day(1), Day(20), {{kPlan, "basic"}}),
  };
  // What libcrm said on day 19: premium from 15, trial before.
  RecordTimeline before = ReplayHistory(rows, Day(20) - 1);
  EXPECT_EQ(PlanTimeline(before), "0-15:trial@0 15--:premium@15");
  EXPECT_EQ(before.change_valid_us.size(), 2u);
  // Exactly at the recording it is known.
  RecordTimeline at = ReplayHistory(rows, Day(20));
  EXPECT_EQ(PlanTimeline(at), "0-1:trial@0 1-15:basic@20 15--:premium@15");
  // Before the create nothing existed.
  RecordTimeline none = ReplayHistory(rows, -1);
  EXPECT_FALSE(none.exists);
  EXPECT_FALSE(none.ExistsAt(Day(5)));
  EXPECT_TRUE(none.fields.empty());
}

TEST(ValidTime, BoundedCorrectionInsideAStretchRestoresTheValueAfter) {
  std::vector<store::EventRow> rows = {
      Created(Day(0), {{kPlan, "basic"}}),
      Updated(Day(10), Day(30), {{kPlan, "promo"}}, Day(20)),
  };
  RecordTimeline timeline = ReplayHistory(rows, kOpenEnd);
  EXPECT_EQ(PlanTimeline(timeline), "0-10:basic@0 10-20:promo@30 20--:basic@0");
  EXPECT_EQ(timeline.fields.at(kPlan).Current(), Value::Text("basic"));
}

TEST(ValidTime, BoundedCorrectionAcrossLaterChangesRestoresWhatHeldAtItsEnd) {
  std::vector<store::EventRow> rows = {
      Created(Day(0), {{kPlan, "a"}}),
      Updated(Day(10), Day(10), {{kPlan, "b"}}),
      Updated(Day(20), Day(20), {{kPlan, "c"}}),
      Updated(Day(30), Day(30), {{kPlan, "d"}}),
      // Spans the change to b and c, ends inside c's stretch.
      Updated(Day(5), Day(40), {{kPlan, "x"}}, Day(25)),
  };
  RecordTimeline timeline = ReplayHistory(rows, kOpenEnd);
  EXPECT_EQ(PlanTimeline(timeline), "0-5:a@0 5-25:x@40 25-30:c@20 30--:d@30");
  // A later open change inside the correction ends at the next known start
  // (c's, on day 20, though the correction hid it): rule 2.
  rows.push_back(Updated(Day(12), Day(50), {{kPlan, "y"}}));
  timeline = ReplayHistory(rows, kOpenEnd);
  EXPECT_EQ(PlanTimeline(timeline),
            "0-5:a@0 5-12:x@40 12-20:y@50 20-25:x@40 25-30:c@20 30--:d@30");
}

TEST(ValidTime, CorrectionReachingPastEveryChangeChangesTheCurrentValue) {
  std::vector<store::EventRow> rows = {
      Created(Day(0), {{kPlan, "a"}}),
      Updated(Day(10), Day(10), {{kPlan, "b"}}),
      Updated(Day(5), Day(40), {{kPlan, "x"}}, Day(15)),
  };
  RecordTimeline timeline = ReplayHistory(rows, kOpenEnd);
  EXPECT_EQ(PlanTimeline(timeline), "0-5:a@0 5-15:x@40 15--:b@10");
  EXPECT_EQ(timeline.fields.at(kPlan).Current(), Value::Text("b"));
}

TEST(ValidTime, OpenChangeSlotsBeforeABoundedOne) {
  std::vector<store::EventRow> rows = {
      Created(Day(0), {{kPlan, "a"}}),
      Updated(Day(10), Day(30), {{kPlan, "x"}}, Day(20)),
      // Open from day 5: ends where the correction starts (rule 2).
      Updated(Day(5), Day(31), {{kPlan, "b"}}),
  };
  RecordTimeline timeline = ReplayHistory(rows, kOpenEnd);
  EXPECT_EQ(PlanTimeline(timeline), "0-5:a@0 5-10:b@31 10-20:x@30 20--:a@0");
  const FieldValidTimeline& plan = timeline.fields.at(kPlan);
  EXPECT_EQ(plan.OpenEnd(Day(5)), Day(10));
  EXPECT_EQ(plan.OpenEnd(Day(10)), kOpenEnd);
  EXPECT_EQ(plan.Current(), Value::Text("a"));
}

TEST(ValidTime, LiveChangesGiveTodaysTimeline) {
  std::vector<store::EventRow> rows = {
      Created(Day(0), {{kPlan, "a"}, {kCity, "Oslo"}}),
      Updated(Day(3), Day(3), {{kPlan, std::nullopt}}),
      Updated(Day(6), Day(6), {{kPlan, "b"}}),
  };
  RecordTimeline timeline = ReplayHistory(rows, kOpenEnd);
  // The empty stretch is left out.
  EXPECT_EQ(PlanTimeline(timeline), "0-3:a@0 6--:b@6");
  EXPECT_EQ(Show(timeline.fields.at(kCity).Intervals()), "0--:Oslo@0");
  EXPECT_EQ(timeline.fields.at(kPlan).At(Day(4)), Value::Null());
  EXPECT_EQ(timeline.created_at_us, Day(0));
}

TEST(ValidTime, EqualNeighboursMergeKeepingTheEarliestRecording) {
  std::vector<store::EventRow> rows = {
      Created(Day(0), {{kPlan, "a"}}),
      Updated(Day(10), Day(12), {{kPlan, "b"}}),
      // The same value again from day 5, recorded later: one interval.
      Updated(Day(5), Day(14), {{kPlan, "b"}}),
      // And an earlier stretch with a, recorded later still.
      Updated(Day(2), Day(16), {{kPlan, "a"}}, Day(5)),
  };
  RecordTimeline timeline = ReplayHistory(rows, kOpenEnd);
  EXPECT_EQ(PlanTimeline(timeline), "0-5:a@0 5--:b@12");
}

TEST(ValidTime, DeletionEndsEveryInterval) {
  std::vector<store::EventRow> rows = {
      Created(Day(0), {{kPlan, "a"}}),
      Updated(Day(10), Day(10), {{kPlan, "b"}}),
      Row(store::kRecordDeletedTypeId, Day(20), Day(20), {}),
  };
  RecordTimeline timeline = ReplayHistory(rows, kOpenEnd);
  EXPECT_EQ(timeline.deleted_at_us, Day(20));
  EXPECT_EQ(PlanTimeline(timeline), "0-10:a@0 10-20:b@10");
  EXPECT_TRUE(timeline.ExistsAt(Day(20) - 1));
  EXPECT_FALSE(timeline.ExistsAt(Day(20)));
  EXPECT_FALSE(timeline.ExistsAt(Day(0) - 1));
  EXPECT_TRUE(timeline.ExistsAt(Day(0)));
  EXPECT_FALSE(timeline.ExistsAt(kOpenEnd));
  // Not deleted: it exists up to and at the end of time ("now").
  EXPECT_TRUE(ReplayHistory(rows, Day(20) - 1).ExistsAt(kOpenEnd));
  // Known before the deletion was recorded: it still exists.
  EXPECT_TRUE(ReplayHistory(rows, Day(20) - 1).ExistsAt(Day(30)));
  // A deletion before a stretch leaves it out.
  EXPECT_EQ(Show(timeline.fields.at(kPlan).Intervals(Day(10))), "0-10:a@0");
}

TEST(ValidTime, HoldsThroughout) {
  FieldValidTimeline plan;
  plan.Apply(Day(0), kOpenEnd, Value::Text("a"), Day(0));
  plan.Apply(Day(10), kOpenEnd, Value::Text("b"), Day(10));
  plan.Apply(Day(20), kOpenEnd, Value::Text("b"), Day(20));
  EXPECT_TRUE(plan.HoldsThroughout(Day(0), Day(10), Value::Text("a")));
  EXPECT_FALSE(plan.HoldsThroughout(Day(0), Day(10) + 1, Value::Text("a")));
  EXPECT_TRUE(plan.HoldsThroughout(Day(10), Day(30), Value::Text("b")));
  EXPECT_TRUE(plan.HoldsThroughout(Day(10), kOpenEnd, Value::Text("b")));
  EXPECT_FALSE(plan.HoldsThroughout(Day(9), Day(30), Value::Text("b")));
  EXPECT_FALSE(plan.HoldsThroughout(Day(-5), Day(5), Value::Text("a")));
  EXPECT_TRUE(plan.HoldsThroughout(Day(-5), Day(0), Value::Null()));
  EXPECT_FALSE(plan.HoldsThroughout(Day(-5), Day(1), Value::Null()));
}

TEST(ValidTime, VersionsCountChangesByValidTime) {
  std::vector<store::EventRow> rows = {
      Created(Day(0), {{kPlan, "trial"}}),
      Updated(Day(15), Day(15), {{kPlan, "premium"}}),
      Updated(Day(1), Day(20), {{kPlan, "basic"}}),
  };
  RecordTimeline timeline = ReplayHistory(rows, kOpenEnd);
  EXPECT_EQ(timeline.VersionAt(Day(0)), 1);
  EXPECT_EQ(timeline.UpdatedAt(Day(0)), Day(0));
  EXPECT_EQ(timeline.VersionAt(Day(1)), 2);
  EXPECT_EQ(timeline.UpdatedAt(Day(14)), Day(1));
  EXPECT_EQ(timeline.VersionAt(Day(15)), 3);
  EXPECT_EQ(timeline.UpdatedAt(Day(40)), Day(15));
  RecordTimeline earlier = ReplayHistory(rows, Day(19));
  EXPECT_EQ(earlier.VersionAt(Day(14)), 1);
  EXPECT_EQ(earlier.UpdatedAt(Day(14)), Day(0));
}

TEST(ValidTime, UnreadableBodyIsAVersionWithoutChanges) {
  std::vector<store::EventRow> rows = {
      Created(Day(0), {{kPlan, "a"}}),
      Updated(Day(5), Day(5), {{kPlan, "b"}}),
  };
  rows[1].body = "\xff\xff\xff";
  RecordTimeline timeline = ReplayHistory(rows, kOpenEnd);
  EXPECT_EQ(timeline.VersionAt(Day(5)), 2);
  EXPECT_EQ(PlanTimeline(timeline), "0--:a@0");
}

TEST(ValidTime, ApplyHistoryRowStreamsAsReplayDoes) {
  std::vector<store::EventRow> rows = {
      Created(Day(0), {{kPlan, "trial"}}),
      Updated(Day(15), Day(15), {{kPlan, "premium"}}),
      Updated(Day(1), Day(20), {{kPlan, "basic"}}),
  };
  RecordTimeline streamed;
  for (const store::EventRow& row : rows) ApplyHistoryRow(row, &streamed);
  EXPECT_EQ(PlanTimeline(streamed),
            PlanTimeline(ReplayHistory(rows, kOpenEnd)));
  EXPECT_TRUE(streamed.exists);
}

}  // namespace
}  // namespace crm::core
