// The workload of libcrm's fault tests and the loop that injects one fault
// per run of it: a source of faults (a failing write or sync of the fault
// VFS, a failing allocation) fails its Nth call, for N spread over all the
// calls the workload makes. Each run keeps a model of the calls that returned
// CRM_OK; after it, the file must be sound and hold exactly that work.
#ifndef CRM_TESTS_RELIABILITY_FAULT_WORKLOAD_H_
#define CRM_TESTS_RELIABILITY_FAULT_WORKLOAD_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "crm/crm.h"

namespace crm_reliability {

// Something that fails its Nth call once armed: the fault VFS, an allocator.
class FaultSource {
 public:
  virtual ~FaultSource() = default;
  // Resets the counters; from now on the nth call fails (0: none fails,
  // calls are only counted).
  virtual void Arm(int64_t nth) = 0;
  // Back to the real thing: nothing fails and nothing is counted.
  virtual void Disarm() = 0;
  virtual int64_t Calls() const = 0;  // counted since Arm()
  virtual int64_t Fired() const = 0;  // faults returned since Arm(): 0 or 1
  // Called around every libcrm call of the workload, so that a source can
  // count only what libcrm does (the test's own allocations do not count).
  virtual void EnterLibrary() {}
  virtual void LeaveLibrary() {}
};

// What the workspace must hold: the effect of every call that returned OK.
struct Model {
  bool field_defined = false;
  std::map<std::string, int64_t> seats;  // external id -> seats (-1: none)
  std::map<std::string, int64_t> ids;    // external id -> customer id
  std::set<std::string> event_keys;
  // crm.record.created events: customers ever created, less those erased
  // (an erase removes a customer's history too).
  int64_t created = 0;
  std::map<std::string, int64_t> deleted;  // external id -> id, deleted ones
  std::map<std::string, std::string> key_owner;  // event key -> external id
  std::set<int64_t> erased;  // ids erased: nothing but a tombstone each
  // crm.record.updated events of changes effective in the past (of
  // customers not erased).
  int64_t late_changes = 0;
  bool duplicate_rule = false;  // the "same_name" rule is defined
};

// Opens a workspace (creating it, or an existing one), defines a field,
// creates customers one by one and in a batch, updates one (also with late
// and corrective changes of the past), appends events
// one by one and in a batch, deletes one, writes in a host transaction,
// erases a customer with history and events, the deleted one and, by a
// filter, half of the batch's, checkpoints, counts and sums customers and
// events with queries, exports the customers to a CSV file, dumps the
// workspace and loads the dump into a new one, defines a duplicate rule and
// sets the default region, creates a duplicate that the rule blocks and one
// saved anyway, finds duplicates, merges the saved duplicate into another
// customer and undoes the merge, and closes the workspace.
// Every libcrm call runs
// between source->EnterLibrary() and LeaveLibrary().
class Workload {
 public:
  Workload(FaultSource* source, Model* model)
      : source_(source), model_(model) {}

  // Runs every step on the workspace at `location` (a path or a PostgreSQL
  // workspace URL); a step whose call fails changes nothing in the model.
  // Returns crm_open's status. `where` prefixes failure messages.
  int Run(const std::string& location, const std::string& where);

  int failed() const { return failed_; }
  // Calls that failed after the one the fault fired in, outside the host
  // transaction (which a fault may end): after a fault the next call
  // should work again.
  int failed_after_fault() const { return failed_after_fault_; }
  // Whether the call during which the fault fired returned an error, and
  // which.
  bool fault_in_failed_call() const { return fault_status_ != CRM_OK; }
  int fault_status() const { return fault_status_; }
  // The rule of that error (crm_last_error_rule()).
  const std::string& fault_rule() const { return fault_rule_; }
  // The step the fault fired in ("" if none did), e.g. "create c1".
  const std::string& fault_step() const { return fault_step_; }
  // The calls of the source (numbered from 1 since Arm()) each step made:
  // step -> (first, last).
  const std::map<std::string, std::pair<int64_t, int64_t>>& step_calls() const {
    return step_calls_;
  }

 private:
  // Runs one libcrm call between EnterLibrary() and LeaveLibrary().
  template <typename Body>
  int Library(Body body) {
    source_->EnterLibrary();
    const int64_t before = source_->Calls();
    int rc = body();
    const int64_t after = source_->Calls();
    source_->LeaveLibrary();
    if (after > before) {
      auto [range, fresh] = step_calls_.try_emplace(step_, before + 1, after);
      if (!fresh) range->second.second = after;
    }
    return rc;
  }
  // Records the outcome of a call that returned `rc`; applies `apply` to
  // the model when it succeeded.
  template <typename Apply>
  int Call(int rc, Apply apply) {
    const bool fault_now = source_->Fired() > 0 && !fault_seen_;
    if (rc != CRM_OK && fault_seen_ && !in_transaction_) {
      ++failed_after_fault_;
      std::printf("%scall in %s failed after the fault in %s: %s: %s\n",
                  where_.c_str(), step_.c_str(), fault_step_.c_str(),
                  crm_status_name(rc), crm_last_error_message());
    }
    if (fault_now) fault_step_ = step_;
    if (rc == CRM_OK) {
      apply();
    } else {
      ++failed_;
      if (fault_now) {
        fault_status_ = rc;
        const char* rule = crm_last_error_rule();
        fault_rule_ = rule != nullptr ? rule : "";
      }
    }
    fault_seen_ = source_->Fired() > 0;
    return rc;
  }
  int Call(int rc) {
    return Call(rc, [] {});
  }

  void Steps();
  // A new record with `name`, `external_id` and `seats` (if >= 0) set, or
  // nullptr when a call failed.
  crm_record* NewRecord(const std::string& name, const std::string& external_id,
                        int64_t seats);
  void Create(const std::string& external_id, int64_t seats);
  void Update(const std::string& external_id, int64_t seats);
  // Sets seats from the customer's created_at on (a late change), then
  // corrects them for its first microsecond (a bounded correction).
  void LateChange(const std::string& external_id);
  void AppendEvent(const std::string& external_id, const std::string& key);
  void CustomerBatch();
  // Imports a 3-row CSV (imp-0 to imp-2, with seats when the field exists)
  // with crm_import in one transaction (batch_rows 0): all rows or none.
  void Import();
  void EventBatch();
  void Delete(const std::string& external_id);
  void Transaction();
  // Erases the customer (or the deleted customer) `external_id`.
  void Erase(const std::string& external_id);
  // Erases the batch's customers bat-4 to bat-7 by a filter.
  void EraseWhere();
  void Checkpoint();
  // Dumps the workspace (crm_dump) and loads the dump into a new in-memory
  // workspace (crm_load): when both return OK the two checksums are equal;
  // a failed load leaves that workspace empty. Changes nothing in the model.
  void DumpAndLoad();
  // Defines an access profile and reads and updates through a handle
  // restricted to it (crm_db_restrict): all or nothing like any other call.
  void Restricted();
  // The model after `external_id` (id `id`) was erased.
  void Forget(const std::string& external_id, int64_t id);
  void Query();
  // Exports every customer's external id and seats to a CSV file (beside
  // the workspace file, or in the temporary folder for a server's): after
  // CRM_OK the file holds exactly the model's customers by id; after an
  // error there is no file, nor a half-written one beside it.
  void Export();
  // Duplicates (crm.h "Duplicates"): the region set, a blocking rule on
  // equal names, a create it blocks (nothing stored), the candidates of a
  // record, the same create saved anyway, and a scan that pairs it.
  void Duplicates();
  // Merges the duplicate "dup-1" into "c1" and undoes the merge (crm.h
  // "Merging customers").
  void MergeAndUndo();
  // Counts the rows of `target` that match `filter` and sums `field` over
  // them; expects `count` and `sum` ("" for no value).
  void QueryTotals(int target, const char* filter, const char* field,
                   int64_t count, const std::string& sum);

  FaultSource* source_;
  Model* model_;
  std::string where_;
  std::string location_;  // of the workspace, as Run() got it
  std::string step_;      // the step running, for messages
  std::string fault_step_;
  crm_db* db_ = nullptr;
  int failed_ = 0;
  int failed_after_fault_ = 0;
  bool fault_seen_ = false;
  bool in_transaction_ = false;  // between crm_begin and its end
  int fault_status_ = CRM_OK;
  std::string fault_rule_;
  std::map<std::string, std::pair<int64_t, int64_t>> step_calls_;
};

// Checks the workspace at `location` (a path or a PostgreSQL workspace URL)
// against the model: its integrity behind libcrm's back (raw_db.h), the
// customers, their values and the field through libcrm, then the event keys
// and the history events behind its back again.
// Failures are gtest failures prefixed with `where`.
void ExpectHolds(const std::string& location, const Model& model,
                 const std::string& where);

// How the fault points of one source went.
struct FaultPointStats {
  int64_t calls = 0;  // calls of the source in a run without a fault
  // The points' range: every call, or those of the focus's steps.
  int64_t first = 1;
  int64_t last = 0;
  int64_t stride = 1;  // every stride-th call was made to fail
  int injected = 0;    // runs in which the fault fired
  int reported = 0;    // ... and the call it fired in returned an error
  int absorbed = 0;    // ... and the call it fired in returned CRM_OK
  // Runs in which a call after the fault's, outside the host transaction,
  // failed too (Workload::failed_after_fault()).
  int failed_after = 0;
  // (status the failing call returned, its step) -> runs
  std::map<std::pair<int, std::string>, int> failures;
  std::map<std::string, int> rules;  // rule of the failing call -> runs
};

// Where the runs of the workload work: one new workspace per run.
struct FaultWorkspaces {
  // The location (a path or a PostgreSQL workspace URL) for the run of
  // fault point `nth` (0: the run without a fault), ready for the
  // workload's crm_open: nothing there yet, or a copy of a template.
  std::function<std::string(int64_t nth)> prepare;
  // Whether a run whose open failed left a workspace there to check.
  std::function<bool(const std::string& location)> exists;
  // Removes it after a run that passed its checks.
  std::function<void(const std::string& location)> remove;
};

// Workspace files `dir`/<nth>.crm, each a copy of `template_path` (a fresh
// file when it is empty).
FaultWorkspaces FilesIn(const std::string& dir,
                        const std::string& template_path);

// Runs the workload once without a fault (it must succeed), then once per
// fault point: the Nth call of `source` fails, for N = stride, 2 * stride,
// ... up to the calls the workload makes, where stride spreads at most
// `max_points` points evenly over them (1, every call, when they are
// fewer). With `focus`, only the calls from the first to the last made by
// the steps whose names start with one of those prefixes (e.g. "erase",
// "checkpoint") are points. Each run works on a workspace of `workspaces`,
// which must hold its model afterwards. `name` prefixes failure messages.
// Gtest failures on the way.
FaultPointStats RunFaultPoints(FaultSource* source, const std::string& name,
                               const FaultWorkspaces& workspaces,
                               int max_points,
                               const std::vector<std::string>& focus = {});

// The step names the erase fault tests focus on (RunFaultPoints).
inline const std::vector<std::string>& EraseSteps() {
  static const std::vector<std::string> steps = {"erase", "checkpoint"};
  return steps;
}

// Prints what the fault points of `name` did (`calls` names what the source
// counts, e.g. "allocations") and expects every failing call to have
// returned `expected_status`, and some to have failed (unless
// CRM_FAULT_POINT chose one point).
void ReportFaultPoints(const std::string& name, const char* calls,
                       const FaultPointStats& stats, int expected_status);

// A fresh temporary directory for a test's files.
std::string MakeTempDir(const std::string& prefix);

}  // namespace crm_reliability

#endif  // CRM_TESTS_RELIABILITY_FAULT_WORKLOAD_H_
