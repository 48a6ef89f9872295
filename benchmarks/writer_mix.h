// What one writer process of the writer-scaling benchmark does, and how a
// workspace is checked afterwards. Every call goes through libcrm's C ABI
// only, on a workspace file or a PostgreSQL workspace.
#ifndef CRM_BENCHMARKS_WRITER_MIX_H_
#define CRM_BENCHMARKS_WRITER_MIX_H_

#include <cstdint>
#include <string>
#include <vector>

namespace crm_bench {

// The kinds of call a writer makes, each timed on its own.
enum CallKind {
  kCreateOne,     // crm_customer_create: one customer
  kAppendOne,     // crm_event_append: one event
  kCreateBatch,   // crm_customer_write_batch: kBatchRows customers
  kAppendBatch,   // crm_event_append_batch: kBatchRows events
  kUpdateShared,  // read the shared customer, update it at that version
                  // (retried after CRM_E_CONFLICT until it applies)
  kCallKinds
};
inline constexpr const char* kCallKindNames[kCallKinds] = {
    "create_1", "append_1", "create_20", "append_20", "update_shared"};
inline constexpr int kBatchRows = 20;
// Every iteration creates a customer and appends an event to it; every
// kBatchEvery-th also writes a batch of customers and a batch of events (one
// per customer of the batch); every kUpdateEvery-th updates the shared one.
inline constexpr int kBatchEvery = 4;
inline constexpr int kUpdateEvery = 8;

// How many calls of `kind` (and rows written) `iterations` make.
int64_t CallsOf(CallKind kind, int64_t iterations);
int64_t CustomersOf(int64_t iterations);  // = events of type kEventType

// The email of the `k`-th customer (0-based) writer `writer` creates: the
// key the check matches stored customers on.
std::string WriterEmail(int writer, int64_t k);

// Where a writer writes, and what it must do. `location` is a file path or a
// PostgreSQL workspace URL (server = true).
struct WriterTask {
  int writer = 0;
  std::string location;
  bool server = false;
  int64_t shared_id = 0;  // the customer every writer of the workspace updates
  int64_t iterations = 0;
  int32_t busy_timeout_ms = 5000;
};

// What a writer reports. The vectors are filled in call order; latencies in
// microseconds per call as the host sees it (CRM_E_BUSY retries included).
// Owned by the caller; the writer appends to them.
struct WriterResult {
  int64_t calls[kCallKinds] = {};
  int64_t rows = 0;       // customers and events stored, updates applied
  int64_t conflicts = 0;  // CRM_E_CONFLICT on the shared update
  int64_t busy = 0;       // CRM_E_BUSY, each retried
  int64_t updates = 0;    // shared updates applied
  std::string error;      // the first error other than those; "" if none
  std::vector<float> latency_us[kCallKinds];
  std::vector<int64_t> ids;   // customers created, k-th is WriterEmail(.., k)
  std::vector<int64_t> seqs;  // events of type kEventType appended
};

inline constexpr const char* kEventType = "bench.note";

// Opens its own handle on task.location and runs the mix. Returns after the
// last call or the first unexpected error (result->error). `ready` is called
// once the handle is open (or failed to open), `start` blocks until every
// writer may begin (the start barrier); both are the caller's.
void RunWriter(const WriterTask& task, void (*ready)(bool opened),
               void (*start)(), WriterResult* result);

// Creates the workspace at `location` with the shared customer; its id in
// *shared_id. "" when done, else why not.
std::string PrepareWorkspace(const std::string& location, bool server,
                             int64_t* shared_id);

// What the workspace at `location` must hold after the writers `results`
// (writer numbers `writers`, in the same order) ran on it: every reported
// customer with its email and no other but the shared one, every reported
// event seq and no other of kEventType, seqs unique and increasing, one
// created-history event per customer and one updated-history event of the
// shared customer per update applied, its version 1 + those updates.
// "" when it holds, else the first difference.
std::string VerifyWorkspace(const std::string& location, bool server,
                            int64_t shared_id, const std::vector<int>& writers,
                            const std::vector<const WriterResult*>& results);

}  // namespace crm_bench

#endif  // CRM_BENCHMARKS_WRITER_MIX_H_
