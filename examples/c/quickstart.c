/*
 * libcrm quickstart: create a workspace, let two departments add their own
 * fields, create and update customers, and print them.
 *
 *   quickstart [workspace-file]      (default: quickstart.crm)
 */
#include <crm/crm.h>
#include <stdio.h>
#include <stdlib.h>

/* Prints the last error and exits when a call fails. */
static void check(int status, const char* what) {
  if (status == CRM_OK) return;
  fprintf(stderr, "%s failed: %s: %s (field '%s', rule '%s')\n", what,
          crm_status_name(status), crm_last_error_message(),
          crm_last_error_field(), crm_last_error_rule());
  exit(1);
}

static void print_customer(crm_db* db, int64_t id) {
  crm_record* record = NULL;
  size_t i;
  check(crm_customer_get(&record, db, id), "get customer");
  printf("customer %lld (version %lld)\n", (long long)crm_record_id(record),
         (long long)crm_record_version(record));
  for (i = 0; i < crm_record_field_count(record); ++i) {
    const char* field = crm_record_field_name(record, i);
    const char* text = NULL;
    int64_t number = 0;
    int flag = 0;
    size_t count = 0, k;
    printf("  %-14s ", field);
    switch (crm_record_kind(record, field)) {
      case CRM_VALUE_TEXT:
        crm_record_get_text(&text, record, field);
        printf("%s\n", text);
        break;
      case CRM_VALUE_DECIMAL:
        crm_record_get_decimal(&text, record, field);
        printf("%s\n", text);
        break;
      case CRM_VALUE_DATE:
        crm_record_get_date(&text, record, field);
        printf("%s\n", text);
        break;
      case CRM_VALUE_INTEGER:
      case CRM_VALUE_DATETIME:
        if (crm_record_get_integer(&number, record, field) != CRM_OK) {
          crm_record_get_datetime(&number, record, field);
        }
        printf("%lld\n", (long long)number);
        break;
      case CRM_VALUE_BOOLEAN:
        crm_record_get_boolean(&flag, record, field);
        printf("%s\n", flag ? "yes" : "no");
        break;
      case CRM_VALUE_LIST:
        crm_record_get_list_size(&count, record, field);
        for (k = 0; k < count; ++k) {
          crm_record_get_list_item(&text, record, field, k);
          printf("%s%s", k ? ", " : "", text);
        }
        printf("\n");
        break;
      default:
        printf("(null)\n");
    }
  }
  crm_record_free(record);
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "quickstart.crm";
  const char* tags[] = {"vip", "newsletter"};
  crm_db* db = NULL;
  crm_record* record = NULL;
  int64_t field_id = 0, acme = 0, jane = 0, version = 0;

  printf("libcrm %s, workspace %s\n", crm_version(), path);
  remove(path);
  check(crm_open(&db, path, NULL), "open");

  /* Sales tracks the plan and the contract value... */
  check(crm_field_define(&field_id, db,
                         "{\"name\": \"plan\", \"label\": \"Plan\", "
                         "\"group\": \"sales\", \"type\": \"choice\", "
                         "\"options\": [\"basic\", \"premium\"], "
                         "\"default_value\": {\"text\": \"basic\"}, "
                         "\"indexed\": true}"),
        "define plan");
  check(crm_field_define(&field_id, db,
                         "{\"name\": \"contract_value\", \"label\": "
                         "\"Contract value\", \"group\": \"sales\", "
                         "\"type\": \"decimal\", \"scale\": 2, "
                         "\"min\": \"0\"}"),
        "define contract_value");
  /* ...and service tracks the support tier and the renewal date. */
  check(crm_field_define(&field_id, db,
                         "{\"name\": \"support_tier\", \"group\": "
                         "\"service\", \"type\": \"integer\", \"min\": \"1\", "
                         "\"max\": \"3\"}"),
        "define support_tier");
  check(crm_field_define(&field_id, db,
                         "{\"name\": \"renewal\", \"group\": \"service\", "
                         "\"type\": \"date\"}"),
        "define renewal");
  check(crm_field_define(&field_id, db,
                         "{\"name\": \"employer\", \"group\": \"sales\", "
                         "\"type\": \"reference\"}"),
        "define employer");

  check(crm_record_new(&record), "new record");
  check(crm_record_set_text(record, "kind", "company"), "set");
  check(crm_record_set_text(record, "name", "Acme Corporation"), "set");
  check(crm_record_set_text(record, "external_id", "ERP-1001"), "set");
  check(crm_record_set_text(record, "plan", "premium"), "set");
  check(crm_record_set_decimal(record, "contract_value", "12500.00"), "set");
  check(crm_customer_create(&acme, db, record, "quickstart"), "create acme");
  crm_record_free(record);

  check(crm_record_new(&record), "new record");
  check(crm_record_set_text(record, "name", "Jane Doe"), "set");
  check(crm_record_set_text(record, "email", "jane@acme.example"), "set");
  check(crm_record_set_text(record, "stage", "lead"), "set");
  check(crm_record_set_list(record, "tags", tags, 2), "set");
  check(crm_record_set_integer(record, "employer", acme), "set");
  check(crm_customer_create(&jane, db, record, "quickstart"), "create jane");
  crm_record_free(record);

  /* A partial update: only the fields given change. */
  check(crm_record_new(&record), "new record");
  check(crm_record_set_text(record, "stage", "customer"), "set");
  check(crm_record_set_integer(record, "support_tier", 2), "set");
  check(crm_record_set_date(record, "renewal", "2027-01-31"), "set");
  check(crm_customer_update(&version, db, jane, 1, record, "quickstart"),
        "update jane");
  crm_record_free(record);

  /* A bad value is refused with the field and the rule, and changes nothing. */
  check(crm_record_new(&record), "new record");
  check(crm_record_set_integer(record, "support_tier", 7), "set");
  if (crm_customer_update(NULL, db, jane, 0, record, "quickstart") != CRM_OK) {
    printf("refused as expected: %s (field '%s', rule '%s')\n",
           crm_last_error_message(), crm_last_error_field(),
           crm_last_error_rule());
  }
  crm_record_free(record);

  print_customer(db, acme);
  print_customer(db, jane);
  crm_close(db);
  return 0;
}
