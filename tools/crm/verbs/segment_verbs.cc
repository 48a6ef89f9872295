#include "verbs/verbs.h"

namespace crm::cli {

// Not written yet: adds no verb.
void AddSegmentVerbs(CLI::App& /*app*/, const Globals& /*globals*/) {}

}  // namespace crm::cli
