"""Rendering Word templates safely with docxtpl.

- Jinja runs in a `SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)`: values are
  XML-escaped (so `& < > " '` and `{{` come out literally), a missing variable is an error, and
  a template cannot reach Python internals (`{{ ''.__class__.__mro__ }}` is refused).
- Quotes that Word "smartens" inside tags (“ ” ‘ ’, and full-width ＂ ＇) are turned back into
  plain quotes before Jinja sees them; so are non-breaking spaces inside tags.
- Every rendered part (body, headers, footers) is checked to be well-formed XML before it is
  saved: docxtpl re-parses in lxml's recovery mode, which would silently drop content.
- Variables are discovered in the body, every header and every footer (and footnotes), from
  the Jinja syntax tree, with loop variables mapped to their lists (`lawyers[].name`)."""

from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from archivist.core import clock
from archivist.core.errors import TemplateError
from archivist.core.i18n import _

# Quote-like characters Word or an input method may put inside {{ }} / {% %}.
_TAG_FIXES = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\uff02": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\uff07": "'",
        "\u00a0": " ",
        "\u3000": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
    }
)
_TAG_RE = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})", re.DOTALL)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
MAX_TEMPLATE_INFLATED = 100 * 1024 * 1024
_XML_TAG_RE = re.compile(r"<[^>]*>")


def environment() -> Any:
    """The one Jinja environment every template renders in (archivist.documents.sandbox)."""
    from archivist.documents.sandbox import environment as sandboxed

    return sandboxed()


_CN = "零一二三四五六七八九"


def small_number(value: Any) -> str:
    """1..99 in Chinese numerals (一式二份); other values unchanged."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return str(value)
    if not 0 <= n < 100:
        return str(n)
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def _template_class() -> type:
    from docxtpl import DocxTemplate
    from lxml import etree

    class SafeDocxTemplate(DocxTemplate):
        """DocxTemplate with tag clean-up and strict well-formedness checks."""

        def patch_xml(self, src_xml: str) -> str:
            return _patched(src_xml)

        def render_xml_part(
            self, src_xml: str, part: Any, context: Any, jinja_env: Any = None
        ) -> str:
            xml = super().render_xml_part(src_xml, part, context, jinja_env)
            try:
                etree.fromstring(xml.encode("utf-8"))
            except etree.XMLSyntaxError as exc:
                raise TemplateError(
                    _("the rendered document is not valid Word XML ({msg})").format(msg=exc.msg),
                    _(
                        "A tag in the template splits a Word element; retype the {{ }} tags in one go, without formatting changes inside them."
                    ),
                ) from None
            return xml

    return SafeDocxTemplate


@lru_cache(maxsize=1)
def _cls() -> type:
    return _template_class()


@lru_cache(maxsize=256)
def _patched(src_xml: str) -> str:
    """docxtpl's clean-up of the part's XML, then quotes and spaces inside tags made plain."""
    from docxtpl import DocxTemplate
    from jinja2.exceptions import SecurityError

    from archivist.documents.sandbox import refuse_raw_markup

    try:  # raw tags are looked for in the text as Word shows it (a tag may span runs)
        refuse_raw_markup(_XML_TAG_RE.sub("", src_xml))
    except SecurityError as exc:
        raise TemplateError(
            _("the template is refused: it uses {exc}").format(exc=exc),
            _("Use a plain {{ value }} tag instead."),
        ) from None
    xml = DocxTemplate.patch_xml(None, src_xml)  # uses no instance state
    return _TAG_RE.sub(lambda m: m.group(0).translate(_TAG_FIXES), xml)


def check_docx(data: bytes, what: str) -> None:
    """Refuse what is not a Word file, or a zip that inflates beyond reason."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError(
            _("{what} is larger than {value} MB").format(
                what=what, value=MAX_TEMPLATE_BYTES // 2**20
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            total = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        raise TemplateError(
            _("{what} is not a .docx file (not a zip archive)").format(what=what),
            _("Save it from Word as 'Word Document (*.docx)'."),
        ) from None
    if "word/document.xml" not in names:
        raise TemplateError(
            _("{what} is not a .docx file (no word/document.xml)").format(what=what),
            _("Save it from Word as 'Word Document (*.docx)'."),
        )
    if total > MAX_TEMPLATE_INFLATED:
        raise TemplateError(
            _("{what} inflates to more than {value} MB").format(
                what=what, value=MAX_TEMPLATE_INFLATED // 2**20
            )
        )


def _jinja_error(exc: Exception, name: str) -> TemplateError:
    from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError

    msg = " ".join(str(exc).split())[:200]
    if isinstance(exc, SecurityError):
        return TemplateError(
            _("template {name!r} tried something the sandbox forbids ({msg})").format(
                name=name, msg=msg
            ),
            _("Templates may only show their fields; remove the offending tag."),
        )
    if isinstance(exc, UndefinedError):
        return TemplateError(
            _("template {name!r} uses a value that was not supplied ({msg})").format(
                name=name, msg=msg
            ),
            _(
                "Declare it in the template's schema; see `archivist template fields {name}`."
            ).format(name=name),
        )
    if isinstance(exc, TemplateSyntaxError):
        near = ""
        ctx = getattr(exc, "docx_context", None)
        if ctx:
            near = " near: " + " ".join("".join(ctx).split())[:120]
        return TemplateError(
            _("template {name!r} has a malformed tag: {msg}{near}").format(
                name=name, msg=msg, near=near
            ),
            _("Open it in Word and fix the {{ }} / {% %} tags."),
        )
    return TemplateError(
        _("template {name!r} could not be rendered: {msg}").format(name=name, msg=msg)
    )


def render_docx(
    source: Path | IO[bytes] | bytes, context: dict[str, Any], name: str = "template"
) -> bytes:
    """Render `source` (a .docx path, bytes or stream) with `context`; returns the .docx bytes.
    `context` must already hold display values (see archivist.documents.schemas)."""
    from jinja2.exceptions import TemplateError as JinjaError

    from archivist.documents.sandbox import RenderLimit, check_values, time_limit

    values = clean_values(context)
    check_values(values)
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        with time_limit():
            tpl = _cls()(source)
            tpl.render(values, jinja_env=environment())
        props = tpl.docx.core_properties
        props.created = props.modified = clock.now()
        props.last_modified_by = "archivist"
        out = io.BytesIO()
        tpl.save(out)
    except TemplateError:
        raise
    except JinjaError as exc:
        raise _jinja_error(exc, name) from None
    except RenderLimit as exc:
        raise TemplateError(
            _("template {name!r} was stopped: {exc}").format(name=name, exc=exc),
            _("Simplify the template's loops and filters."),
        ) from None
    except MemoryError:
        raise TemplateError(
            _("template {name!r} was stopped: it needed too much memory").format(name=name),
            _("Simplify the template's loops and filters."),
        ) from None
    except RecursionError:
        raise TemplateError(
            _("template {name!r} was stopped: it nests too deeply").format(name=name)
        ) from None
    except Exception as exc:  # noqa: BLE001 - a template is untrusted code: any failure is its own
        msg = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise TemplateError(
            _("template {name!r} could not be rendered ({msg})").format(name=name, msg=msg),
            _("Check the template's tags and the values given."),
        ) from None
    return out.getvalue()


def clean_values(value: Any) -> Any:
    """None -> "", CRLF -> LF, control characters XML cannot hold removed (recursively)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _CONTROL_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, dict):
        return {k: clean_values(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_values(v) for v in value]
    return value


# ----------------------------------------------------------------------------- discovery
def template_sources(source: Path | bytes) -> dict[str, str]:
    """The patched XML of every part Jinja will see: body, headers, footers, footnotes."""
    from docx.oxml import parse_xml

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    check_docx(data, "the template")
    try:
        tpl = _cls()(io.BytesIO(data))
        tpl.init_docx()
        docx = tpl.docx
        parts = {"body": tpl.patch_xml(tpl.xml_to_string(docx._element.body))}
        for key, rel in docx._part.rels.items():
            kind = rel.reltype.rsplit("/", 1)[-1]
            if kind in ("header", "footer", "footnotes") and not rel.is_external:
                blob = rel.target_part.blob
                if blob:
                    parts[f"{kind}:{key}"] = tpl.patch_xml(tpl.xml_to_string(parse_xml(blob)))
    except TemplateError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx/lxml raise many kinds on bad files
        raise TemplateError(
            _("the template could not be opened: {split}").format(
                split=" ".join(str(exc).split())[:200]
            ),
            _("Save it from Word as 'Word Document (*.docx)'."),
        ) from None
    return parts


def variables(source: Path | bytes, name: str = "template") -> set[str]:
    """Every variable path the template uses, from body, headers, footers and footnotes:
    `client.name`, `lawyers[].licence_number`, `stages[]`, `fee_type`."""
    from jinja2.exceptions import TemplateSyntaxError

    from archivist.documents.discover import paths_in

    env = environment()
    found: set[str] = set()
    for part, xml in template_sources(source).items():
        try:
            tree = env.parse(xml)
        except TemplateSyntaxError as exc:
            raise TemplateError(
                _(
                    "template {name!r} has a malformed tag in the {split}: {message} (line {lineno} of the part)"
                ).format(
                    name=name, split=part.split(":")[0], message=exc.message, lineno=exc.lineno
                ),
                _("Open it in Word and fix the {{ }} / {% %} tags."),
            ) from None
        found |= paths_in(tree)
    return found


@lru_cache(maxsize=128)
def _unguarded(path: str, version: str) -> frozenset[str]:
    from archivist.documents.discover import shown_unguarded

    env = environment()
    found: set[str] = set()
    for xml in template_sources(Path(path)).values():
        found |= shown_unguarded(env.parse(xml))
    return frozenset(found)


def unguarded_paths(source: Path, version: str) -> frozenset[str]:
    """The paths a template shows without an `if` around them (cached per version)."""
    return _unguarded(str(source), version)
