// Deleters that let std::unique_ptr own what libcrm's C ABI hands out, for
// the benchmark programs: each calls the matching crm_*_free (crm_close for
// a handle), which accepts NULL.
#ifndef CRM_BENCHMARKS_CRM_OWNED_H_
#define CRM_BENCHMARKS_CRM_OWNED_H_

#include "crm/crm.h"

namespace crm_bench {

struct DbClose {
  void operator()(crm_db* db) const { crm_close(db); }
};
struct RecordFree {
  void operator()(crm_record* r) const { crm_record_free(r); }
};
struct EventFree {
  void operator()(crm_event* e) const { crm_event_free(e); }
};
struct ReportFree {
  void operator()(crm_batch_report* r) const { crm_batch_report_free(r); }
};
struct QueryFree {
  void operator()(crm_query* query) const { crm_query_free(query); }
};
struct RowsFree {
  void operator()(crm_rows* rows) const { crm_rows_free(rows); }
};
struct PageFree {
  void operator()(crm_event_page* p) const { crm_event_page_free(p); }
};

}  // namespace crm_bench

#endif  // CRM_BENCHMARKS_CRM_OWNED_H_
