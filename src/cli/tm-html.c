/* tm-html.c — the batch report: one self-contained static HTML page.
 *
 * No external file, font or script source, no network: styles inline and
 * a few lines of plain JavaScript for the two tabs and the filter box.
 * Per source a card (the enterprise, region and budget of a demand; the
 * institution, TRL and IP of an achievement) with its matches: a score
 * bar, the other side's owner and TRL, and the terms that matched
 * highlighted in the title and in a snippet of the body.  A summary at
 * the top: counts and the distribution of scores.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tm-batch.h"
#include "tm-cli.h"
#include "tm-error.h"

/* How much body text a match shows around its first matched term. */
#define SNIPPET_BEFORE 30
#define SNIPPET_CHARS 140

typedef struct {
  gsize start, end;
} Span;

typedef struct {
  GHashTable *matched;   /* the pair's matched terms */
  GArray *spans;
} Marks;

static void
mark_term (const TmTerm *term, gpointer data)
{
  Marks *m = data;
  g_autofree char *text = g_strndup (term->text, term->len);
  Span s = { term->start, term->end };

  if (g_hash_table_contains (m->matched, text))
    g_array_append_val (m->spans, s);
}

static int
compare_spans (gconstpointer a, gconstpointer b)
{
  const Span *x = a, *y = b;

  return x->start < y->start ? -1 : x->start > y->start;
}

/* Writes @text[from, to) escaped, with the spans of matched terms in
 * <mark>. */
static void
write_marked (GString *out, const char *text, gsize from, gsize to, GArray *spans)
{
  gsize at = from;

  for (guint i = 0; i < spans->len && at < to; i++)
    {
      Span s = g_array_index (spans, Span, i);
      g_autofree char *before = NULL, *inside = NULL;

      if (s.end <= at || s.start >= to)
        continue;
      s.start = MAX (s.start, at);
      s.end = MIN (s.end, to);
      before = g_markup_escape_text (text + at, (gssize) (s.start - at));
      inside = g_markup_escape_text (text + s.start, (gssize) (s.end - s.start));
      g_string_append_printf (out, "%s<mark>%s</mark>", before, inside);
      at = s.end;
    }
  if (at < to)
    {
      g_autofree char *rest = g_markup_escape_text (text + at, (gssize) (to - at));
      g_string_append (out, rest);
    }
}

/* The spans of @matched terms in @text, sorted and without overlaps. */
static GArray *
find_marks (const TmAnalyzer *analyzer, TmAnalysis *analysis, const char *text, GHashTable *matched)
{
  Marks m = { matched, g_array_new (FALSE, FALSE, sizeof (Span)) };
  GArray *merged = g_array_new (FALSE, FALSE, sizeof (Span));

  tm_analyzer_analyze (analyzer, analysis, 0, text, -1, mark_term, &m, NULL);
  g_array_sort (m.spans, compare_spans);
  for (guint i = 0; i < m.spans->len; i++)
    {
      Span s = g_array_index (m.spans, Span, i);

      if (merged->len > 0 && s.start <= g_array_index (merged, Span, merged->len - 1).end)
        {
          Span *last = &g_array_index (merged, Span, merged->len - 1);
          last->end = MAX (last->end, s.end);
        }
      else
        g_array_append_val (merged, s);
    }
  g_array_unref (m.spans);
  return merged;
}

static void
append_escaped (GString *out, const char *text)
{
  g_autofree char *e = g_markup_escape_text (text != NULL ? text : "", -1);

  g_string_append (out, e);
}

/* Facts of a record for its card or its match line. */
static void
append_facts (GString *out, const TmRecord *r)
{
  g_string_append (out, "<span class=facts>");
  if (r->org != NULL)
    {
      g_string_append (out, "<span>");
      append_escaped (out, r->org);
      g_string_append (out, "</span>");
    }
  if (r->region != NULL)
    {
      g_string_append (out, "<span>");
      append_escaped (out, r->region);
      g_string_append (out, "</span>");
    }
  if (r->domain != NULL)
    {
      g_string_append (out, "<span>");
      append_escaped (out, r->domain);
      g_string_append (out, "</span>");
    }
  if (r->trl > 0)
    g_string_append_printf (out, "<span>TRL %d</span>", r->trl);
  if (r->budget >= 0)
    {
      char b[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (out, "<span>%s", g_ascii_dtostr (b, sizeof b, r->budget));
      append_escaped (out, r->budget_unit ? r->budget_unit : "");
      g_string_append (out, "</span>");
    }
  for (guint i = 0; i < r->ip->len; i++)
    {
      g_string_append (out, "<span>");
      append_escaped (out, r->ip->pdata[i]);
      g_string_append (out, "</span>");
    }
  g_string_append (out, "</span>");
}

static void
append_match (GString *out, const TmIndex *index, const TmAnalyzer *analyzer, TmAnalysis *analysis,
              const TmResults *results, const TmResult *m, guint rank)
{
  g_autoptr(TmRecord) r = tm_index_get_record (index, results->target, m->doc);
  g_autoptr(GHashTable) matched = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) title_marks = NULL;
  g_autoptr(GArray) body_marks = NULL;
  const char *body = r->body != NULL ? r->body : "";
  gsize from = 0, to;
  glong chars = g_utf8_strlen (body, -1);

  for (guint j = 0; m->contributions != NULL && j < m->contributions->len; j++)
    g_hash_table_add (matched, (gpointer) g_array_index (m->contributions, TmContribution, j).term);
  title_marks = find_marks (analyzer, analysis, r->title, matched);
  body_marks = find_marks (analyzer, analysis, body, matched);

  /* The snippet: around the first matched term of the body. */
  if (body_marks->len > 0)
    {
      glong first = g_utf8_pointer_to_offset (body, body + g_array_index (body_marks, Span, 0).start);
      from = (gsize) (g_utf8_offset_to_pointer (body, MAX (0, first - SNIPPET_BEFORE)) - body);
    }
  to = (gsize) (g_utf8_offset_to_pointer (body, MIN (chars, g_utf8_pointer_to_offset (body, body + from) + SNIPPET_CHARS)) - body);

  g_string_append_printf (out, "<li><div class=head><span class=rank>%u</span>"
                          "<span class=bar><span style='width:%.1f%%'></span></span>"
                          "<span class=score>%.4f</span><span class=id>", rank,
                          CLAMP (m->score, 0, 1) * 100, tm_output_round (m->score));
  append_escaped (out, r->id);
  g_string_append (out, "</span></div><div class=title>");
  write_marked (out, r->title, 0, strlen (r->title), title_marks);
  g_string_append (out, "</div>");
  append_facts (out, r);
  g_string_append (out, "<div class=snippet>");
  if (from > 0)
    g_string_append (out, "…");
  write_marked (out, body, from, to, body_marks);
  if (to < strlen (body))
    g_string_append (out, "…");
  g_string_append (out, "</div></li>\n");
}

static const char STYLE[] =
  "body{font:15px/1.5 'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif;"
  "margin:0;background:#f4f6f8;color:#1f2933}"
  "header{background:#12355b;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}"
  "header p{margin:4px 0 0;opacity:.8}main{max-width:1100px;margin:0 auto;padding:18px}"
  ".summary{display:flex;gap:14px;flex-wrap:wrap;margin-bottom:16px}"
  ".stat{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08);min-width:150px}"
  ".stat b{display:block;font-size:24px;color:#12355b}"
  ".hist{display:flex;align-items:flex-end;gap:4px;height:70px;background:#fff;border-radius:8px;padding:10px 16px;"
  "box-shadow:0 1px 2px rgba(0,0,0,.08);flex:1;min-width:260px}"
  ".hist div{flex:1;background:#3e7cb1;border-radius:3px 3px 0 0;position:relative}"
  ".hist div span{position:absolute;bottom:-17px;left:0;font-size:10px;color:#52606d}"
  ".tabs{margin:8px 0 12px}.tabs button{border:0;background:#d9e2ec;padding:8px 14px;border-radius:6px;"
  "margin-right:6px;cursor:pointer;font:inherit}.tabs button.on{background:#12355b;color:#fff}"
  "#filter{padding:8px 10px;border:1px solid #bcccdc;border-radius:6px;width:260px;font:inherit;float:right}"
  ".card{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.1);margin:0 0 14px;padding:14px 18px}"
  ".card h2{margin:0 0 4px;font-size:17px}.card h2 .id{color:#829ab1;font-weight:normal;font-size:13px;margin-left:8px}"
  ".facts span{display:inline-block;background:#eef2f7;color:#334e68;border-radius:4px;padding:0 7px;"
  "margin:2px 6px 2px 0;font-size:12.5px}"
  "ol{list-style:none;padding:0;margin:10px 0 0}li{border-top:1px solid #e4e7eb;padding:9px 0}"
  ".head{display:flex;align-items:center;gap:10px}.rank{color:#829ab1;width:20px;text-align:right}"
  ".bar{width:140px;height:9px;background:#e4e7eb;border-radius:5px;overflow:hidden}"
  ".bar span{display:block;height:100%;background:linear-gradient(90deg,#3e7cb1,#2f9e75)}"
  ".score{font-variant-numeric:tabular-nums;width:52px}.id{color:#829ab1;font-size:13px}"
  ".title{font-weight:600;margin:3px 0 2px 30px}.li .facts,li .facts{margin-left:30px;display:block}"
  ".snippet{margin:4px 0 0 30px;color:#52606d;font-size:13.5px}"
  "mark{background:#ffe8a3;color:inherit;border-radius:2px;padding:0 1px}"
  ".none{color:#829ab1;font-style:italic}";

static const char SCRIPT[] =
  "function show(d){document.querySelectorAll('section').forEach(function(s){s.hidden=s.id!==d});"
  "document.querySelectorAll('.tabs button').forEach(function(b){b.className=b.dataset.d===d?'on':''})}"
  "function filt(v){v=v.toLowerCase();document.querySelectorAll('.card').forEach(function(c){"
  "c.hidden=v&&c.textContent.toLowerCase().indexOf(v)<0})}";

gboolean
tm_html_write (FILE *out_file, const char *name, const TmIndex *index, const TmAnalyzer *analyzer,
               TmBatch *const batches[2], const char *index_path, GError **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(TmAnalysis) analysis = tm_analysis_new (analyzer);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%d %H:%M");
  guint hist[10] = { 0 }, pairs = 0, sources = 0, hmax = 1;
  const char *labels[2] = { "需求 → 成果", "成果 → 需求" };
  const char *ids[2] = { "d2a", "a2d" };

  for (int d = 0; d < 2; d++)
    for (guint i = 0; batches[d] != NULL && i < batches[d]->docs->len; i++)
      {
        const TmResults *r = batches[d]->results->pdata[i];

        sources++;
        for (guint k = 0; k < r->results->len; k++)
          {
            double s = g_array_index (r->results, TmResult, k).score;
            hist[s >= 0 && s < 1 ? (int) (s * 10) : s >= 1 ? 9 : 0]++;  /* NaN-proof */
            pairs++;
          }
      }
  for (int b = 0; b < 10; b++)
    hmax = MAX (hmax, hist[b]);

  g_string_append (out, "<!DOCTYPE html>\n<html lang=zh-CN><head><meta charset=utf-8>"
                   "<meta name=viewport content='width=device-width,initial-scale=1'>"
                   "<title>techmatch 对接报告</title><style>");
  g_string_append (out, STYLE);
  g_string_append (out, "</style><script>");
  g_string_append (out, SCRIPT);
  g_string_append (out, "</script></head><body><header><h1>techmatch 技术需求与科技成果对接报告</h1><p>");
  append_escaped (out, index_path);
  g_string_append_printf (out, " · %s</p></header><main><div class=summary>", when);
  for (int d = 0; d < 2; d++)
    if (batches[d] != NULL)
      g_string_append_printf (out, "<div class=stat><b>%u</b>%s</div>", batches[d]->docs->len,
                              d == 0 ? "项需求 demands" : "项成果 achievements");
  g_string_append_printf (out, "<div class=stat><b>%u</b>对匹配 matches</div><div class=hist title='score distribution'>", pairs);
  for (int b = 0; b < 10; b++)
    g_string_append_printf (out, "<div style='height:%.0f%%' title='%u'><span>%.1f</span></div>",
                            100.0 * hist[b] / hmax + (hist[b] > 0 ? 2 : 0), hist[b], b / 10.0);
  g_string_append (out, "</div></div><div class=tabs>");
  for (int d = 0; d < 2; d++)
    if (batches[d] != NULL)
      g_string_append_printf (out, "<button data-d=%s onclick=\"show('%s')\"%s>%s</button>", ids[d], ids[d],
                              (d == 0 || batches[0] == NULL) ? " class=on" : "", labels[d]);
  g_string_append (out, "<input id=filter placeholder='筛选 filter' oninput='filt(this.value)'></div>\n");

  for (int d = 0; d < 2; d++)
    {
      TmBatch *b = batches[d];

      if (b == NULL)
        continue;
      g_string_append_printf (out, "<section id=%s%s>\n", ids[d], d == 1 && batches[0] != NULL ? " hidden" : "");
      for (guint i = 0; i < b->docs->len; i++)
        {
          const TmResults *r = b->results->pdata[i];
          g_autoptr(TmRecord) src = tm_index_get_record (index, b->source, g_array_index (b->docs, guint32, i));

          g_string_append (out, "<div class=card><h2>");
          append_escaped (out, src->title);
          g_string_append (out, "<span class=id>");
          append_escaped (out, src->id);
          g_string_append (out, "</span></h2>");
          append_facts (out, src);
          if (r->results->len == 0)
            g_string_append (out, "<p class=none>no match</p>");
          else
            {
              g_string_append (out, "<ol>\n");
              for (guint k = 0; k < r->results->len; k++)
                append_match (out, index, analyzer, analysis, r, &g_array_index (r->results, TmResult, k), k + 1);
              g_string_append (out, "</ol>");
            }
          g_string_append (out, "</div>\n");
        }
      g_string_append (out, "</section>\n");
    }
  g_string_append (out, "</main></body></html>\n");

  if (fwrite (out->str, 1, out->len, out_file) != out->len)
    {
      int saved = errno;

      g_set_error (error, TM_ERROR, TM_ERROR_IO, "writing %s: %s", name, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
