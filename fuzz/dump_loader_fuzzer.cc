// Dumps: arbitrary bytes to crm_load() on a new in-memory workspace. The
// bytes are written to a file (crm_load reads a path) and loaded; then:
//  - a refusal is CRM_E_IO rule "damaged", CRM_E_NOT_WORKSPACE rule "file"
//    or CRM_E_VERSION (never internal, never a crash), and the workspace is
//    as empty as before: its checksum and customer count are unchanged;
//  - a load that succeeds holds a workspace that dumps and loads again into
//    another new workspace with the same checksum.
// Seeds are dumps of small workspaces (fuzz/make_seeds.py).
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "fuzz_support.h"

namespace {

// A path of this process's own, for the input and the dump made of a load.
std::string TempPath(const char* what) {
  return "/tmp/crm_dump_fuzz_" + std::to_string(getpid()) + "_" + what;
}

crm_db* OpenMemory() {
  crm_db* db = nullptr;
  CRM_FUZZ_CHECK(crm_open(&db, ":memory:", nullptr) == CRM_OK);
  return db;
}

std::string Checksum(crm_db* db) {
  char* hex = nullptr;
  CRM_FUZZ_CHECK(crm_workspace_checksum(&hex, db) == CRM_OK);
  std::string sum = hex;
  crm_string_free(hex);
  return sum;
}

// The checksum of a new, empty workspace: every refused load leaves this.
const std::string& EmptyChecksum() {
  static const std::string* sum = [] {
    crm_db* db = OpenMemory();
    auto* text = new std::string(Checksum(db));
    crm_close(db);
    return text;
  }();
  return *sum;
}

bool WriteFile(const std::string& path, const uint8_t* data, size_t size) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return false;
  bool written = std::fwrite(data, 1, size, file) == size;
  return std::fclose(file) == 0 && written;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input = TempPath("input");
  CRM_FUZZ_CHECK(WriteFile(input, data, size));
  crm_db* db = OpenMemory();
  int rc = crm_load(db, input.c_str(), nullptr);
  if (rc != CRM_OK) {
    const std::string rule = crm_last_error_rule();
    CRM_FUZZ_CHECK((rc == CRM_E_IO && rule == "damaged") ||
                   (rc == CRM_E_NOT_WORKSPACE && rule == "file") ||
                   rc == CRM_E_VERSION);
    CRM_FUZZ_CHECK(crm_fuzz::Count(db) == 0);
    CRM_FUZZ_CHECK(Checksum(db) == EmptyChecksum());
    crm_close(db);
    std::remove(input.c_str());
    return 0;
  }
  const std::string sum = Checksum(db);
  const std::string again = TempPath("again");
  CRM_FUZZ_CHECK(crm_dump(db, again.c_str(), nullptr) == CRM_OK);
  crm_db* copy = OpenMemory();
  CRM_FUZZ_CHECK(crm_load(copy, again.c_str(), nullptr) == CRM_OK);
  CRM_FUZZ_CHECK(Checksum(copy) == sum);
  crm_close(copy);
  crm_close(db);
  std::remove(again.c_str());
  std::remove(input.c_str());
  return 0;
}
