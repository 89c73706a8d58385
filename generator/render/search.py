"""The search page: Pagefind's interface over the index that the build writes after every page is done.

Pagefind splits its index into small pieces that a browser fetches only for the words searched,
so a visitor who does not search downloads nothing of it, however large the register grows. The
header of every page sends its query here (`?q=`); without JavaScript the page says where else to look.
"""

from __future__ import annotations

from generator.paths import SEARCH_BUNDLE, SEARCH_PAGE, root_from
from generator.render.page import Page


def page() -> Page:
    """The search page, kept out of its own index."""
    root = root_from(SEARCH_PAGE)
    bundle = root + SEARCH_BUNDLE
    return Page(
        title="Search",
        description="Search the datasets of the register and its documentation.",
        search_exclude=True,
        head=(f'<link rel="stylesheet" href="{bundle}pagefind-ui.css">\n'
              f'<script src="{bundle}pagefind-ui.js"></script>'),
        body=('<h1>Search</h1>\n'
              f'<div id="dr-search" data-bundle="{bundle}" data-root="{root}"></div>\n'
              f'<noscript><p>Search needs JavaScript. Without it, the <a href="{root}">list of datasets</a> '
              'shows every dataset, and each dataset\'s page is at its DOI.</p></noscript>\n'),
    )
