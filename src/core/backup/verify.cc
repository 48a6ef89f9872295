#include "core/backup/verify.h"

#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/json_text.h"
#include "core/duplicates/match_key_store.h"
#include "core/merge/merge_map.h"
#include "core/schema.h"
#include "core/valid_time.h"
#include "core/workspace_copy.h"
#include "store/workspace_copy_seam.h"

namespace crm::core {
namespace {

struct Problem {
  std::string check;
  int64_t customer_id = 0;  // 0: none
  std::string field;
  std::string message;
};

struct CheckResult {
  std::string name;
  int64_t checked = 0;
  int64_t problems = 0;
};

// Collects what the checks find; lists the first kVerifyListedProblems.
class Findings {
 public:
  void Add(const std::string& check, int64_t customer_id, std::string field,
           std::string message) {
    ++counts_[check];
    if (static_cast<int64_t>(listed_.size()) >= kVerifyListedProblems) return;
    listed_.push_back(Problem{.check = check,
                              .customer_id = customer_id,
                              .field = std::move(field),
                              .message = std::move(message)});
  }
  int64_t CountOf(const std::string& check) const {
    auto it = counts_.find(check);
    return it == counts_.end() ? 0 : it->second;
  }
  const std::vector<Problem>& listed() const { return listed_; }

 private:
  std::map<std::string, int64_t> counts_;
  std::vector<Problem> listed_;
};

// Whether an error of a check means the check cannot run at all (the call
// fails) rather than something found in the workspace (a problem).
bool StopsTheCall(const absl::Status& status) {
  switch (CodeOf(status)) {
    case ErrorCode::kNoMemory:
    case ErrorCode::kBusy:
    case ErrorCode::kMisuse:
    case ErrorCode::kDenied:
    case ErrorCode::kCancelled:
      return true;
    default:
      return RuleIdOf(status) == Rule::kConnection;
  }
}

absl::StatusOr<int64_t> CheckSchema(Session& session, Findings& findings) {
  absl::StatusOr<int64_t> checked =
      session.backend().CheckLayout(ReadFieldColumns);
  if (!checked.ok()) {
    if (StopsTheCall(checked.status())) return checked.status();
    findings.Add("schema", 0, FieldOf(checked.status()),
                 std::string(checked.status().message()));
    return 0;
  }
  return *checked;
}

absl::StatusOr<int64_t> CheckIntegrity(Session& session, Findings& findings) {
  CRM_ASSIGN_OR_RETURN(store::IntegrityReport report,
                       session.backend().CheckIntegrity(kVerifyListedProblems));
  for (std::string& problem : report.problems) {
    findings.Add("integrity", 0, "", std::move(problem));
  }
  return report.checked;
}

absl::StatusOr<int64_t> CheckCounters(Session& session, Findings& findings) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<store::WorkspaceCopySeam> seam,
                       session.backend().CopySeam());
  CRM_ASSIGN_OR_RETURN(store::IdCounters read, seam->ReadIdCounters());
  struct Counter {
    const char* name;
    int64_t counter;
    int64_t highest;
  };
  const Counter counters[] = {
      {"customer id", read.counter.customer_id, read.highest.customer_id},
      {"seq", read.counter.seq, read.highest.seq},
      {"field id", read.counter.field_id, read.highest.field_id},
  };
  for (const Counter& counter : counters) {
    if (counter.counter >= counter.highest) continue;
    findings.Add("counters", 0, "",
                 absl::StrCat("the ", counter.name, " counter stands at ",
                              counter.counter, " but ", counter.highest,
                              " is stored: the next ", counter.name,
                              " would be handed out again"));
  }
  return 3;
}

// Walks every customer's history (store::Backend::ForEachHistoryRow, by
// customer id) beside the stored customers (by id), and checks each pair.
class HistoryCheck {
 public:
  HistoryCheck(Session& session, store::WorkspaceCopySeam& seam,
               Findings& findings)
      : session_(session), seam_(seam), findings_(findings) {}

  absl::StatusOr<int64_t> Run() {
    const Schema& schema = session_.schema();
    columns_ = schema.stored_columns();
    int64_t customer = 0;
    bool any = false;
    RecordTimeline timeline;
    CRM_RETURN_IF_ERROR(session_.backend().ForEachHistoryRow(
        kOpenEnd, [&](const store::EventRow& row) -> absl::Status {
          if (!any || row.customer_id != customer) {
            if (any) CRM_RETURN_IF_ERROR(Finish(customer, timeline));
            any = true;
            customer = row.customer_id;
            timeline = RecordTimeline();
          }
          ApplyHistoryRow(row, &timeline);
          return absl::OkStatus();
        }));
    if (any) CRM_RETURN_IF_ERROR(Finish(customer, timeline));
    // Stored customers after the last one with history have none.
    CRM_RETURN_IF_ERROR(SkipStoredBefore(INT64_MAX));
    return checked_;
  }

 private:
  // The next stored customer not yet checked, or null when none is left.
  absl::StatusOr<const store::CustomerRow*> NextStored() {
    if (next_ < page_.size()) return &page_[next_];
    if (exhausted_) return nullptr;
    CRM_ASSIGN_OR_RETURN(
        page_, seam_.SelectCustomersAfter(columns_, after_, kCopyPageSize));
    next_ = 0;
    if (page_.empty()) {
      exhausted_ = true;
      return nullptr;
    }
    after_ = page_.back().id;
    return &page_[0];
  }

  // Reports the stored customers with an id below `id`: none has history.
  absl::Status SkipStoredBefore(int64_t id) {
    while (true) {
      CRM_ASSIGN_OR_RETURN(const store::CustomerRow* stored, NextStored());
      if (stored == nullptr || stored->id >= id) return absl::OkStatus();
      ++checked_;
      findings_.Add("history", stored->id, "",
                    "the customer is stored but has no history (no "
                    "crm.record.created event)");
      ++next_;
    }
  }

  absl::Status Finish(int64_t id, const RecordTimeline& timeline) {
    CRM_RETURN_IF_ERROR(SkipStoredBefore(id));
    CRM_ASSIGN_OR_RETURN(const store::CustomerRow* stored, NextStored());
    if (stored != nullptr && stored->id != id) stored = nullptr;
    if (stored != nullptr) ++next_;
    ++checked_;
    if (!timeline.exists) {
      findings_.Add("history", id, "",
                    "the customer's history has no crm.record.created event");
      return absl::OkStatus();
    }
    const bool deleted = timeline.deleted_at_us != kOpenEnd;
    if (deleted && stored != nullptr) {
      findings_.Add("history", id, "",
                    "the customer is stored but its history deleted it");
      return absl::OkStatus();
    }
    if (!deleted && stored == nullptr) {
      findings_.Add("history", id, "",
                    "the customer's history holds it but it is not stored "
                    "(removed without a crm.record.deleted event)");
      return absl::OkStatus();
    }
    if (stored == nullptr) return absl::OkStatus();
    return CompareValues(*stored, timeline);
  }

  // Each stored value against the value its field's history replays to (a
  // field no history event changed is not checked: a default given when the
  // field was added is held without one).
  absl::Status CompareValues(const store::CustomerRow& stored,
                             const RecordTimeline& timeline) {
    const std::vector<const Field*>& fields = session_.schema().stored_fields();
    if (stored.values.size() != fields.size()) {
      return DamagedValue(absl::StrCat("customer ", stored.id,
                                       " was read with the wrong number of "
                                       "values"));
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      const Field* field = fields[i];
      auto it = timeline.fields.find(field->id());
      if (it == timeline.fields.end()) continue;
      absl::StatusOr<store::SqlValue> replayed =
          field->ToStored(it->second.Current());
      if (!replayed.ok()) {
        findings_.Add("history", stored.id, field->name(),
                      absl::StrCat("the history's last value cannot be "
                                   "stored in the field: ",
                                   replayed.status().message()));
        continue;
      }
      if (*replayed == stored.values[i]) continue;
      findings_.Add("history", stored.id, field->name(),
                    store::IsNull(stored.values[i])
                        ? "the field is empty but its history ends with a "
                          "value"
                        : "the stored value is not the one the field's "
                          "history ends with (changed without a history "
                          "event?)");
    }
    return absl::OkStatus();
  }

  Session& session_;
  store::WorkspaceCopySeam& seam_;
  Findings& findings_;
  std::vector<std::string> columns_;
  std::vector<store::CustomerRow> page_;
  size_t next_ = 0;
  int64_t after_ = 0;
  bool exhausted_ = false;
  int64_t checked_ = 0;
};

absl::StatusOr<int64_t> CheckMatchKeys(Session& session, Findings& findings) {
  return duplicates::CheckMatchKeys(
      session, [&](int64_t id, std::string message) {
        findings.Add("match_keys", id, "", std::move(message));
      });
}

absl::StatusOr<int64_t> CheckMerges(Session& session, Findings& findings) {
  return merge::CheckMerges(session, [&](int64_t id, std::string message) {
    findings.Add("merges", id, "", std::move(message));
  });
}

absl::StatusOr<int64_t> CheckHistory(Session& session, Findings& findings) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<store::WorkspaceCopySeam> seam,
                       session.backend().CopySeam());
  return HistoryCheck(session, *seam, findings).Run();
}

void AppendReport(const std::vector<CheckResult>& checks,
                  const Findings& findings, std::string* out) {
  bool ok = true;
  for (const CheckResult& check : checks) ok = ok && check.problems == 0;
  absl::StrAppend(out, "{\"ok\":", ok ? "true" : "false", ",\"checks\":[");
  for (size_t i = 0; i < checks.size(); ++i) {
    if (i > 0) out->push_back(',');
    absl::StrAppend(out, "{\"name\":\"", checks[i].name,
                    "\",\"ok\":", checks[i].problems == 0 ? "true" : "false",
                    ",\"checked\":", checks[i].checked, "}");
  }
  out->append("],\"problems\":[");
  for (size_t i = 0; i < findings.listed().size(); ++i) {
    const Problem& problem = findings.listed()[i];
    if (i > 0) out->push_back(',');
    absl::StrAppend(out, "{\"check\":\"", problem.check, "\"");
    if (problem.customer_id != 0) {
      absl::StrAppend(out, ",\"customer_id\":", problem.customer_id);
    }
    if (!problem.field.empty()) {
      out->append(",\"field\":");
      AppendJsonString(problem.field, out);
    }
    out->append(",\"message\":");
    AppendJsonString(problem.message, out);
    out->push_back('}');
  }
  out->append("]}");
}

// The checks in their order, each a name and what runs it.
using CheckFn = absl::StatusOr<int64_t> (*)(Session&, Findings&);
struct NamedCheck {
  const char* name;
  CheckFn run;
};
constexpr NamedCheck kChecks[] = {
    {"schema", CheckSchema},        {"integrity", CheckIntegrity},
    {"counters", CheckCounters},    {"history", CheckHistory},
    {"match_keys", CheckMatchKeys}, {"merges", CheckMerges},
};

absl::StatusOr<std::string> VerifyInScope(Session& session) {
  Findings findings;
  std::vector<CheckResult> results;
  bool ended = false;  // the storage ended the snapshot after a failure
  for (const NamedCheck& check : kChecks) {
    CheckResult result{.name = check.name, .checked = 0, .problems = 0};
    if (ended) {
      findings.Add(check.name, 0, "",
                   "not run: an earlier check failed and ended the snapshot");
    } else {
      absl::StatusOr<int64_t> checked = check.run(session, findings);
      if (checked.ok()) {
        result.checked = *checked;
      } else if (StopsTheCall(checked.status())) {
        return checked.status();
      } else {
        findings.Add(check.name, 0, FieldOf(checked.status()),
                     absl::StrCat("the check could not finish: ",
                                  checked.status().message()));
        ended = !session.backend().InTransaction();
      }
    }
    result.problems = findings.CountOf(check.name);
    results.push_back(std::move(result));
  }
  std::string report;
  AppendReport(results, findings, &report);
  return report;
}

}  // namespace

absl::StatusOr<std::string> VerifyWorkspace(Workspace& workspace) {
  std::optional<std::string> report;
  CRM_RETURN_IF_ERROR(
      workspace.Run(store::ScopeKind::kRead, [&](Session& session) {
        CRM_ASSIGN_OR_RETURN(report, VerifyInScope(session));
        return absl::OkStatus();
      }));
  return *std::move(report);
}

}  // namespace crm::core
