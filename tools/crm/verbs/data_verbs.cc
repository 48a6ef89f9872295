#include "verbs/verbs.h"

namespace crm::cli {

// Not written yet: adds no verb.
void AddDataVerbs(CLI::App& /*app*/, const Globals& /*globals*/) {}

}  // namespace crm::cli
