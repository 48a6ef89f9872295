#include "alloc_faults.h"

#include <sqlite3.h>

#include <cstdlib>
#include <new>

namespace crm_reliability {

void AllocFaults::Arm(int64_t nth) {
  armed_ = false;
  calls_ = 0;
  fired_ = 0;
  fail_at_ = nth;
  armed_ = true;
}

bool AllocFaults::Fail() {
  if (!armed_.load() || !inside_.load()) return false;
  if (++calls_ != fail_at_.load()) return false;
  ++fired_;
  return true;
}

namespace {

// Constant-initialized, so usable by allocations made before main().
AllocFaults sqlite_faults;
AllocFaults cxx_faults;

// SQLite's default allocator, wrapped: xMalloc and xRealloc may fail.
sqlite3_mem_methods real_methods;

void* Malloc(int size) {
  return sqlite_faults.Fail() ? nullptr : real_methods.xMalloc(size);
}
void Free(void* p) { real_methods.xFree(p); }
void* Realloc(void* p, int size) {
  return sqlite_faults.Fail() ? nullptr : real_methods.xRealloc(p, size);
}
int Size(void* p) { return real_methods.xSize(p); }
int Roundup(int size) { return real_methods.xRoundup(size); }
int Init(void*) { return real_methods.xInit(real_methods.pAppData); }
void Shutdown(void*) { real_methods.xShutdown(real_methods.pAppData); }

}  // namespace

AllocFaults& SqliteAllocFaults() { return sqlite_faults; }
AllocFaults& CxxAllocFaults() { return cxx_faults; }

bool InstallSqliteAllocator() {
  if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_methods) != SQLITE_OK) {
    return false;
  }
  static sqlite3_mem_methods wrapper = {Malloc,  Free, Realloc,  Size,
                                        Roundup, Init, Shutdown, nullptr};
  return sqlite3_config(SQLITE_CONFIG_MALLOC, &wrapper) == SQLITE_OK &&
         sqlite3_initialize() == SQLITE_OK;
}

}  // namespace crm_reliability

// operator new and delete for the whole process, exported so that shared
// libraries bind to them: malloc and free, except that the armed
// allocation fails. The aligned forms are left to the runtime, which pairs
// them itself.
#define CRM_EXPORTED __attribute__((visibility("default")))

namespace {
void* Allocate(std::size_t size) {
  return crm_reliability::cxx_faults.Fail() ? nullptr
                                            : std::malloc(size ? size : 1);
}
}  // namespace

CRM_EXPORTED void* operator new(std::size_t size) {
  void* p = Allocate(size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
CRM_EXPORTED void* operator new[](std::size_t size) {
  return operator new(size);
}
CRM_EXPORTED void* operator new(std::size_t size,
                                const std::nothrow_t&) noexcept {
  return Allocate(size);
}
CRM_EXPORTED void* operator new[](std::size_t size,
                                  const std::nothrow_t&) noexcept {
  return Allocate(size);
}
CRM_EXPORTED void operator delete(void* p) noexcept { std::free(p); }
CRM_EXPORTED void operator delete[](void* p) noexcept { std::free(p); }
CRM_EXPORTED void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
CRM_EXPORTED void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
CRM_EXPORTED void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
CRM_EXPORTED void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
