"""Fixture pages of every kind the extension decorates, built from corpus papers (docs/reference.md structures).

The markup follows the real pages' structure: Hugging Face `[data-target="DailyPapers"][data-props]` JSON plus
`article > h3 > a[href^="/papers/"]` cards; arXiv `dl#articles` dt/dd listings, `citation_*` meta tags on abs
pages, LaTeXML markup on /html pages.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any


def _authors(paper: dict[str, Any]) -> list[str]:
    return [a if isinstance(a, str) else a.get("name", "") for a in paper.get("authors", [])]


def _page(title: str, body: str, head: str = "") -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>{head}</head>'
        f"<body>{body}</body></html>"
    )


def hf_card(paper: dict[str, Any]) -> str:
    pid = paper["id"]
    return (
        f'<article class="relative flex flex-col rounded-xl border"><a href="/papers/{pid}"><img alt=""></a>'
        f'<div class="px-6 pb-4"><h3 class="mb-1 text-lg font-semibold"><a href="/papers/{pid}" '
        f'class="line-clamp-3">{escape(paper["title"])}</a></h3><div>7 upvotes</div></div></article>'
    )


def hf_daily(papers: list[dict[str, Any]], with_json: bool = True) -> str:
    entries = [
        {
            "paper": {
                "id": p["id"],
                "title": p["title"],
                "summary": p["abstract"],
                "upvotes": 7,
                "authors": [{"name": name} for name in _authors(p)],
                "publishedAt": "2024-03-19T17:47:37.000Z",
                "githubRepo": f"https://github.com/example/{p['id']}",
            },
            "title": p["title"],
            "summary": p["abstract"],
            "submittedBy": {"fullname": "AK", "user": "akhaliq"},
        }
        for p in papers
    ]
    props = escape(json.dumps({"dailyPapers": entries}), quote=True)
    data = f' data-target="DailyPapers" data-props="{props}"' if with_json else ""
    cards = "".join(hf_card(p) for p in papers)
    return _page(
        "Daily Papers - Hugging Face",
        f'<main><div class="SVELTE_HYDRATER contents"{data}><section><h1>Daily Papers</h1>'
        f'<div class="grid">{cards}</div></section></div></main>',
    )


def hf_paper(paper: dict[str, Any]) -> str:
    props = escape(
        json.dumps(
            {
                "paper": {
                    "id": paper["id"],
                    "title": paper["title"],
                    "summary": paper["abstract"],
                    "authors": [{"name": n} for n in _authors(paper)],
                }
            }
        ),
        quote=True,
    )
    return _page(
        f"Paper page - {paper['title']}",
        f'<main><div data-target="PaperContent" data-props="{props}"><section><h1>{escape(paper["title"])}'
        f"</h1><p>{escape(paper['abstract'])}</p></section></div></main>",
    )


def arxiv_listing(papers: list[dict[str, Any]]) -> str:
    items = []
    for n, p in enumerate(papers, 1):
        authors = ", ".join(f'<a href="/a/x_{k}">{escape(name)}</a>' for k, name in enumerate(_authors(p)))
        items.append(
            f'<dt><a name="item{n}">[{n}]</a> <a href ="/abs/{p["id"]}" title="Abstract" id="{p["id"]}">'
            f'arXiv:{p["id"]}</a> [<a href="/pdf/{p["id"]}" title="Download PDF">pdf</a>]</dt>'
            f"<dd><div class='meta'><div class='list-title mathjax'><span class='descriptor'>Title:</span> "
            f"{escape(p['title'])}</div><div class='list-authors'>{authors}</div>"
            f"<div class='list-subjects'><span class='descriptor'>Subjects:</span> "
            f'<span class="primary-subject">Robotics (cs.RO)</span></div>'
            f"<p class='mathjax'>{escape(p['abstract'])}</p></div></dd>"
        )
    return _page(
        "Robotics new",
        f"<div id='dlpage'><h1>Robotics</h1><dl id='articles'><h3>New submissions</h3>{''.join(items)}</dl></div>",
    )


def arxiv_abs(paper: dict[str, Any]) -> str:
    metas = [
        ("citation_title", paper["title"]),
        ("citation_arxiv_id", paper["id"]),
        ("citation_abstract", paper["abstract"]),
        ("citation_date", "2024/03/19"),
    ]
    for name in _authors(paper):
        first, _, last = name.rpartition(" ")
        metas.append(("citation_author", f"{last}, {first}" if first else last))
    head = "".join(f'<meta name="{k}" content="{escape(v, quote=True)}" />' for k, v in metas)
    return _page(
        f"[{paper['id']}] {paper['title']}",
        f'<div id="abs"><h1 class="title mathjax"><span class="descriptor">Title:</span>'
        f'{escape(paper["title"])}</h1><blockquote class="abstract mathjax">{escape(paper["abstract"])}'
        f"</blockquote></div>",
        head,
    )


def arxiv_html(paper: dict[str, Any]) -> str:
    people = "".join(
        f'<span class="ltx_creator ltx_role_author"><span class="ltx_personname">{escape(n)}</span></span>'
        for n in _authors(paper)
    )
    return _page(
        paper["title"],
        f'<article class="ltx_document"><h1 class="ltx_title ltx_title_document">{escape(paper["title"])}</h1>'
        f'<div class="ltx_authors">{people}</div><div class="ltx_abstract"><p class="ltx_p">'
        f"{escape(paper['abstract'])}</p></div></article>",
    )


def blog(links: list[tuple[str, str]]) -> str:
    """Any other page (a blog post) linking papers: `[(href, text)]`."""
    items = "".join(f'<li><a href="{escape(href, quote=True)}">{escape(text)}</a></li>' for href, text in links)
    return _page("Reading list", f"<article><h1>Papers I liked this week</h1><ul>{items}</ul></article>")
