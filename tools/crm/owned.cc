#include "owned.h"

#include <string>

#include "failure.h"

namespace crm::cli {

nlohmann::ordered_json TakeJson(char* text) {
  StringPtr owned(text);
  try {
    return nlohmann::ordered_json::parse(owned != nullptr ? owned.get()
                                                          : "null");
  } catch (const nlohmann::json::exception& error) {
    throw Failure(
        static_cast<int>(kExitStatusBase) + CRM_E_INTERNAL,
        std::string("libcrm returned text that is not JSON: ") + error.what());
  }
}

}  // namespace crm::cli
