//! The `compare --html` report: self-contained, escaped, and showing the right rows when a real
//! browser (headless Chromium) renders it.
//!
//! The browser tests skip with a loud note when `chromium` is not installed, unless the CI
//! environment variable is set: then a missing browser fails the test.

use std::path::{Path, PathBuf};
use std::process::Command;

const SCRIPT_DUTY: &str = "负责客户投诉管理<script>document.title='pwned'</script>。";
const IMG_DUTY: &str = "负责展厅的日常管理<img src=x onerror=\"document.title='img'\">工作。";

fn zhize(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_zhize"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("zhize runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Two small stores whose 销售经理 duties carry markup that must render as text.
fn hostile_stores(dir: &Path) -> PathBuf {
    let stores = dir.join("stores");
    std::fs::create_dir_all(&stores).unwrap();
    std::fs::write(
        stores.join("a.txt"),
        format!(
            "甲店岗位职责\n\n销售经理岗位职责\n\n1、{SCRIPT_DUTY}\n\n2、{IMG_DUTY}\n\n3、完成领导交办的其他任务。\n"
        ),
    )
    .unwrap();
    let img_longer = IMG_DUTY.replace("工作。", "工作,包括展车清洁。");
    std::fs::write(
        stores.join("b.txt"),
        format!(
            "乙店岗位职责\n\n销售经理岗位职责\n\n1、{SCRIPT_DUTY}\n\n2、{img_longer}\n\n3、负责二手车置换业务。\n"
        ),
    )
    .unwrap();
    stores
}

fn chromium() -> Option<&'static str> {
    for name in ["chromium", "chromium-browser"] {
        let found = Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if found {
            return Some(name);
        }
    }
    if std::env::var_os("CI").is_some() {
        panic!("chromium is not installed, and CI is set: install Debian's `chromium` package");
    }
    eprintln!(
        "\n*** SKIPPED: headless Chromium not found (apt-get install chromium); \
         the HTML report was not checked in a browser ***\n"
    );
    None
}

/// The DOM after Chromium loaded the page (scripts, had any survived, would have run by then).
fn rendered_dom(browser: &str, page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        dom.contains("</html>"),
        "chromium printed no DOM: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    dom
}

/// No scripts, stylesheet links, images or remote URLs; every `href` an anchor in the page.
fn assert_self_contained(html: &str) {
    for banned in ["<script", "<img", "<link", "http://", "https://", " src=\""] {
        assert!(!html.contains(banned), "report contains {banned}");
    }
    for (at, _) in html.match_indices(" href=\"") {
        let target = &html[at + " href=\"".len()..];
        assert!(
            target.starts_with('#'),
            "a link out of the page: {}",
            &target[..20.min(target.len())]
        );
    }
}

/// The values of `attribute` on the elements of `dom`.
fn attribute_values<'a>(dom: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!(" {attribute}=\"");
    dom.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &dom[at + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

fn title(dom: &str) -> &str {
    let start = dom.find("<title>").expect("a title") + "<title>".len();
    let end = dom[start..].find("</title>").unwrap() + start;
    &dom[start..end]
}

#[test]
fn report_is_self_contained_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let stores = hostile_stores(dir.path());
    let page = dir.path().join("report.html");
    let (code, _, err) = zhize(&[
        "compare",
        "销售经理",
        "--a",
        "甲店",
        "--b",
        "乙店",
        stores.to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("Noto Sans CJK SC"), "a CJK font stack");
    // Nothing is fetched: no scripts, links, images or remote URLs; links stay in the page.
    assert_self_contained(&html);
    assert!(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=&quot;"));
    // The two stores compared whole (no role): the same, escaped, self-contained.
    let (code, _, err) = zhize(&[
        "compare",
        "--a",
        "甲店",
        "--b",
        "乙店",
        stores.to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert_self_contained(&html);
    assert!(
        html.contains("<tr class=\"match\""),
        "the 销售经理 lists are matched"
    );
    assert!(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=&quot;"));
}

#[test]
fn browser_shows_escaped_markup_as_text() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let stores = hostile_stores(dir.path());
    let page = dir.path().join("report.html");
    let (code, _, err) = zhize(&[
        "compare",
        "销售经理",
        "--a",
        "甲店",
        "--b",
        "乙店",
        stores.to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let dom = rendered_dom(browser, &page);
    // The scripts in the duties did not run: the title is the report's own.
    assert_eq!(title(&dom), "zhize compare: 销售经理");
    // …and the browser made no elements of them: they are text.
    assert!(!dom.contains("<script"), "a <script> element was created");
    assert!(!dom.contains("<img"), "an <img> element was created");
    assert!(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));
    // Store 甲 vs 乙: duty 1 the same, duty 2 reworded (展车清洁 added), one duty each only.
    assert_eq!(dom.matches("<tr class=\"pair same\"").count(), 1);
    assert_eq!(dom.matches("<tr class=\"pair reworded\"").count(), 1);
    assert_eq!(dom.matches("<tr class=\"pair only_a\"").count(), 1);
    assert_eq!(dom.matches("<tr class=\"pair only_b\"").count(), 1);
    assert!(
        dom.contains("<ins class=\"insert\">,包括展车清洁</ins>"),
        "{dom}"
    );
    assert!(dom.contains("负责二手车置换业务"));
}

#[test]
fn browser_shows_the_real_corpus_comparison_and_matrix() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("sales-manager.html");
    // 汽车4S店各岗位职责描述 against its 修订 copy: nine duties the same, one with 、董事长 added.
    let (code, _, err) = zhize(&[
        "compare",
        "销售经理",
        "--a",
        "汽车4S店各岗位职责描述",
        "--b",
        "修订",
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let dom = rendered_dom(browser, &page);
    assert_eq!(dom.matches("<tr class=\"pair same\"").count(), 9);
    assert_eq!(dom.matches("<tr class=\"pair reworded\"").count(), 1);
    assert!(dom.contains("计划报总经理<ins class=\"insert\">、董事长</ins>处"));
    assert!(!dom.contains("<del"), "nothing was deleted");
    // The matrix of the role across every store that defines it sits below.
    assert!(dom.contains("<table class=\"matrix\">"));
    let columns = dom.matches("<td class=\"cell ").count();
    let rows = dom.matches("<tr class=\"row ").count();
    assert!(rows >= 20, "{rows} rows");
    assert_eq!(columns % rows, 0);
    assert!(
        columns / rows >= 5,
        "销售经理 is defined by five or more stores"
    );
}

#[test]
fn browser_shows_the_matrix_cells_linked_to_their_duties() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("all.html");
    let (code, _, err) = zhize(&[
        "compare",
        "销售经理",
        "--all",
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert_self_contained(&html);
    let dom = rendered_dom(browser, &page);
    // Every present cell links to a duty the page holds; absent cells link nowhere.
    let links: Vec<&str> = attribute_values(&dom, "href");
    let ids: std::collections::BTreeSet<&str> = attribute_values(&dom, "id").into_iter().collect();
    let present = dom.matches("<td class=\"cell same\"").count()
        + dom.matches("<td class=\"cell reworded\"").count();
    assert_eq!(links.len(), present);
    assert!(present >= 40, "{present} cells");
    for link in &links {
        assert!(ids.contains(&link[1..]), "{link} has no target");
    }
    // 描述's 销售经理 (d10.p1) duty 3, 计划报总经理处, is a target holding its text.
    let at = dom
        .find("id=\"d10.p1.3\"")
        .expect("the anchor of d10.p1's duty 3");
    assert!(
        dom[at..at + 400].contains("计划报总经理处"),
        "{}",
        &dom[at..at + 400]
    );
    assert!(links.contains(&"#d10.p1.3"));
    // 销售经理 has no common core: the usual duties, then each store's own.
    assert!(!dom.contains("<tr class=\"group core\""));
    let usual = dom
        .find("<tr class=\"group usual\"")
        .expect("a usual group");
    let own = dom.find("<tr class=\"group own\"").expect("an own group");
    assert!(usual < own);
    // 总经理 has one, and stores that lack some of it.
    let (code, _, err) = zhize(&[
        "compare",
        "总经理",
        "--all",
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(&page).unwrap();
    let core = html.find("<tr class=\"group core\"").expect("a core group");
    let own = html.find("<tr class=\"group own\"").expect("an own group");
    assert!(core < own);
    assert!(html.contains("<h2>Missing from the core</h2>"));
}

#[test]
fn browser_shows_two_stores_compared() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("stores.html");
    // 描述 (d10) against 修订 (d12): 销售经理 in both (nine duties the same, one reworded);
    // 展厅经理 and 二网专员 only in 描述, 总经理 and 行政总务经理 only in 修订.
    let (code, _, err) = zhize(&[
        "compare",
        "--a",
        "d10",
        "--b",
        "d12",
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert_self_contained(&html);
    let dom = rendered_dom(browser, &page);
    assert_eq!(
        title(&dom),
        "zhize compare: 汽车4S店各岗位职责描述 · 汽车4S店各岗位职责(修订)"
    );
    assert_eq!(dom.matches("<tr class=\"match\"").count(), 1);
    assert!(dom.contains("data-a=\"d10.p1\" data-b=\"d12.p3\" data-by=\"role_and_duties\""));
    let section = |class: &str| {
        let start = dom.find(&format!("<table class=\"{class}\">")).unwrap();
        let end = dom[start..].find("</table>").unwrap() + start;
        &dom[start..end]
    };
    let only = |class: &str| attribute_values(section(class), "data-id");
    assert_eq!(only("only_a"), ["d10.p2", "d10.p3"]);
    assert_eq!(only("only_b"), ["d12.p1", "d12.p2"]);
    // The matched pair side by side, linked from its row.
    assert!(dom.contains("href=\"#pair-1\""));
    let pair = &dom[dom.find("id=\"pair-1\"").expect("the pair's section")..];
    assert_eq!(pair.matches("<tr class=\"pair same\"").count(), 9);
    assert_eq!(pair.matches("<tr class=\"pair reworded\"").count(), 1);
    assert!(pair.contains("计划报总经理<ins class=\"insert\">、董事长</ins>处"));
}
