// The per-workspace sequences that number a PostgreSQL workspace's
// customers, events and interned strings (layout 5 on, catalog.cc): one
// sequence each, named crm_ws<workspace id>_customer_ids, _event_seqs and
// _string_ids in the schema of libcrm's tables, INCREMENT 1, CACHE 1, no
// cycle. Writers of one workspace take ids from them at once, without a
// lock on the workspace; a sequence never goes back, so no id is handed out
// twice (also not the id of a deleted customer), and a writer that rolls
// back leaves a hole. Sequences are not transactional: a value taken is
// gone even when the transaction that took it rolls back.
//
// Every function takes a connection used by one caller at a time and runs
// inside the caller's transaction.
#ifndef CRM_STORE_POSTGRES_ID_SEQUENCES_H_
#define CRM_STORE_POSTGRES_ID_SEQUENCES_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/postgres/connection.h"

namespace crm::store::postgres {

enum class IdSequence { kCustomerIds, kEventSeqs, kStringIds };

// The unquoted name of a workspace's sequence (the id is a positive number
// from the catalog, so the name needs no quoting and is safe in SQL text).
std::string IdSequenceName(int64_t workspace_id, IdSequence sequence);

// Makes a new workspace's sequences, each handing out `first` ... on: 1 for
// customers and events, 5 for strings (1-4 are fixed, store/rows.h).
absl::Status CreateIdSequences(Connection& connection, int64_t workspace_id);

// Drops a workspace's sequences (those that exist).
absl::Status DropIdSequences(Connection& connection, int64_t workspace_id);

// Checks that the workspace's three sequences exist and are what
// CreateIdSequences() makes: kNotWorkspace, rule "schema", otherwise.
absl::Status VerifyIdSequences(Connection& connection, int64_t workspace_id);

// The highest value `sequence` of the workspace has handed out (0 when
// none), committed or not: read outside any snapshot, so it is at least what
// the caller's snapshot shows. kIo rule "damaged" for a value that cannot be
// one; the connection's errors.
absl::StatusOr<int64_t> LastIdTaken(Connection& connection,
                                    int64_t workspace_id, IdSequence sequence);

// Raises a workspace's sequences so that the next value each hands out is
// at least the one given (never lowers one): for a workspace whose rows
// were written with ids of their own (a copy). Takes the workspace's
// counters row FOR NO KEY UPDATE until the caller's transaction ends, which
// waits for every writer of the workspace (their scopes hold it FOR SHARE)
// and keeps new ones out, so no value is taken between the read and the
// raise. The raise itself stays when the transaction rolls back (sequences
// are not transactional): harmless, it only leaves a hole. kNotFound when
// the workspace is gone; the connection's errors.
absl::Status RaiseIdSequences(Connection& connection, int64_t workspace_id,
                              int64_t next_customer_id, int64_t next_seq,
                              int64_t next_string_id);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_ID_SEQUENCES_H_
