// crm: the command-line tool for libcrm workspaces. A client of the public
// C ABI (crm/crm.h) only.
#include "app.h"

int main(int argc, char** argv) { return crm::cli::Run(argc, argv); }
