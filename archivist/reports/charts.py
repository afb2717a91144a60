"""Charts as PNG bytes for .docx reports. matplotlib is imported inside the functions, with the
Agg backend (no display). Chinese labels are used only when a CJK font is installed (e.g.
fonts-noto-cjk); otherwise the caller's ASCII labels, so a chart never shows empty boxes."""

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


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed font that draws Chinese, or None."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            return family
    for name in sorted(names):
        if "CJK" in name or "Hei" in name or "Ming" in name:
            return name
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
