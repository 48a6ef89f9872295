// How the crm tool fails: one exception type carrying the process's exit
// code and the message printed on stderr, and the mapping from libcrm's
// statuses to exit codes (documented in docs/crm-tool.md, "Exit codes").
#ifndef CRM_TOOLS_CRM_FAILURE_H_
#define CRM_TOOLS_CRM_FAILURE_H_

#include <stdexcept>
#include <string>
#include <string_view>

namespace crm::cli {

// The tool's exit codes. Stable: scripts test them.
enum ExitCode : int {
  kExitOk = 0,
  // The verb ran to its end and found problems it reports (rows an import
  // rejected, problems crm verify found).
  kExitProblems = 1,
  // The command line is wrong (CLI11's own errors too).
  kExitUsage = 2,
  // A libcrm call failed with status S: the exit code is kExitStatusBase + S
  // (11 not found, 13 validation, ... 27 duplicate, 28 merged).
  kExitStatusBase = 10,
};

// Thrown by a verb to end the process with `exit_code`; what() is the
// message, printed on stderr as "crm: <message>".
class Failure : public std::runtime_error {
 public:
  Failure(int exit_code, const std::string& message)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// Throws a Failure when `status` is not CRM_OK: exit code kExitStatusBase +
// status, message "<what>: <libcrm's message> [field F, rule R]" from the
// calling thread's last libcrm error; for CRM_E_DUPLICATE "; candidates:
// ..." and for CRM_E_MERGED "; survivor: ID" follow.
void Check(int status, std::string_view what);

// Throws a usage Failure (kExitUsage) with `message`.
[[noreturn]] void UsageError(const std::string& message);

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_FAILURE_H_
