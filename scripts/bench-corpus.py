#!/usr/bin/env python3
"""Writes a deterministic benchmark site of N Markdown pages for folio, Hugo or Zola.

    scripts/bench-corpus.py N ENGINE OUTDIR [--links plain|native] [--sections K] [--seed S]

ENGINE is `folio` (content/ and site.yaml; built with folio's default theme),
`hugo` (hugo.toml and minimal templates: a base layout, a page with its
table of contents, a section list, a home page) or `zola` (config.toml and
the same minimal templates in Tera). Hugo and Zola also get a second
configuration that turns highlighting off (hugo-nohl.toml: code fences are
not highlighted; config-nohl.toml: no `[markdown.highlighting]`), for the
benchmark's builds without highlighting.

Every page has the same body for every engine, and the shape of the shared
benchmark corpus the project's figures were taken with: about 1,000 words,
3 to 11 headings (## and ###), paragraphs with emphasis and inline code,
bullet lists with links to other pages and to outside sites, and one
18-21 line Rust code block. `--links native` writes internal links that the
engine resolves and checks (`@/secNN/page-XXXXX.md` for folio,
`{{< relref >}}` for Hugo, `@/secNN/page-XXXXX.md` for Zola) instead of root-relative URLs.

Only the standard library is used; the output is a pure function of the
arguments. A corpus already in OUTDIR from the same arguments and the same
generator is left as it is: rewriting ten thousand files before each
benchmark would only add work for the file system while the engines run.
"""

import argparse
import hashlib
import os
import random
import shutil

WORDS = """
ability access account action active adapter address advance algorithm allocate
analysis anchor answer append archive argument array asset atomic attribute
backend balance barrier batch binary bitmap block boolean border borrow bottle
boundary branch buffer build bundle cache callback canvas capacity cargo channel
chapter checksum chunk circuit client closure cluster codec collect column
command commit compile compose compute config consumer container content context
contract control convert counter crate cursor cycle daemon decode default delta
deploy design detail device digest directory dispatch document domain driver
dynamic element encode endpoint engine entry error event example executor export
expression extension factor feature field filter fixture format fragment frame
function future gateway generic global graph guard handle harness header heap
helper history hook host index inline input instance integer interface iterator
journal kernel keyword label lambda latency layer layout lexer library lifetime
limit linker literal loader locale lock logger macro manifest mapping marker
matrix memory merge message method metric module monitor mutex native network
node number object offset option output owner packet padding parser partition
patch payload pipeline platform pointer policy pool prefix process profile
program prompt protocol proxy query queue range reader record reducer reference
region registry release renderer replica report request resolver resource
response result return router runtime sample scanner schema scope script section
segment selector sequence server service session shader signal slice snapshot
socket source span stack state stream string struct summary symbol syntax table
target task template tensor thread token trait transform tree tuple type update
value variable vector version view window worker wrapper yield zone
""".split()

ADJECTIVES = """atomic brief careful concurrent compact direct eager explicit fast
implicit incremental lazy local modular ordered parallel portable predictable
remote robust shared simple sorted stable strict typed""".split()

RUST_TEMPLATES = [
    """pub struct {A}{B} {{
    {a}: Vec<String>,
    {b}: usize,
}}

impl {A}{B} {{
    pub fn new({b}: usize) -> Self {{
        Self {{ {a}: Vec::with_capacity({b}), {b} }}
    }}

    pub fn push(&mut self, value: &str) -> bool {{
        if self.{a}.len() >= self.{b} {{
            return false;
        }}
        self.{a}.push(value.to_string());
        true
    }}
}}
""",
    """pub trait {A}{B} {{
    fn {a}(&self) -> &str;
    fn {b}(&self, limit: usize) -> Vec<String> {{
        self.{a}()
            .split_whitespace()
            .take(limit)
            .map(|word| word.to_lowercase())
            .collect()
    }}
}}

fn count_{a}(items: &[&dyn {A}{B}]) -> usize {{
    items.iter().map(|item| item.{b}(8).len()).sum()
}}

#[cfg(test)]
mod tests {{
    #[test]
    fn empty() {{ assert_eq!(super::count_{a}(&[]), 0); }}
}}
""",
    """use std::collections::HashMap;

pub fn {a}_{b}(input: &str) -> HashMap<String, usize> {{
    let mut counts = HashMap::new();
    for line in input.lines() {{
        let key = line.trim();
        if key.is_empty() || key.starts_with('#') {{
            continue;
        }}
        *counts.entry(key.to_string()).or_insert(0) += 1;
    }}
    counts
}}

pub fn top_{a}(counts: &HashMap<String, usize>) -> Option<&String> {{
    counts
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(key, _)| key)
}}
""",
]


class Corpus:
    def __init__(self, n, engine, links, sections, seed):
        self.n, self.engine, self.links, self.sections, self.seed = n, engine, links, sections, seed

    def section_of(self, i):
        return i * self.sections // self.n

    def page_path(self, i):
        return "sec%02d/page-%05d" % (self.section_of(i), i)

    def internal_link(self, rng, me):
        target = rng.randrange(self.n)
        if target == me:
            target = (target + 1) % self.n
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))
        if self.links == "plain":
            url = "/%s/" % self.page_path(target)
        elif self.engine in ("folio", "zola"):
            url = "@/%s.md" % self.page_path(target)
        else:
            url = '{{< relref "/%s.md" >}}' % self.page_path(target)
        return "[%s](%s)" % (text, url)

    def sentence(self, rng, me):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
        roll = rng.random()
        spot = rng.randrange(1, len(words))
        if roll < 0.15:
            words[spot] = "**%s %s**" % (words[spot], rng.choice(WORDS))
        elif roll < 0.3:
            words[spot] = "*%s*" % words[spot]
        elif roll < 0.42:
            words[spot] = "`%s_%s()`" % (words[spot], rng.choice(WORDS))
        elif roll < 0.5:
            words[spot] = self.internal_link(rng, me)
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def paragraph(self, rng, me):
        return " ".join(self.sentence(rng, me) for _ in range(rng.randint(3, 6)))

    def bullet_list(self, rng, me):
        items = []
        for _ in range(rng.randint(4, 8)):
            if rng.random() < 0.5:
                link = self.internal_link(rng, me)
            else:
                w = rng.choice(WORDS)
                link = "[%s docs](https://example.org/docs/%s)" % (w, w)
            items.append("- %s: %s %s." % (link, rng.choice(ADJECTIVES), " ".join(rng.choice(WORDS) for _ in range(5))))
        return "\n".join(items)

    def code_block(self, rng):
        template = rng.choice(RUST_TEMPLATES)
        a, b = rng.sample(WORDS, 2)
        code = template.format(A=a.capitalize(), B=b.capitalize(), a=a, b=b)
        lines = code.rstrip("\n").split("\n")
        while len(lines) < 18:
            lines.append("// %s %s" % (rng.choice(WORDS), rng.choice(WORDS)))
        return "```rust\n%s\n```" % "\n".join(lines[:21])

    def heading(self, rng):
        return " ".join(w.capitalize() for w in rng.sample(WORDS, rng.randint(2, 4)))

    def page(self, i):
        rng = random.Random("%d-%d" % (self.seed, i))
        title = "Page %05d: %s" % (i, self.heading(rng))
        date = "20%02d-%02d-%02d" % (20 + i % 5, 1 + i % 12, 1 + i % 28)
        description = "Notes about %s and %s." % (rng.choice(WORDS), rng.choice(WORDS))
        tags = rng.sample(["rust", "design", "deployment", "testing", "data", "network"], 2)
        blocks = [self.paragraph(rng, i), self.paragraph(rng, i)]
        headings = rng.randint(3, 11)
        code_at = rng.randrange(headings)
        for h in range(headings):
            level = "##" if h == 0 or rng.random() < 0.6 else "###"
            blocks.append("%s %s" % (level, self.heading(rng)))
            blocks.append(self.paragraph(rng, i))
            if rng.random() < 0.45:
                blocks.append(self.bullet_list(rng, i))
            if h == code_at:
                blocks.append(self.code_block(rng))
        # Top up to about a thousand words.
        while sum(len(b.split()) for b in blocks) < 950:
            blocks.append(self.paragraph(rng, i))
        tag_list = "[%s]" % ", ".join('"%s"' % t for t in tags)
        front = ["---", 'title: "%s"' % title, "date: %s" % date, 'description: "%s"' % description]
        if self.engine == "zola":
            # Zola keeps its own keys apart from the ones a theme adds.
            front += ["taxonomies:", "  tags: %s" % tag_list, "extra:", "  toc: true"]
        else:
            front += ["toc: true", "tags: %s" % tag_list]
        front += ["---", ""]
        return "\n".join(front) + "\n\n".join(blocks) + "\n"

    def write(self, out, stamp_text):
        stamp = os.path.join(out, ".corpus-stamp")
        if os.path.exists(stamp):
            with open(stamp, encoding="utf-8") as f:
                if f.read() == stamp_text:
                    return
        if os.path.exists(out):
            shutil.rmtree(out)
        content = os.path.join(out, "content")
        write(os.path.join(content, "_index.md"), '---\ntitle: "Home"\n---\n')
        # Zola lists a section's pages in the order its front matter asks for.
        sort = "sort_by: date\n" if self.engine == "zola" else ""
        for s in range(self.sections):
            write(os.path.join(content, "sec%02d" % s, "_index.md"), '---\ntitle: "Section %02d"\n%s---\n' % (s, sort))
        for i in range(self.n):
            write(os.path.join(content, self.page_path(i) + ".md"), self.page(i))
        if self.engine == "folio":
            write(os.path.join(out, "site.yaml"), "title: Bench site\nbase_url: https://example.com/\n")
        elif self.engine == "hugo":
            write(os.path.join(out, "hugo.toml"), HUGO_CONFIG)
            write(os.path.join(out, "hugo-nohl.toml"), HUGO_CONFIG + HUGO_NO_HIGHLIGHT)
            for name, text in HUGO_LAYOUTS.items():
                write(os.path.join(out, "layouts", "_default", name), text)
        else:
            write(os.path.join(out, "config.toml"), ZOLA_CONFIG + ZOLA_HIGHLIGHT)
            write(os.path.join(out, "config-nohl.toml"), ZOLA_CONFIG)
            for name, text in ZOLA_TEMPLATES.items():
                write(os.path.join(out, "templates", name), text)
        write(stamp, stamp_text)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


HUGO_CONFIG = """baseURL = "https://example.com/"
title = "Bench site"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]

[markup.tableOfContents]
startLevel = 2
endLevel = 3

[markup.highlight]
noClasses = false
"""

# Continues the [markup.highlight] table HUGO_CONFIG ends with.
HUGO_NO_HIGHLIGHT = """codeFences = false
"""

HUGO_LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ site.Title }}{{ end }}"></head>
<body><header><a href="/">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ site.Title }}</footer></body></html>
""",
    "single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2006-01-02" }}</time> {{ range .Params.tags }}<span>{{ . }}</span> {{ end }}</p>
{{ if .Params.toc }}<nav>{{ .TableOfContents }}</nav>{{ end }}
{{ .Content }}</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Pages.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }} {{ .Description }}</li>
{{ end }}</ul>{{ end }}
""",
}


ZOLA_CONFIG = """base_url = "https://example.com"
title = "Bench site"
compile_sass = false
build_search_index = false
generate_feeds = false
generate_sitemap = false
generate_robots_txt = false
taxonomies = [{ name = "tags", render = false }]
"""

# Without this table Zola does not highlight.
ZOLA_HIGHLIGHT = """
[markdown.highlighting]
theme = "github-light"
style = "class"
"""

ZOLA_TEMPLATES = {
    "base.html": """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock %}</title>
<meta name="description" content="{% block description %}{{ config.title }}{% endblock %}"></head>
<body><header><a href="/">{{ config.title }}</a></header>
<main>{% block content %}{% endblock %}</main>
<footer>{{ config.title }}</footer></body></html>
""",
    "index.html": """{% extends "base.html" %}{% block content %}<h1>{{ section.title }}</h1><ul>
{% for s in section.subsections %}{% set sub = get_section(path=s, metadata_only=true) %}<li><a href="{{ sub.path }}">{{ sub.title }}</a></li>
{% endfor %}</ul>{% endblock %}
""",
    "section.html": """{% extends "base.html" %}{% block title %}{{ section.title }} · {{ config.title }}{% endblock %}
{% block content %}<h1>{{ section.title }}</h1><ul>
{% for p in section.pages %}<li><a href="{{ p.path }}">{{ p.title }}</a> {{ p.date }} {{ p.description }}</li>
{% endfor %}</ul>{% endblock %}
""",
    "page.html": """{% extends "base.html" %}{% block title %}{{ page.title }} · {{ config.title }}{% endblock %}
{% block description %}{{ page.description }}{% endblock %}
{% block content %}<article><h1>{{ page.title }}</h1>
<p><time>{{ page.date }}</time> {% for t in page.taxonomies.tags %}<span>{{ t }}</span> {% endfor %}</p>
{% if page.extra.toc %}<nav><ul>
{% for h in page.toc %}<li><a href="#{{ h.id }}">{{ h.title }}</a>{% if h.children %}<ul>{% for c in h.children %}<li><a href="#{{ c.id }}">{{ c.title }}</a></li>{% endfor %}</ul>{% endif %}</li>
{% endfor %}</ul></nav>{% endif %}
{{ page.content | safe }}</article>{% endblock %}
""",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("engine", choices=["folio", "hugo", "zola"])
    parser.add_argument("outdir")
    parser.add_argument("--links", choices=["plain", "native"], default="plain")
    parser.add_argument("--sections", type=int, default=20)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    with open(__file__, "rb") as f:
        generator = hashlib.sha256(f.read()).hexdigest()
    stamp = "%d %s %s %d %d %s\n" % (args.n, args.engine, args.links, args.sections, args.seed, generator)
    Corpus(args.n, args.engine, args.links, args.sections, args.seed).write(args.outdir, stamp)


if __name__ == "__main__":
    main()
