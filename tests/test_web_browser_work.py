"""Browser tests in real headless Chromium for the department's work (issue 18): a lawyer
generates and downloads a contract; the archivist uploads three files (two chosen, one dropped
on the drop zone); the whole loan: a lawyer requests, the head approves, the archivist checks it
out with the confidentiality acknowledgement, the lawyer reads the document, it is returned.
Screenshots of each page go to the test's tmp_path (web-screenshots/)."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.test_web_browser import (
    PASSWORD,
    click_and_wait,
    free_port,
    new_browser,
    shot,
    sign_in,
)

uvicorn = pytest.importorskip("uvicorn")

from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from archivist.core import accounts  # noqa: E402
from archivist.filing import service as filing  # noqa: E402
from archivist.web.app import create_app  # noqa: E402


@pytest.fixture
def server(home_dir: Path, ctx: Any, make_client: Any, make_matter: Any) -> Any:
    client = make_client("陳大文", id_number="A123456789", address="臺北市中正區重慶南路一段1號")
    matter = make_matter(client, lawyers=["lin"])
    doc = filing.file_bytes(
        ctx,
        client.number,
        "case",
        "民事起訴狀：被告未依約交付貨物，構成違約，請求違約金新臺幣十萬元。".encode(),
        "起訴狀.txt",
    )
    for user in ("lin", "zhao", "head2", "mei"):
        accounts.set_password(ctx, user, PASSWORD, must_change=False)
    app = create_app(home_dir)
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield {
        "url": f"http://127.0.0.1:{port}",
        "client": client.number,
        "matter": matter,
        "doc": doc.number,
        "ctx": ctx,
    }
    srv.should_exit = True
    thread.join(5)
    app.state.base.close()


@pytest.fixture
def browser() -> Any:
    driver = new_browser()
    yield driver
    driver.quit()


def wait_for_file(folder: Path, suffix: str) -> Path:
    """The downloaded file, once Chromium has finished writing it."""

    def done(_: Any) -> Path | bool:
        found = [p for p in folder.glob(f"*{suffix}") if p.stat().st_size]
        return found[0] if found and not list(folder.glob("*.crdownload")) else False

    try:
        return WebDriverWait(None, 30, poll_frequency=0.2).until(done)  # type: ignore[no-any-return]
    except TimeoutException:
        raise AssertionError(f"nothing downloaded into {folder}") from None


def test_lawyer_generates_and_downloads_a_contract(
    server: Any, browser: Any, tmp_path: Path
) -> None:
    shots = tmp_path / "web-screenshots"
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    url = server["url"]
    sign_in(browser, url, "lin")
    browser.get(url + "/generate")
    browser.find_element(By.ID, "gen-matter").send_keys(server["matter"])
    Select(browser.find_element(By.ID, "gen-template")).select_by_value("service-contract")
    click_and_wait(browser, By.ID, "gen-choose")
    form = browser.find_element(By.ID, "gen-form")
    assert "委託事項的內容和範圍 *" in form.text  # required fields are marked
    for name, value in (
        ("scope", "代理一審訴訟，包括起草訴狀、出庭"),
        ("payment_method", "銀行轉賬"),
        ("dispute_venue", "臺灣臺北地方法院"),
        ("fee_amount", "50000"),
    ):
        browser.find_element(By.ID, f"f-{name}").send_keys(value)
    browser.find_element(By.ID, "f-stages").send_keys("一審\n二審")
    Select(browser.find_element(By.ID, "f-authority")).select_by_value("general")
    Select(browser.find_element(By.ID, "f-fee_type")).select_by_value("fixed")
    rows = browser.find_elements(By.CSS_SELECTOR, "fieldset[data-list='fee_stages'] tbody tr")
    browser.find_element(By.CSS_SELECTOR, "fieldset[data-list='fee_stages'] .add-row").click()
    grown = browser.find_elements(By.CSS_SELECTOR, "fieldset[data-list='fee_stages'] tbody tr")
    assert len(grown) == len(rows) + 1  # the list is editable
    assert (
        grown[-1]
        .find_element(By.TAG_NAME, "input")
        .get_attribute("name")
        .startswith(f"fee_stages[{len(rows)}].")
    )
    shot(browser, shots, "generate-form")
    click_and_wait(browser, By.ID, "gen-submit")
    assert "已產生並歸檔" in browser.find_element(By.ID, "gen-result").text
    shot(browser, shots, "generate-done")
    browser.find_element(By.ID, "download-docx").click()
    docx = wait_for_file(downloads, ".docx")
    xml = zipfile.ZipFile(io.BytesIO(docx.read_bytes())).read("word/document.xml").decode()
    assert "臺灣臺北地方法院" in xml and "陳大文" in xml


def test_archivist_uploads_three_files(server: Any, browser: Any, tmp_path: Path) -> None:
    shots = tmp_path / "web-screenshots"
    url = server["url"]
    files = tmp_path / "to-upload"
    files.mkdir()
    first = files / "委任狀.txt"
    first.write_text("委任狀：茲委任林志明律師為訴訟代理人。", encoding="utf-8")
    second = files / "證物一.txt"
    second.write_text("證物一：買賣合約影本，約定交貨日期。", encoding="utf-8")
    sign_in(browser, url, "mei")
    click_and_wait(browser, By.ID, "nav-filing")
    browser.find_element(By.ID, "filing-client").send_keys(server["client"])
    Select(browser.find_element(By.ID, "filing-section")).select_by_value("case")
    browser.find_element(By.ID, "filing-matter").send_keys(server["matter"])
    browser.find_element(By.ID, "filing-files").send_keys(f"{first}\n{second}")
    # the third file is dropped on the drop zone (app.js adds it to the chosen files)
    browser.execute_script(
        """
        const data = new DataTransfer();
        data.items.add(new File(["答辯狀：被告否認違約。"], "答辯狀.txt", {type: "text/plain"}));
        const drop = new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true});
        document.getElementById("dropzone").dispatchEvent(drop);
        """
    )
    chosen = browser.find_element(By.ID, "chosen").text
    assert "委任狀.txt" in chosen and "證物一.txt" in chosen and "答辯狀.txt" in chosen
    shot(browser, shots, "filing-chosen")
    click_and_wait(browser, By.ID, "filing-submit")
    table = browser.find_element(By.ID, "filing-results")
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert [r.get_attribute("class") for r in rows] == ["outcome-filed"] * 3
    assert {r.find_elements(By.TAG_NAME, "td")[0].text for r in rows} == {
        "委任狀.txt",
        "證物一.txt",
        "答辯狀.txt",
    }
    shot(browser, shots, "filing-results")
    names = {d.original_name for d in filing.list_documents(server["ctx"], server["client"])}
    assert {"委任狀.txt", "證物一.txt", "答辯狀.txt"} <= names
    # the same files again: refused as duplicates, naming the filed documents
    browser.find_element(By.ID, "filing-files").send_keys(str(first))
    browser.find_element(By.ID, "filing-client").clear()
    browser.find_element(By.ID, "filing-client").send_keys(server["client"])
    click_and_wait(browser, By.ID, "filing-submit")
    row = browser.find_element(By.CSS_SELECTOR, "#filing-results tbody tr")
    assert row.get_attribute("class") == "outcome-skipped" and "重複" in row.text
    shot(browser, shots, "filing-duplicate")


def test_full_loan_flow(server: Any, browser: Any, tmp_path: Path) -> None:
    shots = tmp_path / "web-screenshots"
    url = server["url"]
    doc_url = f"{url}/documents/{server['doc']}"
    sign_in(browser, url, "zhao")  # a lawyer who is not on the client's matters
    browser.get(doc_url)
    assert "找不到" in browser.find_element(By.ID, "error").text
    browser.get(url + "/loans")
    browser.find_element(By.ID, "loan-client").send_keys(server["client"])
    browser.find_element(By.ID, "loan-purpose").send_keys("研究類似案件")
    click_and_wait(browser, By.ID, "loan-submit")
    number = browser.current_url.split("#")[1]
    assert "待核准" in browser.find_element(By.ID, number).text

    sign_in(browser, url, "head2")
    row = browser.find_element(By.ID, number)
    click_and_wait(browser, By.CSS_SELECTOR, "button.approve", within=row)
    assert "已核准" in browser.find_element(By.ID, number).text

    sign_in(browser, url, "mei")
    browser.get(url + "/loans")
    row = browser.find_element(By.ID, number)
    assert "已知悉保密義務" in row.text
    row.find_element(By.CSS_SELECTOR, "input[name='ack']").click()
    shot(browser, shots, "loan-checkout")
    click_and_wait(browser, By.CSS_SELECTOR, "button.checkout", within=row)
    assert "借出中" in browser.find_element(By.ID, number).text

    sign_in(browser, url, "zhao")
    browser.get(url + "/")
    assert number in browser.find_element(By.ID, number).text  # on my work: to return
    browser.get(doc_url)
    assert "十萬元" in browser.find_element(By.ID, "doc-text").text
    shot(browser, shots, "loan-reading")

    sign_in(browser, url, "mei")
    browser.get(url + "/loans")
    row = browser.find_element(By.ID, number)
    click_and_wait(browser, By.CSS_SELECTOR, "button.return", within=row)
    assert "已歸還" in browser.find_element(By.ID, number).text
    shot(browser, shots, "loan-returned")

    sign_in(browser, url, "zhao")
    browser.get(doc_url)
    assert "找不到" in browser.find_element(By.ID, "error").text  # access ended with the return


def test_screenshots_of_complaint_users_and_report_pages(
    server: Any, browser: Any, tmp_path: Path
) -> None:
    shots = tmp_path / "web-screenshots"
    url = server["url"]
    sign_in(browser, url, "mei")
    browser.get(url + "/complaints")
    browser.find_element(By.ID, "c-client").send_keys(server["client"])
    Select(browser.find_element(By.ID, "c-channel")).select_by_value("phone")
    browser.find_element(By.ID, "c-content").send_keys("律師未按時回電")
    shot(browser, shots, "complaints")
    click_and_wait(browser, By.ID, "c-submit")
    assert "已收件" in browser.find_element(By.ID, "complaint-status").text
    shot(browser, shots, "complaint")
    browser.get(url + "/users")
    assert "林志明" in browser.find_element(By.ID, "users").text
    shot(browser, shots, "users")
    browser.get(url + "/reports")
    assert "/reports/complaints.csv?" in browser.find_element(By.ID, "report-csv").get_attribute(
        "href"
    )
    shot(browser, shots, "reports")
