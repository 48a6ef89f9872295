// Version, status names, the last error, and strings handed to callers.
#include "capi/capi_error.h"

#include <cstdlib>
#include <string>

#include "core/file_backend.h"
#include "crm/crm.h"

namespace crm::capi {
namespace {

struct LastError {
  int code = CRM_OK;
  std::string message, field, rule;
  int64_t position = -1;
  std::string candidates_json = "[]";
  int64_t survivor_id = 0;
  crm_error view;  // what crm_last_error() hands out, pointing at the above
};

LastError& ThreadLastError() {
  thread_local LastError last_error;
  return last_error;
}

}  // namespace

void SetLastError(int code, std::string message, std::string field,
                  std::string rule, int64_t position,
                  std::string candidates_json, int64_t survivor_id) {
  LastError& last = ThreadLastError();
  last.survivor_id = survivor_id;
  last.candidates_json = std::move(candidates_json);
  last.position = position;
  last.code = code;
  last.message = std::move(message);
  last.field = std::move(field);
  last.rule = std::move(rule);
}

}  // namespace crm::capi

extern "C" {

const char* crm_version(void) { return CRM_VERSION_STRING; }

int crm_version_number(void) { return CRM_VERSION_NUMBER; }

int crm_schema_version(void) { return crm::core::LatestFileSchemaVersion(); }

const char* crm_status_name(int status) {
  switch (status) {
    case CRM_OK:
      return "CRM_OK";
    case CRM_E_NOT_FOUND:
      return "CRM_E_NOT_FOUND";
    case CRM_E_INVALID_ARGUMENT:
      return "CRM_E_INVALID_ARGUMENT";
    case CRM_E_VALIDATION:
      return "CRM_E_VALIDATION";
    case CRM_E_CONSTRAINT:
      return "CRM_E_CONSTRAINT";
    case CRM_E_CONFLICT:
      return "CRM_E_CONFLICT";
    case CRM_E_BUSY:
      return "CRM_E_BUSY";
    case CRM_E_IO:
      return "CRM_E_IO";
    case CRM_E_NOMEM:
      return "CRM_E_NOMEM";
    case CRM_E_MISUSE:
      return "CRM_E_MISUSE";
    case CRM_E_NOT_WORKSPACE:
      return "CRM_E_NOT_WORKSPACE";
    case CRM_E_VERSION:
      return "CRM_E_VERSION";
    case CRM_E_READ_ONLY:
      return "CRM_E_READ_ONLY";
    case CRM_E_INTERNAL:
      return "CRM_E_INTERNAL";
    case CRM_E_UNSUPPORTED:
      return "CRM_E_UNSUPPORTED";
    case CRM_E_DENIED:
      return "CRM_E_DENIED";
    case CRM_E_CANCELLED:
      return "CRM_E_CANCELLED";
    case CRM_E_DUPLICATE:
      return "CRM_E_DUPLICATE";
    case CRM_E_MERGED:
      return "CRM_E_MERGED";
    default:
      return "CRM_E_UNKNOWN";
  }
}

const crm_error* crm_last_error(void) {
  crm::capi::LastError& last = crm::capi::ThreadLastError();
  last.view.code = last.code;
  last.view.message = last.message.c_str();
  last.view.field = last.field.c_str();
  last.view.rule = last.rule.c_str();
  last.view.position = last.position;
  last.view.candidates_json = last.candidates_json.c_str();
  last.view.survivor_id = last.survivor_id;
  return &last.view;
}

int crm_last_error_code(void) { return crm::capi::ThreadLastError().code; }

const char* crm_last_error_message(void) {
  return crm::capi::ThreadLastError().message.c_str();
}

const char* crm_last_error_field(void) {
  return crm::capi::ThreadLastError().field.c_str();
}

int64_t crm_last_error_position(void) {
  return crm::capi::ThreadLastError().position;
}

const char* crm_last_error_rule(void) {
  return crm::capi::ThreadLastError().rule.c_str();
}

void crm_string_free(char* s) { std::free(s); }

}  // extern "C"
