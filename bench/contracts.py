"""Contract generation: renders per second and a 200-contract batch, beside raw docxtpl.

- Reference: `DocxTemplate(template).render(context, jinja_env, autoescape=True)` + save to
  memory, with the same template, the same (already display-formatted) context and a plain
  Jinja environment holding the project's filters (no sandbox, no strict undefined, no tag
  clean-up, no XML check).
- Ours, per render: `archivist.documents.render_to_bytes(ctx, "service-contract", data)` when it
  exists (validation + ledger values + hardened rendering), else the hardened renderer
  `archivist.documents.render.render_docx(template, context)` alone.
- Ours, batch: `archivist contract batch --csv` (CLI, filing included) when it exists, else
  200 renders in one process."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from bench.common import Section, archivist_argv, median, run_measured, timed
from bench.homes import BenchHome

TEMPLATE = "service-contract"


def sample_data(i: int = 0) -> dict[str, Any]:
    """A complete 法律服務合同 data set (staged fees, special authority: the longest form)."""
    return {
        "firm": {
            "name": "陳林聯合律師事務所",
            "address": "上海市浦東新區世紀大道100號20樓",
            "phone": "021-5888 8888",
            "email": "office@chenlin.example",
        },
        "client": {
            "number": f"C{i + 1:04d}",
            "name": f"上海宏遠貿易有限公司{i}",
            "address": "上海市黃浦區南京東路1號",
            "kind": "法人",
            "id_label": "統一社會信用代碼",
            "id_number": "91310101MA1FP0XXXX",
            "phone": "021-6321 0000",
            "representative": "陳大文",
        },
        "matter": {"number": f"2026-MS-{i + 1:04d}", "title": "買賣合同糾紛", "type": "民事"},
        "lawyers": [
            {"name": "林志明", "licence_number": "13101200910123456"},
            {"name": "趙小雲", "licence_number": "13101201510654321"},
        ],
        "scope": "代理委託人與上海某某實業有限公司買賣合同糾紛一案的一審、二審及執行程序，"
        "包括起草訴狀、收集證據、出庭應訴、參與調解及申請強制執行。",
        "stages": ["一審", "二審", "執行"],
        "authority": "special",
        "authority_items": [
            "代為承認、放棄、變更訴訟請求",
            "代為進行和解、調解",
            "代為提起反訴或上訴",
            "代為簽收法律文書",
        ],
        "fee_type": "staged",
        "fee_stages": [
            {"stage": "一審", "amount": "50,000", "due": "本合同簽訂之日起七日內"},
            {"stage": "二審", "amount": "30000", "due": "上訴提起之日起七日內"},
            {"stage": "執行", "amount": "20000.50", "due": "申請執行之日起七日內"},
        ],
        "payment_method": "銀行轉賬至本所賬戶",
        "dispute_venue": "上海市浦東新區人民法院",
        "sign_date": "2026-03-02",
        "sign_place": "上海",
    }


def _find_template() -> Path | None:
    root = Path(__file__).resolve().parents[1] / "contract_templates"
    for name in (f"{TEMPLATE}.docx", "service_contract.docx", "法律服務合同.docx"):
        if (root / name).is_file():
            return root / name
    return None


def display_context(data: dict[str, Any]) -> dict[str, Any] | None:
    try:
        from archivist.documents.schemas import ServiceContract
    except Exception:  # noqa: BLE001
        return None
    model = ServiceContract.model_validate(data)
    return dict(model.model_dump(mode="json", context={"display": True}))


_RAW_ENV: list[Any] = []


def raw_env() -> Any:
    """A plain Jinja environment (autoescape on, no sandbox, no strict undefined) with the
    project's filters, which the shipped templates use."""
    if not _RAW_ENV:
        import jinja2

        env = jinja2.Environment(autoescape=True)
        try:
            from archivist.documents.render import environment

            env.filters.update(environment().filters)
        except Exception:  # noqa: BLE001,S110
            pass
        _RAW_ENV.append(env)
    return _RAW_ENV[0]


def raw_render(template: Path, context: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(template))
    tpl.render(context, jinja_env=raw_env(), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _render_to_bytes() -> Any | None:
    try:
        import archivist.documents as docs
    except Exception:  # noqa: BLE001
        return None
    fn = getattr(docs, "render_to_bytes", None)
    if fn is None:
        try:
            from archivist.documents import generate as gen
        except Exception:  # noqa: BLE001
            return None
        fn = getattr(gen, "render_to_bytes", None)
    return fn


def run(sec: Section, work: Path, renders: int, batch: int, home: BenchHome | None) -> None:
    template = _find_template()
    context = display_context(sample_data())
    if template is None or context is None:
        sec.skip(
            "no shipped service-contract template yet (contract_templates/)"
            if template is None
            else "archivist.documents.schemas is not available"
        )
        return
    template_bytes = template.read_bytes()
    try:
        raw_render(template, context)
    except Exception as exc:  # noqa: BLE001
        sec.skip(f"raw docxtpl could not render the shipped template: {exc!s:.200}")
        return
    ours_fn = None
    label = ""
    fn = _render_to_bytes()
    ctx = None
    if fn is not None and home is not None:
        from archivist.core.context import open_context

        ctx = open_context(home.root, "mei")
        data = sample_data()
        try:
            fn(ctx, TEMPLATE, data)
            ours_fn = lambda: fn(ctx, TEMPLATE, data)  # noqa: E731
            label = "render_to_bytes (validate + render)"
        except Exception as exc:  # noqa: BLE001
            sec.note(
                f"render_to_bytes failed on the bench data ({exc!s:.200}); "
                "measuring the hardened renderer alone"
            )
    if ours_fn is None:
        from archivist.documents.render import render_docx

        ours_fn = lambda: render_docx(template_bytes, context)  # noqa: E731
        label = "hardened render_docx"
    ref: list[float] = []
    ours: list[float] = []
    try:
        for _ in range(3):
            ours_fn()
            raw_render(template, context)
        for _ in range(renders):  # interleaved, so a busy machine hurts both alike
            ref.append(timed(lambda: raw_render(template, context))[0])
            ours.append(timed(ours_fn)[0])
    finally:
        if ctx is not None:
            ctx.close()
    ref_rate = 1 / median(ref)
    sec.row(
        f"contract render ({label})",
        1 / median(ours),
        "renders/s",
        "raw docxtpl",
        ref_rate,
        runs=renders,
        ms_per_render=median(ours) * 1000,
    )
    ref_batch = timed(lambda: [raw_render(template, context) for _ in range(batch)])[0]
    done = _cli_batch(sec, work, batch, home, ref_batch)
    if not done:
        t = timed(lambda: [ours_fn() for _ in range(batch)])[0]
        sec.row(
            f"{batch}-contract batch (in process, {label})",
            t,
            "s",
            f"raw docxtpl x{batch}",
            ref_batch,
        )


def _cli_batch(
    sec: Section, work: Path, batch: int, home: BenchHome | None, ref_batch: float
) -> bool:
    """`archivist contract batch --csv FILE` for `batch` matters, when the command exists."""
    if home is None or not home.matter_numbers:
        return False
    res = run_measured(archivist_argv() + ["contract", "batch", "--help"], env=home.env())
    if res.returncode != 0:
        sec.note("`archivist contract batch` is not available: the batch was measured in process")
        return False
    matters = list(home.matter_numbers.values())
    rows = [matters[i % len(matters)] for i in range(batch)]
    path = work / "contracts.csv"
    base = sample_data()
    flat_keys = ["scope", "authority", "fee_type", "payment_method", "dispute_venue", "sign_date"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["matter", *flat_keys, "stages", "authority_items", "fee_stages"])
        for m in rows:
            w.writerow(
                [
                    m,
                    *[base[k] for k in flat_keys],
                    json.dumps(base["stages"], ensure_ascii=False),
                    json.dumps(base["authority_items"], ensure_ascii=False),
                    json.dumps(base["fee_stages"], ensure_ascii=False),
                ]
            )
    res = run_measured(
        archivist_argv() + ["contract", "batch", "--csv", str(path)], env=home.env(), timeout=3600
    )
    if res.returncode != 0:
        sec.note(
            "`contract batch` failed on the bench CSV: " + (res.stderr or res.stdout).strip()[-300:]
        )
        return False
    sec.row(
        f"{batch}-contract batch (CLI, filed and indexed)",
        res.seconds,
        "s",
        f"raw docxtpl x{batch}",
        ref_batch,
        peak_rss_mb=res.maxrss_mb,
    )
    return True
