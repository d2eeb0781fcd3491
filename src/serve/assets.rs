//! serve::assets: the stylesheet and the as-you-type script, embedded in the binary and served
//! from this server only (the CSP allows no other source and no inline script).

use axum::http::header;
use axum::response::IntoResponse;

pub const STYLESHEET: &str = r#"
:root { --accent: #0b5cad; --muted: #666; --line: #e2e2e2; --same: #2e7d32; --reworded: #b26a00;
  --only-a: #c62828; --only-b: #1565c0; --split: #6a1b9a; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC",
  "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", "Droid Sans Fallback", sans-serif;
  margin: 0; color: #222; line-height: 1.6; background: #fafafa; }
header.top { background: #fff; border-bottom: 1px solid var(--line); padding: .5em 1em; }
header.top nav { max-width: 1200px; margin: 0 auto; display: flex; flex-wrap: wrap; gap: .2em 1.2em; align-items: baseline; }
header.top .brand { font-weight: bold; color: #222; text-decoration: none; font-size: 1.15em; }
header.top nav a { color: var(--accent); text-decoration: none; }
header.top nav a.active { font-weight: bold; border-bottom: 2px solid var(--accent); }
.status { max-width: 1200px; margin: .3em auto 0; font-size: .85em; color: var(--muted); }
.status .refreshing { color: var(--reworded); font-weight: bold; }
.status .failed { color: var(--only-a); }
main { max-width: 1200px; margin: 0 auto; padding: 1em; }
h1 { font-size: 1.45em; margin: .3em 0; } h2 { font-size: 1.15em; margin-top: 1.6em; }
a { color: var(--accent); }
form.search { display: flex; flex-wrap: wrap; gap: .5em; margin: .5em 0 1em; }
form.search input[type=search] { flex: 1 1 24em; font-size: 1.1em; padding: .45em .6em; border: 1px solid #bbb; border-radius: 4px; }
select, button, input[type=file] { font: inherit; padding: .35em .5em; }
button { background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: .4em 1.1em; cursor: pointer; }
.searched { color: var(--muted); margin: .3em 0; } .searched b { color: #222; }
.ignored { color: #999; }
ol.results { padding-left: 1.6em; }
li.hit { margin: .2em 0 .9em; }
.hit-head { margin-bottom: .1em; }
.hit-head a.position { font-weight: bold; font-size: 1.05em; }
.store, .meta, .line, .score, .doc { color: var(--muted); font-size: .88em; }
.role, .kind { font-size: .85em; background: #eef3fb; color: #234; padding: 0 .4em; border-radius: 3px; }
.kind { background: #fff1cc; }
ul.duties { list-style: none; padding-left: .4em; margin: .2em 0; }
ul.duties li { margin: .15em 0; }
em { font-style: normal; background: #ffe58f; padding: 0 1px; border-radius: 2px; }
.n { color: #888; }
a.line { text-decoration: none; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid var(--line); padding: .35em .5em; vertical-align: top; text-align: left; }
th { background: #f4f4f4; white-space: nowrap; }
table.facts { width: auto; min-width: 24em; }
ul.position-duties { list-style: none; padding-left: .4em; }
ul.position-duties li { margin: .3em 0; }
ul.position-duties li:target { background: #fff7d6; }
details.more { margin: .1em 0 0 .4em; color: var(--muted); } details.more summary { cursor: pointer; font-size: .9em; }
form.picker { margin: 1em 0; padding: .6em .8em; background: #fff; border: 1px solid var(--line); border-radius: 4px; }
.summary span { display: inline-block; margin-right: .8em; }
.summary .same { color: var(--same); } .summary .reworded { color: var(--reworded); }
.summary .only_a { color: var(--only-a); } .summary .only_b { color: var(--only-b); } .summary .split { color: var(--split); }
td.kind { white-space: nowrap; font-size: .85em; }
tr.same td.kind { color: var(--same); } tr.same td.a, tr.same td.b { color: #555; }
tr.reworded td.kind { color: var(--reworded); }
tr.only_a td.kind { color: var(--only-a); } tr.only_a td.a { background: #fdecea; }
tr.only_b td.kind { color: var(--only-b); } tr.only_b td.b { background: #e8f0fe; }
tr.split td.kind { color: var(--split); }
td.n { color: #888; white-space: nowrap; font-size: .85em; }
del { background: #ffd7d5; color: #8b0000; text-decoration: line-through; }
ins { background: #d4f8d4; color: #0b5d0b; text-decoration: none; }
.scroll { overflow-x: auto; }
table.matrix td.cell { text-align: center; width: 2.2em; font-weight: bold; }
table.matrix td.cell a { text-decoration: none; color: inherit; display: block; }
td.cell.same { background: #d4f8d4; color: var(--same); }
td.cell.reworded { background: #fff1cc; color: var(--reworded); }
td.cell.absent { color: #bbb; }
tr.core td.duty { font-weight: 500; } tr.unique td.duty { color: #555; }
ol.groups > li { margin: .5em 0 1em; } .canonical { font-weight: 500; margin: 0; }
.warn { color: var(--only-a); } .ok { color: var(--same); }
section.file { background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: .2em 1em .6em; margin: .8em 0; }
.note, .hint { color: var(--muted); font-size: .9em; }
.error { background: #fdecea; border: 1px solid #f5c2bd; padding: .6em 1em; border-radius: 4px; }
ul.examples li { margin: .2em 0; }
.cards { display: flex; flex-wrap: wrap; gap: 1em; }
.cards a { flex: 1 1 14em; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .8em 1em; text-decoration: none; color: #222; }
.cards a b { color: var(--accent); display: block; font-size: 1.1em; }
"#;

/// Fetches results as the user types (after a short pause) and puts the query in the address,
/// so the page can be shared; without JavaScript the form submits as usual.
pub const SCRIPT: &str = r#"(function () {
  'use strict';
  var form = document.querySelector('form.search');
  var out = document.getElementById('live');
  if (!form || !out || !window.fetch || !window.URLSearchParams) { return; }
  var box = form.querySelector('input[name=q]');
  var timer = null, sent = 0;
  function query() {
    var params = new URLSearchParams();
    form.querySelectorAll('input[name], select[name]').forEach(function (field) {
      if (field.value) { params.set(field.name, field.value); }
    });
    return params.toString();
  }
  function run() {
    var q = query(), mine = ++sent;
    fetch('/search/results?' + q, { headers: { 'Accept': 'text/html' } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (mine !== sent) { return; }
        out.innerHTML = html;
        out.setAttribute('data-updated', String(mine));
        history.replaceState(null, '', q ? '/search?' + q : '/search');
      })
      .catch(function () {});
  }
  box.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  form.querySelectorAll('select').forEach(function (select) {
    select.addEventListener('change', run);
  });
})();
"#;

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        STYLESHEET,
    )
}

pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        SCRIPT,
    )
}
