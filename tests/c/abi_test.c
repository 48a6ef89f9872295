/* The public header used from C99: a workspace, a field, a customer. */
#include <crm/crm.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;

#define CHECK(condition)                                                      \
  do {                                                                        \
    if (!(condition)) {                                                       \
      fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n", __FILE__, \
              __LINE__, #condition, crm_last_error_message());                \
      ++failures;                                                             \
    }                                                                         \
  } while (0)

int main(void) {
  crm_db* db = NULL;
  crm_record* record = NULL;
  crm_record* read = NULL;
  crm_open_options options = CRM_OPEN_OPTIONS_INIT;
  int64_t field_id = 0, id = 0, version = 0;
  const char* text = NULL;
  char* json = NULL;

  CHECK(strcmp(crm_version(), CRM_VERSION_STRING) == 0);
  CHECK(crm_open_options_init(&options, sizeof options) == CRM_OK);
  CHECK(options.struct_size == sizeof options &&
        options.flags == CRM_OPEN_CREATE && options.sync == CRM_SYNC_NORMAL);
  options.sync = CRM_SYNC_FULL;
  CHECK(crm_open(&db, ":memory:", &options) == CRM_OK);
  CHECK(crm_field_define(&field_id, db,
                         "{\"name\": \"plan\", \"type\": \"choice\", "
                         "\"options\": [\"basic\", \"premium\"]}") == CRM_OK);
  CHECK(field_id > 0);
  CHECK(crm_field_describe(&json, db, "plan") == CRM_OK);
  CHECK(json != NULL && strstr(json, "\"premium\"") != NULL);
  crm_string_free(json);

  CHECK(crm_record_new(&record) == CRM_OK);
  CHECK(crm_record_set_text(record, "name", "Grace") == CRM_OK);
  CHECK(crm_record_set_text(record, "plan", "gold") == CRM_OK);
  CHECK(crm_customer_create(&id, db, record, "c-test") == CRM_E_VALIDATION);
  CHECK(strcmp(crm_last_error_field(), "plan") == 0);
  CHECK(strcmp(crm_last_error_rule(), "options") == 0);
  CHECK(crm_last_error()->code == CRM_E_VALIDATION);
  CHECK(strcmp(crm_last_error()->field, "plan") == 0);
  CHECK(crm_last_error()->position == -1);
  CHECK(id == 0);
  CHECK(crm_record_set_text(record, "plan", "premium") == CRM_OK);
  CHECK(crm_customer_create(&id, db, record, "c-test") == CRM_OK);
  crm_record_free(record);

  CHECK(crm_record_new(&record) == CRM_OK);
  CHECK(crm_record_set_text(record, "city", "Arlington") == CRM_OK);
  CHECK(crm_customer_update(&version, db, id, 1, record, NULL) == CRM_OK);
  CHECK(version == 2);
  crm_record_free(record);

  CHECK(crm_customer_get(&read, db, id) == CRM_OK);
  CHECK(crm_record_get_text(&text, read, "plan") == CRM_OK);
  CHECK(text != NULL && strcmp(text, "premium") == 0);
  CHECK(crm_record_get_text(&text, read, "city") == CRM_OK);
  CHECK(text != NULL && strcmp(text, "Arlington") == 0);
  CHECK(crm_record_kind(read, "email") == CRM_VALUE_NULL);
  crm_record_free(read);

  CHECK(crm_customer_get(&read, db, id + 1) == CRM_E_NOT_FOUND);
  CHECK(read == NULL);
  crm_close(db);
  if (failures == 0) printf("C ABI test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
