/*
 * libcrm duplicates and merging on the CRM sales sample data: the 85
 * accounts of examples/data/crm-sales-opportunities/accounts.csv come from
 * the ERP; a web shop and a trade fair then add companies, some of them
 * accounts the ERP already has. A duplicate rule warns on those writes,
 * crm_duplicates_find finds the clusters, each is merged into the ERP's
 * account, old ids and external ids keep working, a write to a merged id
 * is refused, and one merge that joined two different businesses is
 * undone (with the conflict a later change made).
 *
 *   merge_duplicates [workspace-file [accounts.csv]]
 *     (default: merge_duplicates.crm and the sample data's accounts.csv,
 *      run from the root of a clone)
 */
#include <crm/crm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CLUSTER 16

/* Prints the last error and exits when a call fails. */
static void check(int status, const char* what) {
  if (status == CRM_OK) return;
  fprintf(stderr, "%s failed: %s: %s (field '%s', rule '%s')\n", what,
          crm_status_name(status), crm_last_error_message(),
          crm_last_error_field(), crm_last_error_rule());
  exit(1);
}

/* The integer after "\"key\":" in libcrm's compact JSON text, or 0. A
 * program reading more of it would use a JSON library. */
static long long json_integer(const char* json, const char* key) {
  char quoted[64];
  const char* at;
  sprintf(quoted, "\"%.50s\":", key);
  at = strstr(json, quoted);
  return at != NULL ? strtoll(at + strlen(quoted), NULL, 10) : 0;
}

/* The next cluster's ids in a crm_duplicates_find result, from *cursor on;
 * returns how many (0 when there are no more clusters). */
static size_t next_cluster(const char** cursor, int64_t* ids) {
  const char* at = strstr(*cursor, "\"ids\":[");
  size_t count = 0;
  char* end;
  if (at == NULL) return 0;
  at += strlen("\"ids\":[");
  while (*at != ']' && count < MAX_CLUSTER) {
    ids[count++] = strtoll(at, &end, 10);
    at = *end == ',' ? end + 1 : end;
  }
  *cursor = at;
  return count;
}

static const char* text_of(crm_db* db, int64_t id, const char* field,
                           char* buffer, size_t size) {
  crm_record* record = NULL;
  const char* text = "";
  check(crm_customer_get(&record, db, id), "get");
  if (crm_record_get_text(&text, record, field) != CRM_OK) text = "";
  snprintf(buffer, size, "%s", text);
  crm_record_free(record);
  return buffer;
}

/* Creates one company of the ERP from a line of accounts.csv (the file
 * has no quoted cells): account, sector, year_established, revenue,
 * employees, office_location, subsidiary_of (read by the caller). */
static int64_t create_account(crm_db* db, char* line, int number) {
  char* cells[7];
  char external_id[32];
  crm_record* record = NULL;
  int64_t id = 0;
  int i;
  line[strcspn(line, "\r\n")] = '\0';
  for (i = 0; i < 7; ++i) {
    cells[i] = line;
    line += strcspn(line, ",");
    if (*line == ',') *line++ = '\0';
  }
  sprintf(external_id, "ERP-%03d", number);
  check(crm_record_new(&record), "new record");
  check(crm_record_set_text(record, "kind", "company"), "set kind");
  check(crm_record_set_text(record, "name", cells[0]), "set name");
  check(crm_record_set_text(record, "external_id", external_id), "set id");
  check(crm_record_set_text(record, "sector", cells[1]), "set sector");
  check(crm_record_set_integer(record, "year_established",
                               strtoll(cells[2], NULL, 10)),
        "set year");
  check(crm_record_set_decimal(record, "revenue", cells[3]), "set revenue");
  check(
      crm_record_set_integer(record, "employees", strtoll(cells[4], NULL, 10)),
      "set employees");
  check(crm_record_set_text(record, "country", cells[5]), "set country");
  check(crm_customer_create(&id, db, record, "erp-sync"), "create account");
  crm_record_free(record);
  return id;
}

/* A company another system enters: saved whatever the duplicate rule
 * says (it warns), and the candidates it found printed. */
static int64_t enter_company(crm_db* db, const char* source,
                             const char* external_id, const char* name,
                             const char* city, const char* phone,
                             int64_t employees, int64_t parent) {
  crm_record* record = NULL;
  crm_write_result* result = NULL;
  const char* tags[1];
  const char* candidates;
  int64_t id;
  tags[0] = source;
  check(crm_record_new(&record), "new record");
  check(crm_record_set_text(record, "kind", "company"), "set kind");
  check(crm_record_set_text(record, "name", name), "set name");
  check(crm_record_set_text(record, "external_id", external_id), "set id");
  if (city != NULL) check(crm_record_set_text(record, "city", city), "city");
  if (phone != NULL) check(crm_record_set_text(record, "phone", phone), "ph");
  if (employees > 0) {
    check(crm_record_set_integer(record, "employees", employees), "emp");
  }
  if (parent > 0) check(crm_record_set_integer(record, "parent", parent), "p");
  check(crm_record_set_list(record, "tags", tags, 1), "set tags");
  check(crm_customer_create_v2(&result, db, record, NULL, source), "create");
  id = crm_write_result_id(result);
  candidates = crm_write_result_candidates_json(result);
  printf("  %-10s %-8s %-24s -> customer %lld%s%s\n", source, external_id, name,
         (long long)id, strcmp(candidates, "[]") != 0 ? ", warned: " : "",
         strcmp(candidates, "[]") != 0 ? candidates : "");
  crm_write_result_free(result);
  crm_record_free(record);
  return id;
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "merge_duplicates.crm";
  const char* csv = argc > 2 ? argv[2]
                             : "examples/data/crm-sales-opportunities/"
                               "accounts.csv";
  const char* fields[] = {
      "{\"name\": \"sector\", \"type\": \"text\"}",
      "{\"name\": \"year_established\", \"type\": \"integer\"}",
      "{\"name\": \"revenue\", \"type\": \"decimal\", \"scale\": 2}",
      "{\"name\": \"employees\", \"type\": \"integer\"}",
      "{\"name\": \"parent\", \"type\": \"reference\"}"};
  const char* shown_types[] = {"webshop.order", "crm.record.merged"};
  /* Tags of both sources kept, the head count last written kept. */
  const char* merge_options =
      "{\"fields\": {\"tags\": \"union\", \"employees\": \"most_recent\"}}";
  crm_db* db = NULL;
  crm_record* record = NULL;
  crm_record* change = NULL;
  crm_event* event = NULL;
  crm_event_page* page = NULL;
  crm_timeline_options timeline = CRM_TIMELINE_OPTIONS_INIT;
  crm_duplicate_find_options find = CRM_DUPLICATE_FIND_OPTIONS_INIT;
  FILE* file;
  char line[512], name[128], phone[64];
  char* json = NULL;
  const char* cursor;
  int64_t ids[MAX_CLUSTER], field_id = 0, acme = 0, cheers = 0, web_acme = 0,
                            web_sonron = 0, bar = 0, seq = 0, count = 0,
                            cheers_merge = 0;
  size_t i, n, clusters = 0;
  int accounts = 0, status;

  remove(path);
  check(crm_open(&db, path, NULL), "open");
  for (i = 0; i < sizeof fields / sizeof fields[0]; ++i) {
    check(crm_field_define(&field_id, db, fields[i]), "define field");
  }
  /* Companies whose names are the same once case, punctuation and legal
   * forms (Inc., Ltd, Co...) are left out: probably one company. */
  check(crm_duplicate_rule_define(
            db,
            "{\"name\": \"same_company_name\", \"applies_to\": \"company\","
            " \"compare\": [{\"key\": \"name\"}], \"action\": \"warn\"}"),
        "define rule");

  file = fopen(csv, "r");
  if (file == NULL) {
    fprintf(stderr, "cannot open %s\n", csv);
    return 1;
  }
  check(crm_begin(db), "begin");
  if (fgets(line, sizeof line, file) == NULL) return 1; /* the header */
  while (fgets(line, sizeof line, file) != NULL) {
    int64_t id = create_account(db, line, ++accounts);
    if (strncmp(line, "Acme Corporation", 17) == 0) acme = id;
    if (strncmp(line, "Cheers", 7) == 0) cheers = id;
  }
  check(crm_commit(db), "commit");
  fclose(file);
  printf("ERP: %d accounts imported from %s\n", accounts, csv);

  printf("Other systems enter companies:\n");
  web_acme = enter_company(db, "webshop", "WEB-1", "ACME Corporation Inc.",
                           "San Francisco", "+1 415 555 0100", 2900, 0);
  web_sonron = enter_company(db, "webshop", "WEB-2", "Sonron Ltd", NULL,
                             "+1 212 555 0199", 0, 0);
  /* A new company, a subsidiary the web shop files under its duplicate. */
  enter_company(db, "webshop", "WEB-3", "Sonron Mobile", NULL, NULL, 0,
                web_sonron);
  enter_company(db, "tradefair", "FAIR-1", "Gekko and Co.", "New York", NULL, 0,
                0);
  enter_company(db, "tradefair", "FAIR-2", "Kan code", NULL, "+1 650 555 0123",
                0, 0);
  /* A bar in Boston: another business of the same name. */
  bar = enter_company(db, "tradefair", "FAIR-3", "Cheers", "Boston",
                      "+1 617 555 0142", 12, 0);

  /* The web shop's order stays under its customer's id after the merge. */
  check(crm_event_new(&event), "new event");
  check(crm_event_set_customer(event, web_acme), "set customer");
  check(crm_event_set_type(event, "webshop.order"), "set type");
  check(crm_event_set_channel(event, "web"), "set channel");
  check(crm_event_append(&seq, NULL, db, event), "append");
  crm_event_free(event);

  check(crm_duplicates_find(&json, db, &find), "find duplicates");
  printf("Clusters found by crm_duplicates_find:\n");
  cursor = json;
  while ((n = next_cluster(&cursor, ids)) > 0) {
    char* receipt = NULL;
    printf("  %s:", text_of(db, ids[0], "name", name, sizeof name));
    for (i = 0; i < n; ++i) printf(" %lld", (long long)ids[i]);
    /* The lowest id is the ERP's account: it survives. */
    check(crm_customer_merge(&receipt, db, ids[0], ids + 1, n - 1,
                             merge_options, "data-steward", "dedupe run 1"),
          "merge");
    printf("\n    merged: %s\n", receipt);
    if (ids[0] == cheers) cheers_merge = json_integer(receipt, "merge_id");
    crm_string_free(receipt);
    ++clusters;
  }
  crm_string_free(json);
  check(crm_customer_count(&count, db), "count");
  printf("%lu merges; %lld customers now\n", (unsigned long)clusters,
         (long long)count);

  /* Old ids and external ids find the survivor. */
  check(crm_customer_get(&record, db, web_acme), "get by old id");
  printf("customer %lld (old id) reads as customer %lld, merged id %lld\n",
         (long long)web_acme, (long long)crm_record_id(record),
         (long long)crm_record_merged_id(record));
  crm_record_free(record);
  check(crm_customer_get_by_external_id(&record, db, "WEB-1"), "get WEB-1");
  check(crm_record_get_integer(&count, record, "employees"), "employees");
  printf("external id WEB-1 finds customer %lld (%s, %lld employees)\n",
         (long long)crm_record_id(record),
         text_of(db, crm_record_id(record), "name", name, sizeof name),
         (long long)count);
  crm_record_free(record);

  /* The survivor's timeline holds the merged customer's order. */
  timeline.types = shown_types;
  timeline.type_count = 2;
  timeline.oldest_first = 1;
  check(crm_event_timeline(&page, db, acme, &timeline), "timeline");
  for (i = 0; i < crm_event_page_size(page); ++i) {
    crm_event* item = crm_event_page_at(page, i);
    printf("  timeline of %lld: %s of customer %lld\n", (long long)acme,
           crm_event_type(item), (long long)crm_event_customer(item));
  }
  crm_event_page_free(page);

  /* A write naming a merged id is refused and names the survivor. */
  check(crm_record_new(&change), "new record");
  check(crm_record_set_text(change, "city", "Oakland"), "set city");
  status = crm_customer_update(NULL, db, web_acme, 0, change, "clerk");
  printf("update of customer %lld: %s, write to customer %lld instead\n",
         (long long)web_acme, crm_status_name(status),
         (long long)crm_last_error()->survivor_id);
  crm_record_free(change);

  /* Cheers took the bar's phone; a clerk then corrects it. */
  check(crm_record_new(&change), "new record");
  check(crm_record_set_text(change, "phone", "+1 617 555 0199"), "set phone");
  check(crm_customer_update(NULL, db, cheers, 0, change, "clerk"), "update");
  crm_record_free(change);

  /* The steward sees the bar is another business: undo that merge. */
  if (cheers_merge > 0) {
    char* receipt = NULL;
    check(crm_customer_unmerge(&receipt, db, cheers_merge, "data-steward",
                               "a bar in Boston, not the studio"),
          "unmerge");
    printf("undone merge %lld: %s\n", (long long)cheers_merge, receipt);
    crm_string_free(receipt);
    printf("customer %lld is %s in %s again; Cheers' phone stays %s\n",
           (long long)bar, text_of(db, bar, "name", name, sizeof name),
           text_of(db, bar, "city", line, sizeof line),
           text_of(db, cheers, "phone", phone, sizeof phone));
  }
  check(crm_customer_merges(&json, db, acme), "merges");
  printf("merges of customer %lld: %s\n", (long long)acme, json);
  crm_string_free(json);
  check(crm_customer_count(&count, db), "count");
  printf("%lld customers\n", (long long)count);
  crm_close(db);
  return 0;
}
