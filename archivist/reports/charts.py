"""Charts as PNG bytes for .docx reports. matplotlib is imported inside the functions, with the
Agg backend (no display). Chinese labels are used only when a CJK font is installed (e.g.
fonts-noto-cjk); otherwise the caller's ASCII labels, so a chart never shows empty boxes.

The font is found at run time: matplotlib's font cache can predate a font installed since (the
charts then silently lost their Chinese), so when the cache knows no CJK font but the system
has one, the cache is rebuilt once (`NOTES` says so); `font_note()` tells the user when no
CJK font exists at all."""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

CJK_FAMILIES = (
    "Noto Sans CJK TC",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK TC",
    "Source Han Sans TW",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "AR PL UMing TW",
    "Microsoft JhengHei",
    "PingFang TC",
)


# file names of fonts that draw Chinese (the system's, before matplotlib knows them)
CJK_FILES = ("cjk", "wqy", "uming", "ukai", "sourcehan", "notosanstc", "notoseriftc", "msjh")
NOTES: list[str] = []  # what finding the font did (a rebuilt cache), for the front end to say


def _pick(names: set[str]) -> str | None:
    for family in CJK_FAMILIES:
        if family in names:
            return family
    for name in sorted(names):
        if "CJK" in name or "Hei" in name or "Ming" in name:
            return name
    return None


def _unknown_cjk_files(font_manager: Any) -> list[str]:
    """CJK font files on the system that matplotlib's font cache does not list."""
    known = {f.fname for f in font_manager.fontManager.ttflist}
    try:
        found = font_manager.findSystemFonts()
    except (OSError, RuntimeError):
        return []
    return [
        p
        for p in found
        if p not in known and any(k in p.lower().replace("-", "") for k in CJK_FILES)
    ]


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed font that draws Chinese, or None. A stale matplotlib
    font cache (a CJK font installed after it was built) is rebuilt once."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    found = _pick({f.name for f in font_manager.fontManager.ttflist})
    if found is None and _unknown_cjk_files(font_manager):
        from archivist.core.i18n import _

        fresh = font_manager._load_fontmanager(try_read_cache=False)  # type: ignore[attr-defined]
        font_manager.fontManager = fresh
        found = _pick({f.name for f in fresh.ttflist})
        NOTES.append(
            _("matplotlib's font cache did not know the CJK fonts installed since; rebuilt it")
        )
    return found


def font_note() -> str | None:
    """What a Chinese reader should be told about the charts' font, or None."""
    from archivist.core.i18n import _, is_chinese

    if cjk_font() is None and is_chinese():
        return _(
            "no CJK font is installed: the charts are labelled in English "
            "(install fonts-noto-cjk to have them in Chinese)"
        )
    return None


def label(key: str, zh: dict[str, str] | None, english: dict[str, str] | None = None) -> str:
    """The Chinese label when a CJK font is available, else an ASCII one."""
    if zh and key in zh and cjk_font():
        return zh[key]
    text = (english or {}).get(key, key)
    if cjk_font() is None and not text.isascii():
        return text.encode("ascii", "replace").decode("ascii")
    return text


def bar_chart(
    values: dict[str, int], title: str, *, horizontal: bool = True, xlabel: str = ""
) -> bytes:
    """A bar chart of counts as PNG bytes. Labels and title must already be chosen with
    `label()` (Chinese only when a CJK font exists)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    font = cjk_font()
    rc: dict[str, Any] = {
        "font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
        "axes.unicode_minus": False,
    }
    with matplotlib.rc_context(rc):  # type: ignore[arg-type]
        names = list(values.keys()) or ["-"]
        counts = list(values.values()) or [0]
        height = max(2.4, 0.45 * len(names) + 1.2) if horizontal else 3.6
        fig, ax = plt.subplots(figsize=(6.4, height), dpi=120)
        try:
            if horizontal:
                pos = list(range(len(names)))[::-1]
                ax.barh(pos, counts, color="#4472C4")
                ax.set_yticks(pos, names)
                for p, c in zip(pos, counts, strict=True):
                    ax.text(c, p, f" {c}", va="center")
                ax.set_xlabel(xlabel)
            else:
                ax.bar(names, counts, color="#4472C4")
                ax.set_ylabel(xlabel)
            (ax.xaxis if horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
            ax.set_title(title)
            ax.spines[["top", "right"]].set_visible(False)
            fig.tight_layout()
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
        finally:
            plt.close(fig)
    return buf.getvalue()
