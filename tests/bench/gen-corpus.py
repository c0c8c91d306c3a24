#!/usr/bin/env python3
"""Generate a large techmatch corpus for the benchmarks.

Recombines real sentences, titles and keywords from the public Chinese
collections in ../shared/data (CSL papers, KPPatent patents) into
achievement and demand records: seeded, so the same arguments always give
the same files.  Nothing of that text is kept in the repository: the
benchmarks run this at run time.

usage: gen-corpus.py [--achievements N] [--demands M] [--seed S]
                     [--data DIR] [--per-file K] OUTDIR
"""
import argparse
import json
import os
import random
import re
import sys
from xml.sax.saxutils import escape, quoteattr

DOMAINS = ['光子与激光', '氢能', '新能源汽车', '增材制造', '航空航天', '半导体与集成电路',
           '新材料', '光伏', '生物医药', '人工智能', '无人机与低空经济', '智能制造',
           '能源化工', '旱区农业', '新型显示', '5G通信']
REGIONS = ['西安高新区', '西咸新区沣东新城', '西安经开区', '西安航天基地', '西安航空基地',
           '宝鸡高新区', '咸阳市', '渭南高新区', '杨凌示范区', '榆林市', '汉中市', '铜川市',
           '西安市长安区', '西安市雁塔区', '西安市碑林区']
IPS = ['发明专利', '实用新型专利', '软件著作权', '集成电路布图设计', '技术秘密', 'PCT国际专利']
TRANSFER = ['技术转让', '技术许可', '作价入股', '合作开发', '技术服务']
COOP = ['联合攻关', '技术转让', '技术许可', '委托开发', '技术服务', '共建平台']
ORGS = ['西安交通大学', '西北工业大学', '西安电子科技大学', '西北大学', '陕西科技大学',
        '西安理工大学', '长安大学', '西北农林科技大学', '西安建筑科技大学', '西安工业大学']
FIRMS = ['秦川', '华岳', '渭河', '终南', '长安', '丝路', '汉唐', '骊山', '灞河', '曲江']
TRADES = ['科技', '新材料', '智能装备', '能源', '电子', '生物', '精密制造', '光电']


def load(data):
    titles, sentences, keywords = [], [], []
    files = [os.path.join(data, 'csl_zh', 'csl_full.jsonl'),
             os.path.join(data, 'csl_zh', 'csl_title_abstract.jsonl'),
             os.path.join(data, 'kppatent_zh', 'kppatent_zh.jsonl')]
    for path in files:
        if not os.path.exists(path):
            continue
        with open(path, encoding='utf-8') as f:
            for line in f:
                r = json.loads(line)
                if r.get('title'):
                    titles.append(r['title'])
                for s in re.split('(?<=[。；！？])', r.get('abstract') or ''):
                    if len(s) >= 8:
                        sentences.append(s)
                keywords.extend(k for k in r.get('keywords') or [] if 1 < len(k) <= 12)
    return titles, sentences, keywords


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--achievements', type=int, default=100000)
    p.add_argument('--demands', type=int, default=10000)
    p.add_argument('--seed', type=int, default=42)
    p.add_argument('--per-file', type=int, default=10000)
    p.add_argument('--data', default=os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared', 'data'))
    p.add_argument('outdir')
    a = p.parse_args()

    titles, sentences, keywords = load(a.data)
    if not titles or not sentences:
        print('gen-corpus: no CSL or KPPatent data under %s' % a.data, file=sys.stderr)
        return 77
    rng = random.Random(a.seed)
    os.makedirs(a.outdir, exist_ok=True)

    def write(library, n, make):
        for start in range(0, n, a.per_file):
            path = os.path.join(a.outdir, '%s-%04d.xml' % (library, start // a.per_file))
            with open(path, 'w', encoding='utf-8') as out:
                out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
                out.write('<corpus xmlns="urn:techmatch:corpus:1" library="%s">\n' % library)
                for i in range(start, min(n, start + a.per_file)):
                    out.write(make(i))
                out.write('</corpus>\n')

    def kws():
        return ''.join('<keyword>%s</keyword>' % escape(k) for k in rng.sample(keywords, rng.randint(3, 6)))

    def date():
        return '20%02d-%02d-%02d' % (rng.randint(24, 26), rng.randint(1, 12), rng.randint(1, 28))

    def achievement(i):
        body = ''.join(rng.choice(sentences) for _ in range(rng.randint(3, 6)))
        ips = ''.join('<ip>%s</ip>' % ip for ip in rng.sample(IPS, rng.randint(0, 2)))
        return ('  <achievement id=%s updated="%s">\n'
                '    <title>%s</title>\n    <institution>%s</institution>\n'
                '    <region>%s</region>\n    <domain>%s</domain>\n'
                '    <keywords>%s</keywords>\n    <abstract>%s</abstract>\n'
                '    <trl>%d</trl>\n    %s<transfer>%s</transfer>\n  </achievement>\n') % (
            quoteattr('A-%07d' % i), date(), escape(rng.choice(titles)), rng.choice(ORGS),
            rng.choice(REGIONS), rng.choice(DOMAINS), kws(), escape(body), rng.randint(1, 9),
            ips, rng.choice(TRANSFER))

    def demand(i):
        body = ''.join(rng.choice(sentences) for _ in range(rng.randint(2, 4)))
        org = '西安%s%s有限公司' % (rng.choice(FIRMS), rng.choice(TRADES))
        return ('  <demand id=%s updated="%s">\n'
                '    <title>%s</title>\n    <org>%s</org>\n    <region>%s</region>\n'
                '    <domain>%s</domain>\n    <keywords>%s</keywords>\n'
                '    <description>%s</description>\n    <budget unit="万元">%d</budget>\n'
                '    <cooperation>%s</cooperation>\n  </demand>\n') % (
            quoteattr('D-%07d' % i), date(), escape(rng.choice(titles)), org,
            rng.choice(REGIONS), rng.choice(DOMAINS), kws(), escape(body),
            rng.randint(10, 2000), rng.choice(COOP))

    write('achievement', a.achievements, achievement)
    write('demand', a.demands, demand)
    return 0


if __name__ == '__main__':
    sys.exit(main())
