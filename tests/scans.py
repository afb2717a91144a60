"""Scanned pages made in the test: text rendered with a CJK font into an image at 300 dpi."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
A4 = (2480, 3508)  # 300 dpi

TRAD = [
    "本律師事務所受理委託人陳大文之訴訟案件",
    "合同糾紛案件已經提交法院審理",
    "委託人應當按照約定支付律師費用",
    "本合同自雙方簽字之日起生效",
]
SIMP = [
    "本律师事务所受理委托人王小明的仲裁案件",
    "仲裁委员会已经受理该劳动争议",
    "委托人应当按时提供证据材料",
    "本协议一式两份双方各执一份",
]
ENG = ["Contract dispute accepted by the firm", "Settlement agreement signed in Taipei"]


def need_ocr() -> None:
    missing = [t for t in ("ocrmypdf", "tesseract") if shutil.which(t) is None]
    if missing:
        pytest.skip(
            f"OCR tests need {', '.join(missing)} (Debian packages ocrmypdf, "
            "tesseract-ocr-chi-tra, tesseract-ocr-chi-sim)"
        )
    if not FONT.is_file():
        pytest.skip(f"OCR tests render pages with {FONT} (Debian package fonts-noto-cjk)")


def page(lines: list[str], size: tuple[int, int] = A4, font_px: int = 50) -> Any:
    """A white 300 dpi page (Pillow image, grey) with the lines in black."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), font_px, index=2)
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    y = 250
    for line in lines:
        draw.text((200, y), line, font=font, fill=0)
        y += int(font_px * 2.2)
    return img


def image_pdf(path: Path, *pages: Any) -> Path:
    """An image-only PDF (no text layer) of the pages."""
    first, *rest = pages
    first.save(path, "PDF", resolution=300, save_all=True, append_images=rest)
    return path
