#!/usr/bin/python3
"""The HTML report in a real browser: `latmac run --out DIR` writes DIR/index.html and `latmac report
A.json B.json --out FILE` a side-by-side one, and headless Chromium (Selenium + chromedriver) renders
both without a console error, with a title, an h1 and every section (host, guidelines, networks,
decomposition, kernels), every chart (svg.chart) and at least one of its data marks (.mark) drawn
with a size, on screen and in print, nothing loaded from elsewhere (self-contained, no script) and
no sideways scrolling of the page at 1366 px. Saves a full-page screenshot of the single-run report.

Usage: test_report_browser.py SCREENSHOT.png [SINGLE.html COMPARISON.html]
With the two HTML files given, checks them instead of running latmac (LATMAC names the binary).
Needs Debian's chromium, chromium-driver and python3-selenium (tools/setup.sh test installs them);
run it with /usr/bin/python3. Speaks TAP, so each check counts."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import tap

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
WIDTH, HEIGHT, MAX_SHOT_HEIGHT = 1366, 900, 16000
SECTIONS = ("host", "guidelines", "networks", "decomposition", "kernels")
# A few kernels, both networks with their layers, and G1 and G3 on their smaller groups (with the
# GPU-sized groups too this test takes 150 s instead of 35 s under the sanitizers).
RUN = ["run", "--repetitions", "3", "--min-time", "0.002", "--nets", "shufflenet_v2_x0_5,mobilenet_v3_small",
       "--per-layer", "--only", "G1,G3", "--scale", "1",
       "--filter", "^kernels/(dw3x3s1_116_14|shuffle_g2_116_28|add_116_28)/|^nets/|^guidelines/(G1/arm|G3/cpu)_"]
state = {}


def latmac(args):
    exe = os.environ.get("LATMAC")
    assert exe, "set LATMAC to the latmac binary (meson test does)"
    r = subprocess.run([exe] + args, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"latmac {' '.join(args)} exited {r.returncode}: {r.stderr.strip()[-2000:]}"


def need(key):
    assert key in state, f"needs {key}, which an earlier check did not provide"
    return state[key]


@tap.check("chromium, chromedriver and selenium are installed and the browser starts")
def _():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append(f"python3-selenium (for {sys.executable})")
    assert not missing, f"missing {', '.join(missing)}: run tools/setup.sh test"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.remote.remote_connection import RemoteConnection
    RemoteConnection.set_timeout(120)  # no webdriver call may hang forever
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={WIDTH},{HEIGHT}"):
        options.add_argument(a)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    state["driver"] = driver


@tap.check("latmac run writes results.json, results.csv and index.html (two runs)")
def _():
    if len(sys.argv) > 2:
        state["single"] = os.path.abspath(sys.argv[2])
        return
    tmp = state["tmp"] = tempfile.mkdtemp(prefix="latmac-report-")
    for run, threads in (("a", "1,2"), ("b", "1")):  # the second run smaller
        out = os.path.join(tmp, run)  # a fresh folder: latmac refuses a non-empty one
        latmac(RUN + ["--threads", threads, "--out", out])
        for f in ("results.json", "results.csv", "index.html"):
            assert os.path.getsize(os.path.join(out, f)) > 0, f"{run}/{f} is empty"
    state["single"] = os.path.join(tmp, "a", "index.html")


@tap.check("latmac report A/results.json B/results.json writes the side-by-side report")
def _():
    if len(sys.argv) > 3:
        state["comparison"] = os.path.abspath(sys.argv[3])
        return
    tmp = need("tmp")
    out = os.path.join(tmp, "report.html")
    runs = [os.path.join(tmp, run, "results.json") for run in ("a", "b")]
    latmac(["report"] + runs + ["--out", out])
    assert os.path.getsize(out) > 0, "report.html is empty"
    state["comparison"] = out


# JavaScript run in the page. describe(el) names an element for messages; where(el) names a chart by
# its aria-label, <title>, figure caption or nearest heading before it.
JS_HELPERS = r"""
const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.getAttribute('class') ? '.' + e.getAttribute('class').trim().split(/\s+/).join('.') : '');
const where = chart => name(chart).slice(0, 80);
const name = chart => {
  if (chart.getAttribute('aria-label')) return chart.getAttribute('aria-label');
  const t = chart.querySelector(':scope > title'); if (t) return t.textContent.trim();
  const f = chart.closest('figure'); const c = f && f.querySelector('figcaption');
  if (c) return c.textContent.trim();
  for (let n = chart; n && n !== document.body; n = n.parentElement)
    for (let s = n.previousElementSibling; s; s = s.previousElementSibling) {
      if (/^H[1-6]$/.test(s.tagName)) return s.textContent.trim();
      const h = s.querySelectorAll('h1,h2,h3,h4,h5,h6'); if (h.length) return h[h.length - 1].textContent.trim();
    }
  return '(no heading)';
};
const drawn = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
"""

CHARTS_JS = JS_HELPERS + r"""
const charts = [...document.querySelectorAll('svg.chart')];
const problems = charts.map((c, i) => {
  const name = `chart ${i + 1} '${where(c)}'`;
  if (!drawn(c)) return `${name} has no size`;
  const marks = [...c.querySelectorAll('.mark')];
  if (!marks.some(drawn)) return `${name} has ${marks.length} marks, none drawn with a size`;
  return null;
}).filter(p => p);
return [charts.length, problems];
"""

SELF_CONTAINED_JS = JS_HELPERS + r"""
const bad = [], local = v => v === '' || v.startsWith('#') || v.startsWith('data:');
for (const e of document.querySelectorAll('*')) {
  const tag = e.tagName.toLowerCase();
  if (['script', 'iframe', 'object', 'embed', 'base'].includes(tag)) bad.push(`a <${tag}> element`);
  if (tag === 'link' && /stylesheet|preload|icon|import/.test(e.rel || '')) bad.push(`<link rel="${e.rel}">`);
  // A hyperlink (<a href>) is followed, not loaded, so it may point anywhere.
  const attrs = ['src', 'srcset', 'poster', 'data', 'background'].concat(tag === 'a' ? [] : ['href']);
  for (const a of attrs) {
    const v = (e.getAttribute(a) || '').trim();
    if (!local(v)) bad.push(`${describe(e)} ${a}="${v}"`);
  }
  const x = (e.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '').trim();
  if (tag !== 'a' && !local(x)) bad.push(`${describe(e)} xlink:href="${x}"`);
}
const css = [...document.querySelectorAll('style')].map(s => s.textContent).join('\n') +
    [...document.querySelectorAll('[style]')].map(e => e.getAttribute('style')).join('\n');
for (const m of css.matchAll(/url\(\s*['"]?([^'")]*)/g)) if (!local(m[1].trim())) bad.push(`CSS url(${m[1]})`);
if (/@import/.test(css)) bad.push('CSS @import');
for (const r of performance.getEntriesByType('resource')) bad.push(`fetched ${r.name}`);
return bad;
"""

OVERFLOW_JS = JS_HELPERS + r"""
// Culprits: the innermost elements outside scroll boxes whose box or content reaches past the window
// from a parent box that fits.
const w = document.documentElement.clientWidth;
const scrolls = e => getComputedStyle(e).overflowX !== 'visible';
const scrolled = e => {
  for (let a = e.parentElement; a; a = a.parentElement) if (scrolls(a)) return true;
  return false;
};
const right = e => e.getBoundingClientRect().right;
const reach = e => scrolls(e) ? right(e) : Math.max(right(e), e.getBoundingClientRect().left + e.scrollWidth);
const wide = [...document.body.querySelectorAll('*')]
    .filter(e => reach(e) > w + 2 && right(e.parentElement) <= w + 2 && !scrolled(e));
const culprits = [...new Set(wide.filter(e => !wide.some(d => d !== e && e.contains(d)))
    .map(e => describe(e) + (e.closest('section[id]') ? ' in #' + e.closest('section[id]').id : '')))].slice(0, 5);
return [w, document.documentElement.scrollWidth, document.body.scrollWidth, culprits];
"""


def charts_ok(driver):
    count, problems = driver.execute_script(CHARTS_JS)
    assert count > 0, "no svg.chart on the page"
    assert not problems, "; ".join(problems)


def page_checks(label, key):
    @tap.check(f"{label}: loads with no console error")
    def _():
        driver = need("driver")
        driver.set_window_size(WIDTH, HEIGHT)
        driver.get_log("browser")  # drop what an earlier page logged
        driver.get("file://" + need(key))
        state["page"] = key
        entries = driver.get_log("browser")
        for e in entries:
            print(f"# console {e['level']}: {' '.join(e['message'].split())}")
        severe = [e["message"] for e in entries if e["level"] == "SEVERE"]
        assert not severe, f"{len(severe)} SEVERE console entries: {severe}"

    def on_page():
        assert state.get("page") == key, "the page did not load"
        return state["driver"]

    @tap.check(f"{label}: has a title and an h1")
    def _():
        driver = on_page()
        assert driver.title.strip(), "no <title>"
        h1 = driver.execute_script("return [...document.querySelectorAll('h1')].map(h => h.textContent.trim())")
        assert h1 and h1[0], f"no h1 with text: {h1}"

    @tap.check(f"{label}: has every section ({', '.join(SECTIONS)})")
    def _():
        present = on_page().execute_script("return [...document.querySelectorAll('section[id]')].map(s => s.id)")
        missing = [s for s in SECTIONS if s not in present]
        assert not missing, f"missing sections {missing} (present: {present})"

    @tap.check(f"{label}: every chart and at least one of its marks are drawn with a size")
    def _():
        charts_ok(on_page())

    @tap.check(f"{label}: is self-contained (nothing fetched or referenced elsewhere, no script)")
    def _():
        bad = on_page().execute_script(SELF_CONTAINED_JS)
        assert not bad, "; ".join(bad[:10])

    @tap.check(f"{label}: the page does not scroll sideways at {WIDTH} px (wide tables scroll in their own box)")
    def _():
        w, doc, body, culprits = on_page().execute_script(OVERFLOW_JS)
        assert doc <= w + 2 and body <= w + 2, \
            f"page {doc} px and body {body} px wide in a {w} px viewport; too wide: {culprits}"

    @tap.check(f"{label}: charts and marks keep their size in print")
    def _():
        driver = on_page()
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        try:
            assert driver.execute_script("return matchMedia('print').matches"), "print emulation had no effect"
            charts_ok(driver)
        finally:
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


page_checks("single-run report", "single")


@tap.check("full-page screenshot of the single-run report")
def _():
    path = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "report.png")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        os.remove(path)  # never leave an old screenshot behind
    driver = need("driver")
    assert state.get("page") == "single", "the page did not load"
    chrome = driver.get_window_size()["height"] - driver.execute_script("return window.innerHeight")
    page = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(WIDTH, min(page + chrome, MAX_SHOT_HEIGHT))
    assert driver.save_screenshot(path), "the screenshot failed"
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    height = struct.unpack(">I", head[20:24])[0]
    assert height >= min(page, MAX_SHOT_HEIGHT - chrome) - 2, f"{height} px high for a {page} px page"
    print(f"# screenshot: {path}")


page_checks("side-by-side report of two runs", "comparison")


def cleanup():
    if "driver" in state:
        state["driver"].quit()
    if "tmp" in state:
        shutil.rmtree(state["tmp"], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(tap.run(cleanup))
