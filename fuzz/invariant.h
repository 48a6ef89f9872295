// A hard stop for fuzz targets that test libcrm's internals directly,
// without its C ABI (fuzz_support.h's CRM_FUZZ_CHECK also prints the C ABI's
// last error, which these targets do not link).
#ifndef CRM_FUZZ_INVARIANT_H_
#define CRM_FUZZ_INVARIANT_H_

#include <cstdio>
#include <cstdlib>
#include <string>

// Aborts (libFuzzer reports a crash) when `condition` is false, printing it
// and `detail` (a std::string or C string: what the input produced).
#define CRM_FUZZ_REQUIRE(condition, detail)                                \
  do {                                                                     \
    if (!(condition)) {                                                    \
      std::fprintf(stderr, "invariant broken: %s (%s:%d)\n  detail: %s\n", \
                   #condition, __FILE__, __LINE__,                         \
                   std::string(detail).c_str());                           \
      std::abort();                                                        \
    }                                                                      \
  } while (false)

#endif  // CRM_FUZZ_INVARIANT_H_
