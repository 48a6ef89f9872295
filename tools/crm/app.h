// The crm tool's command line: global options, the verbs, and how a run
// ends (exit codes in failure.h).
#ifndef CRM_TOOLS_CRM_APP_H_
#define CRM_TOOLS_CRM_APP_H_

namespace crm::cli {

// Parses argv, runs the verb it names and returns the process's exit code.
// Results go to stdout, errors (one line, "crm: ...") and progress to
// stderr.
int Run(int argc, char** argv);

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_APP_H_
