"""Browser tests in real headless Chromium (Debian's chromium + chromedriver, with Selenium):
sign in, search in Traditional Chinese, open a hit, request a loan that the head approves.
Screenshots of each page are saved under the test's tmp_path (web-screenshots/)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
    pytest.skip(
        "headless Chromium is not installed here (apt-get install chromium "
        "chromium-driver); browser tests skipped",
        allow_module_level=True,
    )
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
uvicorn = pytest.importorskip("uvicorn")

from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from archivist.core import accounts  # noqa: E402
from archivist.filing import service as filing  # noqa: E402
from archivist.web.app import create_app  # noqa: E402

PASSWORD = "browser secret 1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(home_dir: Path, ctx: Any, make_client: Any, make_matter: Any) -> Any:
    mine = make_client("陳大文")
    make_matter(mine, lawyers=["lin"])
    doc = filing.file_bytes(
        ctx,
        mine.number,
        "case",
        "民事起訴狀：被告未依約交付貨物，構成違約，請求違約金新臺幣十萬元。".encode(),
        "起訴狀.txt",
    )
    for user in ("lin", "head2"):
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
    yield {"url": f"http://127.0.0.1:{port}", "client": mine.number, "doc": doc.number}
    srv.should_exit = True
    thread.join(5)
    app.state.base.close()


@pytest.fixture
def browser() -> Any:
    driver = new_browser()
    yield driver
    driver.quit()


def new_browser() -> Any:
    """Headless Chromium driven by Selenium (the caller quits it)."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--window-size=1280,900",
        "--disable-dev-shm-usage",
    ):
        opts.add_argument(arg)
    return webdriver.Chrome(service=Service(DRIVER), options=opts)


def shot(browser: Any, folder: Path, name: str) -> None:
    folder.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(folder / f"{name}.png"))


def _gone(element: Any) -> bool:
    """True once `element`'s page has been replaced. Chromium answers a question about a node of
    a page being torn down with either a stale-element error or an inspector error ("Node with
    given id does not belong to the document"); both mean the old page is gone."""
    try:
        element.is_enabled()
    except WebDriverException:
        return True
    return False


def click_and_wait(browser: Any, by: str, selector: str, within: Any = None) -> None:
    """Click something that submits a form or follows a link, and wait until the next page has
    replaced this one (a click returns before the navigation finishes)."""
    page = browser.find_element(By.TAG_NAME, "html")
    (within or browser).find_element(by, selector).click()
    WebDriverWait(browser, 15).until(lambda _b: _gone(page))
    WebDriverWait(browser, 15).until(
        lambda b: b.execute_script("return document.readyState") == "complete"
    )


def sign_in(browser: Any, url: str, user: str) -> None:
    browser.delete_all_cookies()
    browser.get(url + "/signin")
    browser.find_element(By.ID, "username").send_keys(user)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(browser, By.ID, "signin")
    assert user in browser.find_element(By.ID, "who").text


def test_lawyer_signs_in_searches_in_chinese_and_opens_a_hit(
    server: Any, browser: Any, tmp_path: Path
) -> None:
    shots = tmp_path / "web-screenshots"
    url = server["url"]
    browser.get(url + "/")
    assert browser.current_url.endswith("/signin")  # not signed in: sent to sign in
    shot(browser, shots, "signin")
    sign_in(browser, url, "lin")
    shot(browser, shots, "mywork")
    browser.get(url + "/search")
    box = browser.find_element(By.ID, "q")
    box.send_keys("違約金")
    click_and_wait(browser, By.ID, "search-button")
    assert browser.find_element(By.ID, "total").text.startswith("1")
    marks = browser.find_elements(By.CSS_SELECTOR, ".snippet mark")
    assert marks and marks[0].text == "違約金"
    shot(browser, shots, "search")
    click_and_wait(browser, By.CSS_SELECTOR, "a.hit-title")
    assert browser.find_element(By.ID, "doc-title").text == "起訴狀"
    assert "十萬元" in browser.find_element(By.ID, "doc-text").text
    shot(browser, shots, "document")
    click_and_wait(browser, By.ID, "signout")
    assert browser.current_url.endswith("/signin")


def test_lawyer_requests_a_loan_and_the_head_approves_it(
    server: Any, browser: Any, tmp_path: Path
) -> None:
    shots = tmp_path / "web-screenshots"
    url = server["url"]
    sign_in(browser, url, "lin")
    browser.get(url + "/loans")
    browser.find_element(By.ID, "loan-client").send_keys(server["client"])
    browser.find_element(By.ID, "loan-purpose").send_keys("準備開庭")
    click_and_wait(browser, By.ID, "loan-submit")
    number = browser.current_url.split("#")[1]
    assert "待核准" in browser.find_element(By.ID, number).text
    shot(browser, shots, "loans-lawyer")
    sign_in(browser, url, "head2")
    row = browser.find_element(By.ID, number)
    click_and_wait(browser, By.CSS_SELECTOR, "button.approve", within=row)
    assert "已核准" in browser.find_element(By.ID, number).text
    shot(browser, shots, "loans-head")
