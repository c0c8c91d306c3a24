/* tm-record.h — one record of either library, as the corpus reader hands it.
 *
 * A plain structure: the reader fills it, the caller owns it and frees it
 * with tm_record_free().  Both libraries share it; fields that only one
 * library has stay NULL (or 0 / negative) in the other's records.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TM_LIBRARY_DEMAND = 0,      /* 产业需求库: problems enterprises pose */
  TM_LIBRARY_ACHIEVEMENT = 1, /* 成果库: results of universities and institutes */
} TmLibrary;

#define TM_N_LIBRARIES 2

/* The record elements of the corpus format, for statistics and messages. */
typedef enum {
  TM_FIELD_TITLE,
  TM_FIELD_ORG,        /* <institution> or <org> */
  TM_FIELD_REGION,
  TM_FIELD_DOMAIN,
  TM_FIELD_KEYWORDS,
  TM_FIELD_BODY,       /* <abstract> or <description> */
  TM_FIELD_TRL,
  TM_FIELD_IP,
  TM_FIELD_TRANSFER,
  TM_FIELD_BUDGET,
  TM_FIELD_DEADLINE,
  TM_FIELD_COOPERATION,
  TM_FIELD_UPDATED,
  TM_N_FIELDS
} TmField;

typedef struct {
  TmLibrary library;
  char *id;
  char *updated;      /* YYYY-MM-DD, or NULL */
  char *title;
  char *org;          /* institution (achievement) or enterprise (demand), or NULL */
  char *region;
  char *domain;
  GPtrArray *keywords; /* of char *; never NULL */
  char *body;         /* abstract (achievement) or description (demand) */
  int trl;            /* 1–9, or 0 when absent */
  GPtrArray *ip;      /* of char *; never NULL */
  char *transfer;     /* achievements: how it is offered */
  double budget;      /* demands: budget, or a negative value when absent */
  char *budget_unit;
  char *deadline;     /* demands: YYYY-MM-DD, or NULL */
  char *cooperation;  /* demands: the form of cooperation sought */

  /* Where the record starts: for messages. */
  char *file;
  guint line;
} TmRecord;

const char *tm_library_name (TmLibrary library);
gboolean    tm_library_from_name (const char *name, TmLibrary *out);

/* The element name of a field in a given library ("abstract" or
 * "description" for TM_FIELD_BODY).  Static string. */
const char *tm_field_name (TmField field, TmLibrary library);

/* Whether @record has a value for @field. */
gboolean    tm_record_has_field (const TmRecord *record, TmField field);

TmRecord   *tm_record_new (TmLibrary library);
void        tm_record_free (TmRecord *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmRecord, tm_record_free)

G_END_DECLS
