/* tm-html.c — the batch report: the one page a technology manager works
 * from, self-contained (no external file, font or script, no network).
 *
 * At the top, the summary of the run (tm-summary.h) per domain, with the
 * demands that nothing answers (the open challenges) and the
 * achievements that no demand wants.  Then a tab per direction with a
 * card per source (the enterprise, region and budget of a demand; the
 * institution, TRL and IP of an achievement): its matches with a score
 * bar, the other side's owner and TRL, the terms that matched
 * highlighted in the title and in a snippet of the body, the pair's
 * decision, a link to the other record's card, and a copyable `techmatch
 * decide` command; and the institutions that answer it best.  A search
 * box, filters (domain, region, TRL, decision state) and a sort order
 * work in the page with a few lines of plain JavaScript.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tm-batch.h"
#include "tm-cli.h"
#include "tm-error.h"
#include "tm-group.h"
#include "tm-summary.h"

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

/* An HTML attribute value, quoted. */
static void
append_attr (GString *out, const char *name, const char *value)
{
  g_string_append_printf (out, " %s=\"", name);
  append_escaped (out, value);
  g_string_append_c (out, '"');
}

/* A word for a shell command line: as it is when it is plainly safe. */
static void
append_shell_word (GString *out, const char *word)
{
  gboolean plain = word[0] != '\0';

  for (const char *p = word; *p != '\0' && plain; p++)
    plain = g_ascii_isalnum (*p) || strchr ("-_./:+,=@%", *p) != NULL;
  if (plain)
    g_string_append (out, word);
  else
    {
      g_autofree char *q = g_shell_quote (word);
      g_string_append (out, q);
    }
}

/* The page's words are the user's language (gettext); the data-*
 * attributes, ids and classes the script reads never change. */
static const char *const state_labels[] = {
  [TM_DECISION_NONE] = "",
  /* TRANSLATORS: the state of a pair in the HTML report */
  [TM_DECISION_ACCEPTED] = N_("accepted"),
  [TM_DECISION_CONTACTED] = N_("contacted"),
  [TM_DECISION_REJECTED] = N_("rejected"),
};

/* @label, translated, as HTML text. */
static void
append_label (GString *out, const char *label)
{
  append_escaped (out, _(label));
}

static TmDecisionState
state_of (const TmHtmlReport *rep, const char *demand, const char *achievement)
{
  g_autofree char *key = NULL;

  if (rep->states == NULL)
    return TM_DECISION_NONE;
  key = g_strconcat (demand, "\t", achievement, NULL);
  return (TmDecisionState) GPOINTER_TO_INT (g_hash_table_lookup (rep->states, key));
}

/* The data-* attributes the page's filters read. */
static void
append_record_data (GString *out, const TmRecord *r, TmLibrary library)
{
  append_attr (out, "data-lib", library == TM_LIBRARY_DEMAND ? "d" : "a");
  append_attr (out, "data-id", r->id);
  append_attr (out, "data-domain", r->domain != NULL ? r->domain : "");
  append_attr (out, "data-region", r->region != NULL ? r->region : "");
  g_string_append_printf (out, " data-trl=\"%d\"", r->trl);
}

/* The buttons that copy a `techmatch decide` command: its option, the
 * button's label. */
static const struct {
  const char *option, *label;
} decide_buttons[] = {
  /* TRANSLATORS: buttons of the HTML report that copy a techmatch decide command */
  { "accept", N_("accept") },
  { "contacted", N_("contacted") },
  { "reject", N_("reject") },
  { "clear", N_("clear") },
};

static void
append_match (GString *out, const TmHtmlReport *rep, TmAnalysis *analysis, const TmRecord *src,
              TmLibrary source, const TmResults *results, const TmResult *m, guint rank)
{
  g_autoptr(TmRecord) r = tm_index_get_record (rep->indexes[m->part], results->target, m->doc);
  g_autoptr(GHashTable) matched = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) title_marks = NULL;
  g_autoptr(GArray) body_marks = NULL;
  const char *body = r->body != NULL ? r->body : "";
  const char *demand = source == TM_LIBRARY_DEMAND ? src->id : r->id;
  const char *achievement = source == TM_LIBRARY_DEMAND ? r->id : src->id;
  TmDecisionState state = state_of (rep, demand, achievement);
  const char *other_dir = source == TM_LIBRARY_DEMAND ? "a2d" : "d2a";
  gboolean linked = rep->batches[source == TM_LIBRARY_DEMAND ? 1 : 0] != NULL;
  double score = isfinite (m->score) ? m->score : 0;
  gsize from = 0, to;
  glong chars = g_utf8_strlen (body, -1);

  for (guint j = 0; m->contributions != NULL && j < m->contributions->len; j++)
    g_hash_table_add (matched, (gpointer) g_array_index (m->contributions, TmContribution, j).term);
  title_marks = find_marks (rep->analyzer, analysis, r->title, matched);
  body_marks = find_marks (rep->analyzer, analysis, body, matched);

  /* The snippet: around the first matched term of the body. */
  if (body_marks->len > 0)
    {
      glong first = g_utf8_pointer_to_offset (body, body + g_array_index (body_marks, Span, 0).start);
      from = (gsize) (g_utf8_offset_to_pointer (body, MAX (0, first - SNIPPET_BEFORE)) - body);
    }
  to = (gsize) (g_utf8_offset_to_pointer (body, MIN (chars, g_utf8_pointer_to_offset (body, body + from) + SNIPPET_CHARS)) - body);

  g_string_append_printf (out, "<li class=\"pair st-%s\"", tm_decision_state_name (state));
  append_attr (out, "data-state", state == TM_DECISION_NONE ? "none" : tm_decision_state_name (state));
  append_record_data (out, r, results->target);
  g_string_append_printf (out, "><div class=head><span class=rank>%u</span>"
                          "<span class=bar><span style='width:%.1f%%'></span></span>"
                          "<span class=score>%.4f</span>", rank,
                          CLAMP (score, 0, 1) * 100, tm_output_round (score));
  if (linked)
    {
      g_autofree char *frag = g_uri_escape_string (r->id, NULL, FALSE);
      g_string_append_printf (out, "<a class=id href=\"#%s-%s\" onclick=\"return go('%s',this)\">",
                              other_dir, frag, other_dir);
      append_escaped (out, r->id);
      g_string_append (out, "</a>");
    }
  else
    {
      g_string_append (out, "<span class=id>");
      append_escaped (out, r->id);
      g_string_append (out, "</span>");
    }
  if (state != TM_DECISION_NONE)
    {
      g_string_append_printf (out, "<span class=\"state %s\">", tm_decision_state_name (state));
      append_label (out, state_labels[state]);
      g_string_append (out, "</span>");
    }
  g_string_append (out, "</div><div class=title>");
  write_marked (out, r->title, 0, strlen (r->title), title_marks);
  g_string_append (out, "</div>");
  append_facts (out, r);
  g_string_append (out, "<div class=snippet>");
  if (from > 0)
    g_string_append (out, "…");
  write_marked (out, body, from, to, body_marks);
  if (to < strlen (body))
    g_string_append (out, "…");
  g_string_append (out, "</div>");

  /* The command that records a decision about the pair. */
  {
    g_autoptr(GString) cmd = g_string_new ("techmatch decide");

    for (guint i = 0; rep->index_paths[i] != NULL; i++)
      {
        g_string_append (cmd, " -i ");
        append_shell_word (cmd, rep->index_paths[i]);
      }
    if (rep->decisions_path != NULL)
      {
        g_string_append (cmd, " -D ");
        append_shell_word (cmd, rep->decisions_path);
      }
    g_string_append (cmd, " -d ");
    append_shell_word (cmd, demand);
    g_string_append (cmd, " -a ");
    append_shell_word (cmd, achievement);
    g_string_append (out, "<div class=decide><code");
    append_attr (out, "data-cmd", cmd->str);
    g_string_append (out, ">");
    append_escaped (out, cmd->str);
    g_string_append (out, " --accept</code>");
    for (guint i = 0; i < G_N_ELEMENTS (decide_buttons); i++)
      {
        g_string_append_printf (out, "<button onclick=\"cp(this,'%s')\">", decide_buttons[i].option);
        append_label (out, decide_buttons[i].label);
        g_string_append (out, "</button>");
      }
    g_string_append (out, "</div>");
  }
  g_string_append (out, "</li>\n");
}

/* The institutions (enterprises, for an achievement) that answer a
 * source best, by the sum of their shown records' scores. */
static void
append_groups (GString *out, const TmHtmlReport *rep, const TmResults *r, TmLibrary source)
{
  g_autoptr(GArray) groups = tm_results_group_over (rep->indexes, r, TM_GROUP_SUM);

  if (groups->len == 0)
    return;
  g_string_append (out, "<div class=groups><b>");
  append_escaped (out, source == TM_LIBRARY_DEMAND ? _("institutions") : _("enterprises"));
  g_string_append (out, "</b>");
  for (guint i = 0; i < MIN (groups->len, 3); i++)
    {
      const TmGroup *g = &g_array_index (groups, TmGroup, i);

      g_string_append (out, "<span>");
      append_escaped (out, g->name);
      g_string_append_printf (out, " <i>%.4f · %u</i></span>", tm_output_round (g->score), g->results->len);
    }
  g_string_append (out, "</div>");
}

static void
append_record_link (GString *out, const TmHtmlReport *rep, TmLibrary library, guint part, guint32 doc,
                    double best)
{
  const TmIndex *index = rep->indexes[part];
  const char *id = tm_index_doc_id (index, library, doc);
  const char *dir = library == TM_LIBRARY_DEMAND ? "d2a" : "a2d";
  g_autofree char *frag = g_uri_escape_string (id, NULL, FALSE);
  const char *org = tm_index_doc_org (index, library, doc);

  g_string_append (out, "<li>");
  if (rep->batches[library == TM_LIBRARY_DEMAND ? 0 : 1] != NULL)
    {
      g_string_append_printf (out, "<a href=\"#%s-%s\" onclick=\"return go('%s',this)\">", dir, frag, dir);
      append_escaped (out, id);
      g_string_append (out, "</a> ");
    }
  else
    {
      append_escaped (out, id);
      g_string_append_c (out, ' ');
    }
  append_escaped (out, tm_index_doc_title (index, library, doc));
  if (org != NULL && org[0] != '\0')
    {
      g_string_append (out, " <span class=org>");
      append_escaped (out, org);
      g_string_append (out, "</span>");
    }
  if (best >= 0)
    g_string_append_printf (out, " <i>%.4f</i>", tm_output_round (best));
  g_string_append (out, "</li>");
}

static void
append_summary (GString *out, const TmHtmlReport *rep)
{
  const TmSummary *s = rep->summary;

  static const char *const columns[] = {
    /* TRANSLATORS: the columns of the HTML report's summary table */
    N_("domain"), N_("demands"), N_("achievements"), N_("demands with a strong match"),
    N_("unmatched demands"), N_("achievements no demand wants"),
  };
  g_autofree char *strong = g_strdup_printf (_("strong match: score ≥ %.2f"), s->threshold);

  g_string_append (out, "<section class=overview><h2>");
  append_label (out, N_("Summary"));
  g_string_append (out, " <small>");
  append_escaped (out, strong);
  g_string_append (out, "</small></h2><table><tr>");
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_string_append (out, "<th>");
      append_label (out, columns[i]);
      g_string_append (out, "</th>");
    }
  g_string_append (out, "</tr>");
  for (guint i = 0; i <= s->domains->len; i++)
    {
      const TmDomainSummary *d = i < s->domains->len ? &g_array_index (s->domains, TmDomainSummary, i) : &s->total;

      g_string_append (out, i < s->domains->len ? "<tr><td>" : "<tr class=total><td>");
      if (i == s->domains->len)
        append_label (out, N_("total"));
      else if (d->domain[0] == '\0')
        /* TRANSLATORS: the summary's row of the records without a domain */
        append_label (out, N_("(no domain)"));
      else
        append_escaped (out, d->domain);
      g_string_append_printf (out, "</td><td>%u</td><td>%u</td><td>%u</td><td>%u</td><td>%u</td></tr>",
                              d->demands, d->achievements, d->strong, d->unmatched, d->unwanted);
    }
  g_string_append (out, "</table>");
  {
    /* TRANSLATORS: the demands no achievement answers, which a platform
     * may publish as open challenges (揭榜挂帅) */
    g_autofree char *title = g_strdup_printf (_("unmatched demands (candidates for an open challenge): %u"),
                                              s->unmatched->len);

    g_string_append_printf (out, "<details%s><summary>",
                            s->unmatched->len > 0 && s->unmatched->len <= 50 ? " open" : "");
    append_escaped (out, title);
    g_string_append (out, "</summary><ol>");
  }
  for (guint i = 0; i < s->unmatched->len; i++)
    {
      append_record_link (out, rep, TM_LIBRARY_DEMAND, g_array_index (s->unmatched_parts, guint, i),
                          g_array_index (s->unmatched, guint32, i), g_array_index (s->unmatched_best, double, i));
    }
  {
    g_autofree char *title = g_strdup_printf (_("achievements no demand wants: %u"), s->unwanted->len);

    g_string_append (out, "</ol></details><details><summary>");
    append_escaped (out, title);
    g_string_append (out, "</summary><ol>");
  }
  for (guint i = 0; i < s->unwanted->len; i++)
    append_record_link (out, rep, TM_LIBRARY_ACHIEVEMENT, g_array_index (s->unwanted_parts, guint, i),
                        g_array_index (s->unwanted, guint32, i), -1);
  g_string_append (out, "</ol></details></section>\n");
}

static const char STYLE[] =
  "body{font:15px/1.5 'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei','PingFang SC',"
  "'Microsoft YaHei',sans-serif;margin:0;background:#f4f6f8;color:#1f2933}"
  "header{background:#12355b;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}"
  "header p{margin:4px 0 0;opacity:.8}main{max-width:1100px;margin:0 auto;padding:18px}"
  ".summary{display:flex;gap:14px;flex-wrap:wrap;margin-bottom:16px}"
  ".stat{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08);min-width:150px}"
  ".stat b{display:block;font-size:24px;color:#12355b}"
  ".hist{display:flex;align-items:flex-end;gap:4px;height:70px;background:#fff;border-radius:8px;padding:10px 16px;"
  "box-shadow:0 1px 2px rgba(0,0,0,.08);flex:1;min-width:260px}"
  ".hist div{flex:1;background:#3e7cb1;border-radius:3px 3px 0 0;position:relative}"
  ".hist div span{position:absolute;bottom:-17px;left:0;font-size:10px;color:#52606d}"
  ".overview{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.1);padding:12px 18px;margin-bottom:16px}"
  ".overview h2{font-size:17px;margin:0 0 8px}.overview small{font-weight:normal;color:#829ab1;margin-left:8px}"
  "table{border-collapse:collapse;width:100%;font-size:13.5px}th,td{border-bottom:1px solid #e4e7eb;padding:4px 8px;text-align:right}"
  "th:first-child,td:first-child{text-align:left}th{font-weight:600;color:#334e68;font-size:12.5px}"
  "tr.total td{font-weight:700}details{margin-top:8px}summary{cursor:pointer;font-weight:600;color:#12355b}"
  "details ol{list-style:decimal;padding-left:28px;font-size:13.5px}details li{border:0;padding:2px 0}"
  ".org{color:#52606d}i{color:#829ab1;font-style:normal}"
  ".tabs{margin:8px 0 12px;display:flex;flex-wrap:wrap;gap:6px;align-items:center}"
  ".tabs button{border:0;background:#d9e2ec;padding:8px 14px;border-radius:6px;cursor:pointer;font:inherit}"
  ".tabs button.on{background:#12355b;color:#fff}"
  ".tabs input,.tabs select{padding:7px 9px;border:1px solid #bcccdc;border-radius:6px;font:inherit;background:#fff}"
  "#q{flex:1;min-width:200px}"
  ".card{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.1);margin:0 0 14px;padding:14px 18px}"
  ".card.hit{outline:3px solid #f0b429}"
  ".card h2{margin:0 0 4px;font-size:17px}.card h2 .id{color:#829ab1;font-weight:normal;font-size:13px;margin-left:8px}"
  ".facts span{display:inline-block;background:#eef2f7;color:#334e68;border-radius:4px;padding:0 7px;"
  "margin:2px 6px 2px 0;font-size:12.5px}"
  ".groups{font-size:13px;margin-top:4px}.groups b{color:#334e68;margin-right:6px}"
  ".groups span{margin-right:12px}"
  "ol{list-style:none;padding:0;margin:10px 0 0}li{border-top:1px solid #e4e7eb;padding:9px 0}"
  ".head{display:flex;align-items:center;gap:10px}.rank{color:#829ab1;width:20px;text-align:right}"
  ".bar{width:140px;height:9px;background:#e4e7eb;border-radius:5px;overflow:hidden}"
  ".bar span{display:block;height:100%;background:linear-gradient(90deg,#3e7cb1,#2f9e75)}"
  ".score{font-variant-numeric:tabular-nums;width:52px}.id{color:#829ab1;font-size:13px}a.id{color:#3e7cb1}"
  ".state{font-size:12px;border-radius:4px;padding:0 7px;color:#fff}.state.accepted{background:#2f9e75}"
  ".state.contacted{background:#3e7cb1}.state.rejected{background:#c23b3b}"
  "li.st-rejected .title,li.st-rejected .snippet{text-decoration:line-through;opacity:.6}"
  ".title{font-weight:600;margin:3px 0 2px 30px}li .facts{margin-left:30px;display:block}"
  ".snippet{margin:4px 0 0 30px;color:#52606d;font-size:13.5px}"
  ".decide{margin:5px 0 0 30px;display:flex;gap:6px;align-items:center;flex-wrap:wrap}"
  ".decide code{font-size:12px;background:#f0f4f8;padding:2px 6px;border-radius:4px;user-select:all}"
  ".decide button{font:inherit;font-size:12px;border:1px solid #bcccdc;background:#fff;border-radius:4px;cursor:pointer}"
  ".decide button.done{background:#2f9e75;color:#fff}"
  "mark{background:#ffe8a3;color:inherit;border-radius:2px;padding:0 1px}"
  ".none{color:#829ab1;font-style:italic}";

/* Tabs, links between the two directions, search, filters, sorting and
 * copying a command: plain DOM, nothing loaded. */
static const char SCRIPT[] =
  "function $(i){return document.getElementById(i)}"
  "function show(d){document.querySelectorAll('section.dir').forEach(function(s){s.hidden=s.id!==d});"
  "document.querySelectorAll('.tabs button').forEach(function(b){b.className=b.dataset.d===d?'on':''})}"
  "function go(d,a){var t=$(decodeURIComponent(a.getAttribute('href').slice(1)));if(!t)return true;"
  "show(d);t.hidden=false;document.querySelectorAll('.hit').forEach(function(c){c.classList.remove('hit')});"
  "t.classList.add('hit');t.scrollIntoView();return false}"
  "function ok(e,reg,trl){return e.dataset.lib==='d'?(!reg||e.dataset.region.indexOf(reg)>=0):(!trl||+e.dataset.trl>=trl)}"
  "function apply(){var q=$('q').value.toLowerCase(),dom=$('fdomain').value,reg=$('fregion').value,"
  "trl=+$('ftrl').value,st=$('fstate').value;"
  "document.querySelectorAll('.card').forEach(function(c){var any=false,"
  "v=(!dom||c.dataset.domain===dom)&&ok(c,reg,trl)&&(!q||c.textContent.toLowerCase().indexOf(q)>=0);"
  "c.querySelectorAll('li.pair').forEach(function(l){var w=ok(l,reg,trl)&&(!st||l.dataset.state===st);"
  "l.hidden=!w;if(w)any=true});c.hidden=!v||(!any&&(st||reg||trl)>0)})}"
  "function sortBy(k){document.querySelectorAll('section.dir').forEach(function(s){"
  "var cs=[].slice.call(s.querySelectorAll('.card'));cs.sort(function(a,b){var x=a.dataset.id,y=b.dataset.id;"
  "return (k==='score'?(+b.dataset.best)-(+a.dataset.best):0)||(x<y?-1:x>y?1:0)});"
  "cs.forEach(function(c){s.appendChild(c)})})}"
  "function cp(b,v){var c=b.parentNode.querySelector('code'),t=c.dataset.cmd+' --'+v;c.textContent=t;"
  "var r=document.createRange();r.selectNodeContents(c);var s=getSelection();s.removeAllRanges();s.addRange(r);"
  "try{if(navigator.clipboard&&window.isSecureContext)navigator.clipboard.writeText(t);else document.execCommand('copy')}"
  "catch(e){}b.parentNode.querySelectorAll('button').forEach(function(x){x.classList.toggle('done',x===b)})}";

gboolean
tm_html_write (FILE *out_file, const char *name, const TmHtmlReport *rep, GError **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(TmAnalysis) analysis = tm_analysis_new (rep->analyzer);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%d %H:%M");
  TmBatch *const *batches = rep->batches;
  guint hist[10] = { 0 }, pairs = 0, hmax = 1;
  /* TRANSLATORS: the report's two tabs: each demand with its
   * achievements, each achievement with its demands */
  const char *labels[2] = { N_("demands → achievements"), N_("achievements → demands") };
  const char *ids[2] = { "d2a", "a2d" };

  for (int d = 0; d < 2; d++)
    for (guint i = 0; batches[d] != NULL && i < batches[d]->docs->len; i++)
      {
        const TmResults *r = batches[d]->results->pdata[i];

        for (guint k = 0; k < r->results->len; k++)
          {
            double s = g_array_index (r->results, TmResult, k).score;

            if (!isfinite (s) || s < 0)
              s = 0;
            hist[MIN (9, (int) (s * 10))]++;
            pairs++;
          }
      }
  for (int b = 0; b < 10; b++)
    hmax = MAX (hmax, hist[b]);

  /* TRANSLATORS: the language of the HTML report, as its lang attribute
   * (a BCP 47 tag such as zh-CN) */
  g_string_append (out, "<!DOCTYPE html>\n<html");
  append_attr (out, "lang", _("en"));
  g_string_append (out, "><head><meta charset=utf-8>"
                   "<meta name=viewport content='width=device-width,initial-scale=1'><title>");
  append_label (out, N_("techmatch matching report"));
  g_string_append (out, "</title><style>");
  g_string_append (out, STYLE);
  g_string_append (out, "</style><script>");
  g_string_append (out, SCRIPT);
  g_string_append (out, "</script></head><body><header><h1>");
  append_label (out, N_("techmatch: technology demands matched with research achievements"));
  g_string_append (out, "</h1><p>");
  for (guint i = 0; rep->index_paths[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      append_escaped (out, rep->index_paths[i]);
    }
  g_string_append_printf (out, " · %s</p></header><main><div class=summary>", when);
  for (int d = 0; d < 2; d++)
    if (batches[d] != NULL)
      {
        guint n = batches[d]->docs->len;

        /* TRANSLATORS: a count in large type above the word, "12 demands" */
        g_string_append_printf (out, "<div class=stat><b>%u</b>", n);
        append_escaped (out, d == 0 ? P_("demand", "demands", n) : P_("achievement", "achievements", n));
        g_string_append (out, "</div>");
      }
  g_string_append_printf (out, "<div class=stat><b>%u</b>", pairs);
  append_escaped (out, P_("match", "matches", pairs));
  g_string_append (out, "</div><div class=hist");
  append_attr (out, "title", _("score distribution"));
  g_string_append_c (out, '>');
  for (int b = 0; b < 10; b++)
    g_string_append_printf (out, "<div style='height:%.0f%%' title='%u'><span>%.1f</span></div>",
                            100.0 * hist[b] / hmax + (hist[b] > 0 ? 2 : 0), hist[b], b / 10.0);
  g_string_append (out, "</div></div>\n");
  if (rep->summary != NULL)
    append_summary (out, rep);

  /* The tool bar: tabs, search, filters, sort. */
  g_string_append (out, "<div class=tabs>");
  for (int d = 0; d < 2; d++)
    if (batches[d] != NULL)
      {
        g_string_append_printf (out, "<button data-d=%s onclick=\"show('%s')\"%s>", ids[d], ids[d],
                                (d == 0 || batches[0] == NULL) ? " class=on" : "");
        append_label (out, labels[d]);
        g_string_append (out, "</button>");
      }
  g_string_append (out, "<input id=q");
  /* TRANSLATORS: the placeholders and choices of the report's filters */
  append_attr (out, "placeholder", _("search"));
  g_string_append (out, " oninput='apply()'><select id=fdomain onchange='apply()'><option value=''>");
  append_label (out, N_("all domains"));
  g_string_append (out, "</option>");
  for (guint i = 0; rep->summary != NULL && i < rep->summary->domains->len; i++)
    {
      const char *dom = g_array_index (rep->summary->domains, TmDomainSummary, i).domain;

      if (dom[0] == '\0')
        continue;
      g_string_append (out, "<option");
      append_attr (out, "value", dom);
      g_string_append_c (out, '>');
      append_escaped (out, dom);
      g_string_append (out, "</option>");
    }
  g_string_append (out, "</select><input id=fregion");
  append_attr (out, "placeholder", _("region"));
  g_string_append (out, " oninput='apply()' size=10><select id=ftrl onchange='apply()'><option value=0>");
  append_label (out, N_("any TRL"));
  g_string_append (out, "</option>");
  for (int t = 1; t <= 9; t++)
    g_string_append_printf (out, "<option value=%d>TRL ≥ %d</option>", t, t);
  {
    static const struct {
      const char *value, *label;
    } states[] = {
      { "", N_("any state") }, { "none", N_("undecided") }, { "accepted", N_("accepted") },
      { "contacted", N_("contacted") }, { "rejected", N_("rejected") },
    }, orders[] = {
      { "id", N_("by id") }, { "score", N_("by best score") },
    };

    g_string_append (out, "</select><select id=fstate onchange='apply()'>");
    for (guint i = 0; i < G_N_ELEMENTS (states); i++)
      {
        g_string_append (out, "<option");
        append_attr (out, "value", states[i].value);
        g_string_append_c (out, '>');
        append_label (out, states[i].label);
        g_string_append (out, "</option>");
      }
    g_string_append (out, "</select><select id=sort onchange='sortBy(this.value)'>");
    for (guint i = 0; i < G_N_ELEMENTS (orders); i++)
      {
        g_string_append (out, "<option");
        append_attr (out, "value", orders[i].value);
        g_string_append_c (out, '>');
        append_label (out, orders[i].label);
        g_string_append (out, "</option>");
      }
    g_string_append (out, "</select></div>\n");
  }

  for (int d = 0; d < 2; d++)
    {
      TmBatch *b = batches[d];

      if (b == NULL)
        continue;
      g_string_append_printf (out, "<section class=dir id=%s%s>\n", ids[d], d == 1 && batches[0] != NULL ? " hidden" : "");
      for (guint i = 0; i < b->docs->len; i++)
        {
          const TmResults *r = b->results->pdata[i];
          guint sp = b->parts != NULL ? g_array_index (b->parts, guint, i) : 0;
          g_autoptr(TmRecord) src = tm_index_get_record (rep->indexes[sp], b->source, g_array_index (b->docs, guint32, i));
          g_autofree char *anchor = g_strdup_printf ("%s-%s", ids[d], src->id);
          double best = 0;

          for (guint k = 0; k < r->results->len; k++)
            {
              double s = g_array_index (r->results, TmResult, k).score;
              if (isfinite (s) && s > best)
                best = s;
            }
          g_string_append (out, "<div class=card");
          append_attr (out, "id", anchor);
          append_record_data (out, src, b->source);
          g_string_append_printf (out, " data-best=\"%.4f\"><h2>", tm_output_round (best));
          append_escaped (out, src->title);
          g_string_append (out, "<span class=id>");
          append_escaped (out, src->id);
          g_string_append (out, "</span></h2>");
          append_facts (out, src);
          append_groups (out, rep, r, b->source);
          if (r->results->len == 0)
            {
              g_string_append (out, "<p class=none>");
              append_label (out, N_("no match"));
              g_string_append (out, "</p>");
            }
          else
            {
              g_string_append (out, "<ol>\n");
              for (guint k = 0; k < r->results->len; k++)
                append_match (out, rep, analysis, src, b->source, r, &g_array_index (r->results, TmResult, k), k + 1);
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

      g_set_error (error, TM_ERROR, TM_ERROR_IO, _("writing %s: %s"), name, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
