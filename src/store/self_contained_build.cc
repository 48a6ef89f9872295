// Linked into the self-contained libcrm.so only (cmake/bundled_library.cmake):
// its presence tells store/backend_plugin.cc that this libcrm carries its own
// hidden copies of Abseil, SQLite and the rest, so that no backend plugin,
// built against the system's shared copies, may be loaded into it.
#include "store/backend_plugin.h"

namespace crm::store {

const char kSelfContainedBuild[] = "self-contained";

}  // namespace crm::store
