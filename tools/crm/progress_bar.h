// Progress of the long data verbs (import, export, dump, load, backup,
// restore) on stderr, and Ctrl-C as a request to stop them.
#ifndef CRM_TOOLS_CRM_PROGRESS_BAR_H_
#define CRM_TOOLS_CRM_PROGRESS_BAR_H_

#include <chrono>
#include <csignal>
#include <cstdint>
#include <string>

#include "crm/crm.h"
#include "globals.h"

namespace crm::cli {

// One libcrm call's progress. While the object lives, SIGINT (Ctrl-C) does
// not end the process: it makes the next progress callback ask libcrm to
// stop, so the call fails with CRM_E_CANCELLED and keeps libcrm's
// guarantee for a stopped call (an import its committed batches, a file
// writer no half file, a load an empty workspace). A second SIGINT ends the
// process as usual. The line (items, bytes of the total as %, rate, ETA) is
// drawn on stderr, at most ten times a second, only when stderr is a
// terminal and --quiet is not given; otherwise nothing is written. One
// object per call, on the calling thread.
class ProgressBar {
 public:
  // `verb` starts the line ("import"), `unit` names the items ("rows").
  ProgressBar(const Globals& globals, std::string verb, std::string unit);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // For the call's options: progress = function(), context = this.
  static crm_progress_fn function() { return &Callback; }

  // Ends the line with its last state and a newline when one was drawn;
  // then draws nothing more. Call before printing results.
  void Finish();

  // The last values libcrm reported (0 before the first callback).
  int64_t items() const { return items_; }

 private:
  static int Callback(void* context, int64_t items, int64_t bytes,
                      int64_t bytes_total);
  void Draw(bool final);

  std::string verb_;
  std::string unit_;
  bool drawing_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  int64_t items_ = 0;
  int64_t bytes_ = 0;
  int64_t bytes_total_ = -1;
  struct sigaction previous_ {};
};

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_PROGRESS_BAR_H_
