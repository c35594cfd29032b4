"""A parcel's lineage as a small SVG diagram, drawn on the server: the parcels it came from (a
split's one parent, or the merged ones), the parcel itself, and those it became. Every other parcel
is a link to its own page. The drawing uses presentation attributes only (the pages' policy allows
no inline style) and carries its meaning in words too: a title and a description that screen
readers announce, in the page's language."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from grootboek.chaincode.registry.domain.parcel import Parcel

WIDTH = 640
BOX = (176, 48)
COLUMNS = (8, 232, 456)
"""x of the boxes: where it came from, itself, what it became."""
ROW = 64
INK, ACCENT, PAPER, LINE = "#1a1a1a", "#0b5394", "#ffffff", "#767676"


def describe(parcel: Parcel, messages: Mapping[str, str]) -> str:
    """The diagram in one or two sentences."""
    said = []
    if len(parcel.parents) == 1:
        said.append(messages["lineage.split_from"].format(id=parcel.id, parents=parcel.parents[0]))
    elif parcel.parents:
        said.append(messages["lineage.merged_from"].format(id=parcel.id, parents=", ".join(parcel.parents)))
    else:
        said.append(messages["lineage.first"].format(id=parcel.id))
    if len(parcel.children) == 1:
        said.append(messages["lineage.merged_into"].format(children=parcel.children[0]))
    elif parcel.children:
        said.append(messages["lineage.split_into"].format(children=", ".join(parcel.children)))
    return " ".join(said)


def render(parcel: Parcel, messages: Mapping[str, str]) -> str:
    rows = max(len(parcel.parents), len(parcel.children), 1)
    height = rows * ROW
    middle = height / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="group" aria-labelledby="lineage-title" aria-describedby="lineage-desc" '
        f'class="lineage" font-family="system-ui, sans-serif" font-size="15">',
        f'<title id="lineage-title">{escape(messages["lineage.title"].format(id=parcel.id))}</title>',
        f'<desc id="lineage-desc">{escape(describe(parcel, messages))}</desc>',
        f'<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
        f'orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="{INK}"/></marker></defs>',
    ]
    own = _box(COLUMNS[1], middle, parcel.id, None)
    status = messages[f"lineage.status.{parcel.status.value}"]
    parts.append(own + f'<text x="{COLUMNS[1] + BOX[0] / 2}" y="{middle + 16}" text-anchor="middle" '
                       f'font-size="13" fill="{PAPER}">{escape(status)}</text>')
    for side, ids in ((0, parcel.parents), (2, parcel.children)):
        for y in _centres(ids, height):
            left, right = (COLUMNS[0] + BOX[0], COLUMNS[1]) if side == 0 else (COLUMNS[1] + BOX[0], COLUMNS[2])
            start, end = (y, middle) if side == 0 else (middle, y)
            parts.append(f'<line x1="{left}" y1="{start}" x2="{right - 2}" y2="{end}" stroke="{INK}" '
                         f'stroke-width="2" marker-end="url(#arrow)"/>')
        for parcel_id, y in zip(ids, _centres(ids, height)):
            parts.append(_box(COLUMNS[side], y, parcel_id, f"#/parcels/{quote(parcel_id, safe='')}"))
    parts.append("</svg>")
    return "\n".join(parts)


def _centres(ids: Sequence[str], height: float) -> list[float]:
    top = (height - len(ids) * ROW) / 2
    return [top + ROW * (i + 0.5) for i in range(len(ids))]


def _box(x: float, centre: float, parcel_id: str, link: str | None) -> str:
    """The parcel itself (`link` None) filled dark; another parcel as a link to its page."""
    width, height = BOX
    top = centre - height / 2
    if link is None:
        return (f'<rect x="{x}" y="{top}" width="{width}" height="{height}" rx="4" fill="{ACCENT}"/>'
                f'<text x="{x + width / 2}" y="{centre - 2}" text-anchor="middle" font-weight="700" '
                f'fill="{PAPER}">{escape(parcel_id)}</text>')
    return (f'<a href={quoteattr(link)}><rect x="{x}" y="{top}" width="{width}" height="{height}" rx="4" '
            f'fill="{PAPER}" stroke="{LINE}" stroke-width="2"/>'
            f'<text x="{x + width / 2}" y="{centre + 5}" text-anchor="middle" fill="{ACCENT}" '
            f'text-decoration="underline">{escape(parcel_id)}</text></a>')

