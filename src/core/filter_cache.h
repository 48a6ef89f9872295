// The filters one workspace has checked, so that a filter run again is not
// lexed and parsed again, and one that depends on nothing but the schema is
// not checked again either.
#ifndef CRM_CORE_FILTER_CACHE_H_
#define CRM_CORE_FILTER_CACHE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/access.h"
#include "core/customer_record.h"
#include "core/query_checker.h"
#include "core/schema.h"
#include "query/ast.h"
#include "store/query_plan.h"

namespace crm::core {

// Valid for one schema: its owner calls Clear() whenever it replaces or
// drops its schema (a reload, a field change, a rollback), so that no
// condition checked against other fields is ever reused. Holds at most
// kMaxEntries filters. Not thread-safe: the workspace's lock guards it.
class FilterCache {
 public:
  // CheckFilter() (query_checker.h) for `schema`, which must be the schema
  // current since the last Clear(). With `access` (a restricted session's
  // profile), the filter is first checked against it on every call
  // (query_access.h CheckFilterAccess), cached or not: what is cached is
  // the same for every profile, so no check made for one is reused for
  // another.
  absl::StatusOr<std::optional<store::Condition>> Check(
      const Schema& schema, QueryTarget target, absl::string_view filter,
      const CustomerRecord& params, bool include_archived, int64_t now_us,
      const Access* access = nullptr);
  void Clear() { entries_.clear(); }

  static constexpr size_t kMaxEntries = 256;

 private:
  struct Entry {
    std::unique_ptr<const query::Expr> parsed;
    // The checked condition when it depends on nothing but the schema.
    std::optional<store::Condition> constant;
  };
  // By target, include_archived and the filter text.
  absl::flat_hash_map<std::string, Entry> entries_;
};

}  // namespace crm::core

#endif  // CRM_CORE_FILTER_CACHE_H_
