/* test-sprinter.c — the printer of src/cli/tm-sprinter.h in each format,
 * its rules for table formats, write errors, and the commit groups of
 * src/cli/tm-commit.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "tm-commit.h"
#include "tm-error.h"
#include "tm-sprinter.h"
#include "tm-test.h"

typedef void (*Emit) (TmSprinter *sp, gpointer data);

/* What @emit prints in @format, as a string. */
static char *
print (const char *format, const TmSprinterOptions *options, Emit emit, gpointer data)
{
  g_autoptr(GError) error = NULL;
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&buf, &len);
  TmSprinter *sp = tm_sprinter_new (format, out, "memory", options, &error);

  CU_ASSERT_PTR_NOT_NULL_FATAL (sp);
  emit (sp, data);
  CU_ASSERT_TRUE (tm_sprinter_finish (sp, &error));
  CU_ASSERT_PTR_NULL (error);
  tm_sprinter_free (sp);
  fclose (out);
  return buf;
}

/* ---- json: the layout json-glib's pretty generator gives ------------------- */

static void
walk (TmSprinter *sp, JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *o = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (o);

        tm_sprinter_begin_map (sp);
        for (GList *m = members; m != NULL; m = m->next)
          {
            tm_sprinter_key (sp, m->data);
            walk (sp, json_object_get_member (o, m->data));
          }
        tm_sprinter_end (sp);
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (node);

        tm_sprinter_begin_list (sp, NULL);
        for (guint i = 0; i < json_array_get_length (a); i++)
          walk (sp, json_array_get_element (a, i));
        tm_sprinter_end (sp);
      }
      break;
    case JSON_NODE_NULL:
      tm_sprinter_null (sp);
      break;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        tm_sprinter_string (sp, json_node_get_string (node));
      else if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        tm_sprinter_boolean (sp, json_node_get_boolean (node));
      else
        tm_sprinter_integer (sp, json_node_get_int (node));
      break;
    }
}

static void
emit_tree (TmSprinter *sp, gpointer data)
{
  walk (sp, data);
}

static void
test_json_layout (void)
{
  /* Every shape: nesting, empty containers, escapes (but 0x1f, which
   * json-glib 1.6 leaves raw: tm-sprinter escapes it). */
  static const char *docs[] = {
    "{\"version\":1,\"query\":{\"type\":\"demand\",\"id\":\"D-1\",\"terms\":50},\"results\":[]}",
    "{\"a\":[1,{\"k\":null},true,[[],[2]]],\"o\":{},\"deep\":{\"x\":{\"y\":{}}}}",
    "{\"s\":\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001 \\u007f / 中文 é\"}",
    "{}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autofree char *expected = NULL, *want = NULL, *got = NULL;

      CU_ASSERT_TRUE_FATAL (json_parser_load_from_data (parser, docs[i], -1, NULL));
      json_generator_set_root (gen, json_parser_get_root (parser));
      json_generator_set_pretty (gen, TRUE);
      expected = json_generator_to_data (gen, NULL);
      want = g_strconcat (expected, "\n", NULL);
      got = print ("json", NULL, emit_tree, json_parser_get_root (parser));
      CU_ASSERT_STRING_EQUAL (got, want);
    }
}

static void
emit_numbers (TmSprinter *sp, gpointer data)
{
  tm_sprinter_begin_document (sp, "t", 1);
  tm_sprinter_key (sp, "score");
  tm_sprinter_score (sp, 0.332);
  tm_sprinter_key (sp, "noisy");
  tm_sprinter_score (sp, 0.33200000000000002);
  tm_sprinter_key (sp, "tiny");
  tm_sprinter_score (sp, 1e-7);
  tm_sprinter_key (sp, "two");
  tm_sprinter_number (sp, 0.1231, 2);
  tm_sprinter_key (sp, "nan");
  tm_sprinter_score (sp, NAN);
  tm_sprinter_key (sp, "ctl");
  tm_sprinter_string (sp, "a\x1f" "b");
  tm_sprinter_end (sp);
}

static void
test_json_numbers (void)
{
  g_autofree char *got = print ("json", NULL, emit_numbers, NULL);

  CU_ASSERT_STRING_EQUAL (got,
    "{\n  \"version\" : 1,\n  \"score\" : 0.3320,\n  \"noisy\" : 0.3320,\n  \"tiny\" : 0.0000,\n"
    "  \"two\" : 0.12,\n  \"nan\" : null,\n  \"ctl\" : \"a\\u001fb\"\n}\n");
}

/* ---- the table rules --------------------------------------------------- */

/* A document with record lines, a family-only part, a prefix, rows with
 * a nested map, rows holding rows, and a list of records. */
static void
emit_everything (TmSprinter *sp, gpointer data)
{
  static const char * const columns[] = { "dir", "src", "rank", NULL };

  tm_sprinter_begin_document (sp, "t", 1);
  tm_sprinter_key (sp, "name");
  tm_sprinter_string (sp, "x");
  tm_sprinter_only (sp, TM_SPRINTER_TABLE);
  tm_sprinter_string (sp, "extra cell");
  tm_sprinter_only (sp, TM_SPRINTER_TREE);
  tm_sprinter_key (sp, "tree_only");
  tm_sprinter_boolean (sp, TRUE);
  tm_sprinter_only (sp, TM_SPRINTER_ALL);
  tm_sprinter_key (sp, "flag");
  tm_sprinter_boolean (sp, FALSE);
  tm_sprinter_prefix (sp, "+");
  tm_sprinter_key (sp, "terms");
  tm_sprinter_begin_list (sp, "term");
  tm_sprinter_begin_row (sp);
  tm_sprinter_key (sp, "term");
  tm_sprinter_string (sp, "a\tb");
  tm_sprinter_key (sp, "tf");
  tm_sprinter_begin_map (sp);
  tm_sprinter_key (sp, "title");
  tm_sprinter_integer (sp, 1);
  tm_sprinter_key (sp, "body");
  tm_sprinter_integer (sp, 2);
  tm_sprinter_end (sp);
  tm_sprinter_key (sp, "w");
  tm_sprinter_score (sp, 0.5);
  tm_sprinter_end (sp);
  tm_sprinter_end (sp);
  tm_sprinter_prefix (sp, NULL);
  tm_sprinter_columns (sp, columns);
  tm_sprinter_key (sp, "sources");
  tm_sprinter_begin_stream (sp, "source");
  for (int s = 0; s < 2; s++)
    {
      tm_sprinter_begin_row (sp);
      tm_sprinter_key (sp, "dir");
      tm_sprinter_string (sp, "d2a");
      tm_sprinter_key (sp, "source");
      tm_sprinter_string (sp, s == 0 ? "S1" : "S,2");
      tm_sprinter_key (sp, "matches");
      tm_sprinter_begin_list (sp, "match");
      for (int m = 1; m <= 2; m++)
        {
          tm_sprinter_begin_row (sp);
          tm_sprinter_key (sp, "rank");
          tm_sprinter_integer (sp, m);
          tm_sprinter_key (sp, "missing");
          tm_sprinter_null (sp);
          tm_sprinter_end (sp);
        }
      tm_sprinter_end (sp);
      tm_sprinter_end (sp);
    }
  tm_sprinter_end (sp);
  tm_sprinter_key (sp, "records");
  tm_sprinter_begin_list (sp, "record");
  for (int r = 0; r < 2; r++)
    {
      tm_sprinter_begin_map (sp);
      tm_sprinter_key (sp, "id");
      tm_sprinter_string (sp, r == 0 ? "R1" : "R2");
      tm_sprinter_end (sp);
    }
  tm_sprinter_end (sp);
  tm_sprinter_key (sp, "words");
  tm_sprinter_begin_list (sp, "word");
  tm_sprinter_string (sp, "w1");
  tm_sprinter_string (sp, "w\"2");
  tm_sprinter_end (sp);
  tm_sprinter_end (sp);
}

static void
test_tsv (void)
{
  g_autofree char *plain = print ("tsv", NULL, emit_everything, NULL);
  g_autofree char *header = print ("tsv", &(TmSprinterOptions) { .header = TRUE }, emit_everything, NULL);
  const char *lines =
    "name\tx\textra cell\n"
    "flag\tno\n"
    "+\ta b\t1\t2\t0.5000\n";
  const char *rest =
    "d2a\tS1\t1\t\n"
    "d2a\tS1\t2\t\n"
    "d2a\tS,2\t1\t\n"
    "d2a\tS,2\t2\t\n"
    "id\tR1\n"
    "\n"
    "id\tR2\n"
    "w1\n"
    "w\"2\n";
  g_autofree char *want_plain = g_strconcat (lines, rest, NULL);
  g_autofree char *want_header = g_strconcat (lines, "dir\tsrc\trank\n", rest, NULL);

  CU_ASSERT_STRING_EQUAL (plain, want_plain);
  CU_ASSERT_STRING_EQUAL (header, want_header);
}

static void
emit_awkward (TmSprinter *sp, gpointer data)
{
  tm_sprinter_begin_document (sp, "t", 1);
  tm_sprinter_key (sp, "rows");
  tm_sprinter_begin_list (sp, "row");
  tm_sprinter_begin_row (sp);
  tm_sprinter_string (sp, "a\tb\nc\rd\\e");
  tm_sprinter_end (sp);
  tm_sprinter_end (sp);
  tm_sprinter_end (sp);
}

static void
test_tsv_escape (void)
{
  g_autofree char *spaced = print ("tsv", NULL, emit_awkward, NULL);
  g_autofree char *escaped = print ("tsv", &(TmSprinterOptions) { .escape = TRUE }, emit_awkward, NULL);

  /* A cell never breaks its line; escaped, it reads back exactly. */
  CU_ASSERT_STRING_EQUAL (spaced, "a b c d\\e\n");
  CU_ASSERT_STRING_EQUAL (escaped, "a\\tb\\nc\\rd\\\\e\n");
}

static void
test_csv (void)
{
  g_autofree char *got = print ("csv", &(TmSprinterOptions) { .bom = TRUE }, emit_everything, NULL);

  /* The header even unasked; quotes where a cell needs them; a text cell
   * a spreadsheet would run as a formula ("+") behind an apostrophe. */
  CU_ASSERT_STRING_EQUAL (got,
    "\xEF\xBB\xBF"
    "name,x,extra cell\r\n"
    "flag,no\r\n"
    "'+,a\tb,1,2,0.5000\r\n"
    "dir,src,rank\r\n"
    "d2a,S1,1,\r\n"
    "d2a,S1,2,\r\n"
    "d2a,\"S,2\",1,\r\n"
    "d2a,\"S,2\",2,\r\n"
    "id,R1\r\n"
    "\r\n"
    "id,R2\r\n"
    "w1\r\n"
    "\"w\"\"2\"\r\n");
}

static void
test_tree_formats (void)
{
  g_autofree char *json = print ("json", NULL, emit_everything, NULL);
  g_autofree char *xml = print ("xml", NULL, emit_everything, NULL);

  CU_ASSERT_STRING_EQUAL (json,
    "{\n"
    "  \"version\" : 1,\n"
    "  \"name\" : \"x\",\n"
    "  \"tree_only\" : true,\n"
    "  \"flag\" : false,\n"
    "  \"terms\" : [\n"
    "    {\n"
    "      \"term\" : \"a\\tb\",\n"
    "      \"tf\" : {\n"
    "        \"title\" : 1,\n"
    "        \"body\" : 2\n"
    "      },\n"
    "      \"w\" : 0.5000\n"
    "    }\n"
    "  ],\n"
    "  \"sources\" : [\n"
    "    {\"dir\":\"d2a\",\"source\":\"S1\",\"matches\":[{\"rank\":1,\"missing\":null},{\"rank\":2,\"missing\":null}]},\n"
    "    {\"dir\":\"d2a\",\"source\":\"S,2\",\"matches\":[{\"rank\":1,\"missing\":null},{\"rank\":2,\"missing\":null}]}\n"
    "  ],\n"
    "  \"records\" : [\n"
    "    {\n"
    "      \"id\" : \"R1\"\n"
    "    },\n"
    "    {\n"
    "      \"id\" : \"R2\"\n"
    "    }\n"
    "  ],\n"
    "  \"words\" : [\n"
    "    \"w1\",\n"
    "    \"w\\\"2\"\n"
    "  ]\n"
    "}\n");
  /* Attributes while an element has no child, then child elements (w);
   * a member named as its element is its id; nulls left out. */
  CU_ASSERT_STRING_EQUAL (xml,
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<t version=\"1\" name=\"x\" tree_only=\"true\" flag=\"false\" xmlns=\"urn:techmatch:t:1\">\n"
    "  <term id=\"a&#9;b\">\n"
    "    <tf title=\"1\" body=\"2\"/>\n"
    "    <w>0.5000</w>\n"
    "  </term>\n"
    "  <source dir=\"d2a\" id=\"S1\">\n"
    "    <match rank=\"1\"/>\n"
    "    <match rank=\"2\"/>\n"
    "  </source>\n"
    "  <source dir=\"d2a\" id=\"S,2\">\n"
    "    <match rank=\"1\"/>\n"
    "    <match rank=\"2\"/>\n"
    "  </source>\n"
    "  <record id=\"R1\"/>\n"
    "  <record id=\"R2\"/>\n"
    "  <word>w1</word>\n"
    "  <word>w&quot;2</word>\n"
    "</t>\n");
}

static void
emit_small (TmSprinter *sp, gpointer data)
{
  tm_sprinter_begin_document (sp, "t", 1);
  tm_sprinter_key (sp, "a");
  tm_sprinter_string (sp, "b");
  tm_sprinter_end (sp);
}

static void
test_errors (void)
{
  g_autoptr(GError) error = NULL;
  TmSprinter *sp = tm_sprinter_new ("yaml", stdout, NULL, NULL, &error);

  CU_ASSERT_PTR_NULL (sp);
  CU_ASSERT_TRUE (g_error_matches (error, TM_ERROR, TM_ERROR_INVALID));
  CU_ASSERT_FALSE (tm_sprinter_format_exists ("yaml"));
  CU_ASSERT_TRUE (tm_sprinter_format_exists ("csv"));
  g_clear_error (&error);

  /* A full disk: every format reports it, naming the output. */
  if (g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      static const char *formats[] = { "tsv", "csv", "json", "xml" };

      for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
        {
          FILE *full = fopen ("/dev/full", "w");

          CU_ASSERT_PTR_NOT_NULL_FATAL (full);
          sp = tm_sprinter_new (formats[i], full, "the disk", NULL, NULL);
          emit_small (sp, NULL);
          CU_ASSERT_FALSE (tm_sprinter_finish (sp, &error));
          CU_ASSERT_TRUE (g_error_matches (error, TM_ERROR, TM_ERROR_IO));
          CU_ASSERT_PTR_NOT_NULL (error != NULL ? strstr (error->message, "the disk") : NULL);
          g_clear_error (&error);
          tm_sprinter_free (sp);
          fclose (full);
        }
    }
}

/* ---- commit groups ------------------------------------------------------- */

static char *
temporaries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  GString *names = g_string_new (NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (strstr (name, ".tmp.") != NULL)
      g_string_append_printf (names, "%s ", name);
  return g_string_free (names, FALSE);
}

static void
test_commit (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tm-commit-XXXXXX", NULL);
  g_autofree char *a = g_build_filename (dir, "a.tsv", NULL);
  g_autofree char *b = g_build_filename (dir, "b.html", NULL);
  g_autofree char *text = NULL, *left = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;
  TmCommitGroup *g;
  FILE *fa, *fb;

  g_file_set_contents (a, "old a\n", -1, NULL);
  chmod (a, 0600);

  /* Not committed: the old file stays, no temporary is left. */
  g = tm_commit_group_new ();
  fa = tm_commit_group_open (g, a, &error);
  fb = tm_commit_group_open (g, b, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (fa);
  CU_ASSERT_PTR_NOT_NULL_FATAL (fb);
  fputs ("half", fa);
  tm_commit_group_free (g);
  g_file_get_contents (a, &text, NULL, NULL);
  CU_ASSERT_STRING_EQUAL (text, "old a\n");
  CU_ASSERT_FALSE (g_file_test (b, G_FILE_TEST_EXISTS));
  left = temporaries (dir);
  CU_ASSERT_STRING_EQUAL (left, "");
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&left, g_free);

  /* Committed: both in place; the old file's mode kept. */
  g = tm_commit_group_new ();
  fa = tm_commit_group_open (g, a, &error);
  fb = tm_commit_group_open (g, b, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL (fb);
  CU_ASSERT_PTR_NULL (tm_commit_group_open (g, a, &error));
  CU_ASSERT_TRUE (g_error_matches (error, TM_ERROR, TM_ERROR_INVALID));
  g_clear_error (&error);
  fputs ("new a\n", fa);
  fputs ("new b\n", fb);
  CU_ASSERT_TRUE (tm_commit_group_commit (g, &error));
  tm_commit_group_free (g);
  g_file_get_contents (a, &text, NULL, NULL);
  CU_ASSERT_STRING_EQUAL (text, "new a\n");
  g_clear_pointer (&text, g_free);
  g_file_get_contents (b, &text, NULL, NULL);
  CU_ASSERT_STRING_EQUAL (text, "new b\n");
  g_clear_pointer (&text, g_free);
  CU_ASSERT_EQUAL (stat (a, &st), 0);
  CU_ASSERT_EQUAL (st.st_mode & 07777, 0600);
  left = temporaries (dir);
  CU_ASSERT_STRING_EQUAL (left, "");
  g_clear_pointer (&left, g_free);

  /* A killed run's temporary goes; a live process's stays. */
  {
    pid_t child = fork ();
    g_autofree char *stale = NULL, *live = NULL;

    if (child == 0)
      _exit (0);
    waitpid (child, NULL, 0);
    stale = g_strdup_printf ("%s.tmp.%d", a, (int) child);
    live = g_strdup_printf ("%s.tmp.%d", a, (int) getppid ());
    g_file_set_contents (stale, "stale", -1, NULL);
    g_file_set_contents (live, "live", -1, NULL);
    g = tm_commit_group_new ();
    CU_ASSERT_PTR_NOT_NULL (tm_commit_group_open (g, a, &error));
    CU_ASSERT_FALSE (g_file_test (stale, G_FILE_TEST_EXISTS));
    CU_ASSERT_TRUE (g_file_test (live, G_FILE_TEST_EXISTS));
    tm_commit_group_free (g);
    unlink (live);
  }

  /* A folder is refused; a pipe (like /dev/null, which this test must
   * not risk) is written in place, never replaced by a file. */
  g = tm_commit_group_new ();
  CU_ASSERT_PTR_NULL (tm_commit_group_open (g, dir, &error));
  CU_ASSERT_TRUE (g_error_matches (error, TM_ERROR, TM_ERROR_INVALID));
  g_clear_error (&error);
  {
    g_autofree char *fifo = g_build_filename (dir, "pipe", NULL);
    char got[32] = "";
    int reader;

    CU_ASSERT_EQUAL_FATAL (mkfifo (fifo, 0600), 0);
    /* A reader first, so that opening for writing does not wait. */
    reader = open (fifo, O_RDONLY | O_NONBLOCK);
    fa = tm_commit_group_open (g, fifo, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL (fa);
    fputs ("through\n", fa);
    CU_ASSERT_TRUE (tm_commit_group_commit (g, &error));
    CU_ASSERT_EQUAL (read (reader, got, sizeof got - 1), 8);
    CU_ASSERT_STRING_EQUAL (got, "through\n");
    close (reader);
    CU_ASSERT_EQUAL (stat (fifo, &st), 0);
    CU_ASSERT_TRUE (S_ISFIFO (st.st_mode));
    unlink (fifo);
  }
  tm_commit_group_free (g);

  /* A missing folder is an I/O error naming the file. */
  g = tm_commit_group_new ();
  g_free (text);
  text = g_build_filename (dir, "no", "such.tsv", NULL);
  CU_ASSERT_PTR_NULL (tm_commit_group_open (g, text, &error));
  CU_ASSERT_TRUE (g_error_matches (error, TM_ERROR, TM_ERROR_IO));
  CU_ASSERT_PTR_NOT_NULL (error != NULL ? strstr (error->message, "such.tsv") : NULL);
  tm_commit_group_free (g);

  unlink (a);
  unlink (b);
  rmdir (dir);
}

int
main (void)
{
  CU_pSuite s;

  if (CU_initialize_registry () != CUE_SUCCESS)
    return 99;
  s = CU_add_suite ("sprinter", NULL, NULL);
  CU_add_test (s, "json: json-glib's layout", test_json_layout);
  CU_add_test (s, "json: numbers and escapes", test_json_numbers);
  CU_add_test (s, "tsv: the table rules", test_tsv);
  CU_add_test (s, "tsv: tabs and line breaks in a cell", test_tsv_escape);
  CU_add_test (s, "csv: quoting, header, bom", test_csv);
  CU_add_test (s, "json and xml: the same calls", test_tree_formats);
  CU_add_test (s, "errors: unknown format, full disk", test_errors);
  s = CU_add_suite ("commit", NULL, NULL);
  CU_add_test (s, "commit groups", test_commit);
  return tm_test_run ();
}
