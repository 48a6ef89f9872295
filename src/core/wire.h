// The messages of include/crm/crm.proto as the core uses them. The build
// compiles them under the private package crm.wire_impl (see
// CMakeLists.txt); inside libcrm they are spelled crm::wire.
#ifndef CRM_CORE_WIRE_H_
#define CRM_CORE_WIRE_H_

#include "crm_impl/wire.pb.h"

namespace crm {
namespace wire = ::crm::wire_impl;
}  // namespace crm

#endif  // CRM_CORE_WIRE_H_
