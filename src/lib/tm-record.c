/* tm-record.c — the record structure shared by both libraries. */
#include "config.h"

#include "tm-record.h"

const char *
tm_library_name (TmLibrary library)
{
  return library == TM_LIBRARY_DEMAND ? "demand" : "achievement";
}

gboolean
tm_library_from_name (const char *name, TmLibrary *out)
{
  if (g_strcmp0 (name, "demand") == 0)
    *out = TM_LIBRARY_DEMAND;
  else if (g_strcmp0 (name, "achievement") == 0)
    *out = TM_LIBRARY_ACHIEVEMENT;
  else
    return FALSE;
  return TRUE;
}

const char *
tm_field_name (TmField field, TmLibrary library)
{
  gboolean demand = library == TM_LIBRARY_DEMAND;

  switch (field)
    {
    case TM_FIELD_TITLE: return "title";
    case TM_FIELD_ORG: return demand ? "org" : "institution";
    case TM_FIELD_REGION: return "region";
    case TM_FIELD_DOMAIN: return "domain";
    case TM_FIELD_KEYWORDS: return "keywords";
    case TM_FIELD_BODY: return demand ? "description" : "abstract";
    case TM_FIELD_TRL: return "trl";
    case TM_FIELD_IP: return "ip";
    case TM_FIELD_TRANSFER: return "transfer";
    case TM_FIELD_BUDGET: return "budget";
    case TM_FIELD_DEADLINE: return "deadline";
    case TM_FIELD_COOPERATION: return "cooperation";
    case TM_FIELD_UPDATED: return "updated";
    case TM_N_FIELDS: break;
    }
  g_return_val_if_reached ("?");
}

gboolean
tm_record_has_field (const TmRecord *record, TmField field)
{
  switch (field)
    {
    case TM_FIELD_TITLE: return record->title != NULL;
    case TM_FIELD_ORG: return record->org != NULL;
    case TM_FIELD_REGION: return record->region != NULL;
    case TM_FIELD_DOMAIN: return record->domain != NULL;
    case TM_FIELD_KEYWORDS: return record->keywords->len > 0;
    case TM_FIELD_BODY: return record->body != NULL;
    case TM_FIELD_TRL: return record->trl > 0;
    case TM_FIELD_IP: return record->ip->len > 0;
    case TM_FIELD_TRANSFER: return record->transfer != NULL;
    case TM_FIELD_BUDGET: return record->budget >= 0;
    case TM_FIELD_DEADLINE: return record->deadline != NULL;
    case TM_FIELD_COOPERATION: return record->cooperation != NULL;
    case TM_FIELD_UPDATED: return record->updated != NULL;
    case TM_N_FIELDS: break;
    }
  g_return_val_if_reached (FALSE);
}

/* transfer full: free with tm_record_free() */
TmRecord *
tm_record_new (TmLibrary library)
{
  TmRecord *record = g_new0 (TmRecord, 1);

  record->library = library;
  record->keywords = g_ptr_array_new_with_free_func (g_free);
  record->ip = g_ptr_array_new_with_free_func (g_free);
  record->budget = -1;
  return record;
}

void
tm_record_free (TmRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->id);
  g_free (record->updated);
  g_free (record->title);
  g_free (record->org);
  g_free (record->region);
  g_free (record->domain);
  g_ptr_array_unref (record->keywords);
  g_free (record->body);
  g_ptr_array_unref (record->ip);
  g_free (record->transfer);
  g_free (record->budget_unit);
  g_free (record->deadline);
  g_free (record->cooperation);
  g_free (record->file);
  g_free (record);
}
