// Owning what libcrm hands back: one unique_ptr type per libcrm object,
// freed with its libcrm free function, and JSON text parsed and freed in one
// step. Every verb uses these rather than its own deleters.
#ifndef CRM_TOOLS_CRM_OWNED_H_
#define CRM_TOOLS_CRM_OWNED_H_

#include <memory>
#include <nlohmann/json.hpp>

#include "crm/crm.h"

namespace crm::cli {

template <typename T, void (*Free)(T*)>
struct LibcrmFree {
  void operator()(T* object) const { Free(object); }
};

using QueryPtr =
    std::unique_ptr<crm_query, LibcrmFree<crm_query, crm_query_free>>;
using RowsPtr = std::unique_ptr<crm_rows, LibcrmFree<crm_rows, crm_rows_free>>;
using RecordPtr =
    std::unique_ptr<crm_record, LibcrmFree<crm_record, crm_record_free>>;
using EventPagePtr =
    std::unique_ptr<crm_event_page,
                    LibcrmFree<crm_event_page, crm_event_page_free>>;
using FieldTimelinePtr =
    std::unique_ptr<crm_field_timeline,
                    LibcrmFree<crm_field_timeline, crm_field_timeline_free>>;
using WriteResultPtr =
    std::unique_ptr<crm_write_result,
                    LibcrmFree<crm_write_result, crm_write_result_free>>;
using StringPtr = std::unique_ptr<char, LibcrmFree<char, crm_string_free>>;

// Parses the JSON text libcrm returned in `text` (NULL reads as null) and
// frees it (crm_string_free), also when it does not parse: then throws
// Failure with the exit code of CRM_E_INTERNAL, as libcrm broke its word.
nlohmann::ordered_json TakeJson(char* text);

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_OWNED_H_
