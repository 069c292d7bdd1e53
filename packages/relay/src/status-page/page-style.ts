/**
 * The status page's stylesheet, inlined into the page under the CSP nonce.
 * System fonts only (the network may be closed), light and dark schemes,
 * one column on a phone.
 */
export const PAGE_STYLE = `
:root {
  color-scheme: light dark;
  --bg: #f4f5f7; --card: #ffffff; --text: #1d2430; --muted: #5b6576; --line: #dde1e7;
  --ok: #13794b; --ok-bg: #dcf3e6; --warn: #8a5a00; --warn-bg: #fdf0cf; --bad: #b3261e; --bad-bg: #fbe0de;
  --idle: #5b6576; --idle-bg: #eceef2; --accent: #2557d6; --flash: #ffe066; --flash-unmapped: #ffb3ad;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #12151b; --card: #1b2029; --text: #e6e9ef; --muted: #9aa3b2; --line: #2d3441;
    --ok: #6fdc9f; --ok-bg: #173a29; --warn: #f3c969; --warn-bg: #3d3115; --bad: #ff9c94; --bad-bg: #4a1c19;
    --idle: #9aa3b2; --idle-bg: #262c37; --accent: #8fb0ff; --flash: #6b5a10; --flash-unmapped: #6e2621;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
header.top {
  display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px;
  padding: 14px 20px; background: var(--card); border-bottom: 1px solid var(--line);
}
header.top h1 { margin: 0; font-size: 1.2rem; letter-spacing: 0.01em; }
.top-right { display: flex; align-items: center; gap: 12px; }
a { color: var(--accent); }
.reason .advice p { margin: 0; }
.reason .advice p + p { margin-top: 4px; }
code.event-id { overflow-wrap: normal; word-break: normal; }
code.event-id .tok { white-space: nowrap; }
main { max-width: 1120px; margin: 0 auto; padding: 16px; display: grid; gap: 16px; }
.grid-2 { display: grid; gap: 16px; grid-template-columns: minmax(0, 1fr); }
@media (min-width: 900px) { .grid-2 { grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); } }
section.card {
  background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px;
  min-width: 0;
}
section.card > h2, .remote > h3 { margin: 0 0 10px; font-size: 1rem; }
.remote + .remote { margin-top: 18px; padding-top: 14px; border-top: 1px solid var(--line); }
.remote-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 10px; margin-bottom: 8px; }
.remote-head h3 { margin: 0; font-size: 1rem; }
.muted { color: var(--muted); }
.small { font-size: 0.85rem; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.88em; }
.badge {
  display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 0.82rem; font-weight: 600;
  background: var(--idle-bg); color: var(--idle); white-space: nowrap;
}
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 8px 0 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
p.advice { margin: 10px 0 0; padding: 8px 10px; border-radius: 6px; background: var(--warn-bg); }
p.advice.bad { background: var(--bad-bg); }
.table-wrap { overflow-x: auto; }
.remote .table-wrap { margin-top: 12px; }
td { overflow-wrap: break-word; }
td.nowrap { white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
caption { text-align: left; color: var(--muted); font-size: 0.85rem; padding-bottom: 4px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 0.85rem; }
td.cell { transition: background-color 0.6s ease-out; border-radius: 4px; }
td.cell.unmapped { color: var(--muted); font-style: italic; }
td.cell.flash { background: var(--flash); transition: none; }
td.cell.flash-unmapped { background: var(--flash-unmapped); transition: none; }
.counts { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 10px; }
ol.feed { list-style: none; margin: 0; padding: 0; max-height: 360px; overflow-y: auto; }
ol.feed li {
  display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 2px 10px; padding: 5px 2px;
  border-bottom: 1px solid var(--line); align-items: baseline;
}
ol.feed li > :first-child { white-space: nowrap; }
ol.feed li > :last-child { grid-column: 2; justify-self: start; }
ol.feed li:first-child { animation: arrive 0.8s ease-out; }
@keyframes arrive { from { background: var(--flash); } to { background: transparent; } }
.empty { color: var(--muted); font-style: italic; margin: 4px 0; }
.vpad { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 12px; }
.vpad-label { width: 100%; margin: 0; color: var(--muted); font-size: 0.85rem; }
button.vbtn {
  min-width: 64px; min-height: 56px; padding: 6px 12px; border-radius: 12px; cursor: pointer;
  border: 1px solid var(--line); background: var(--idle-bg); color: var(--text);
  font: inherit; font-weight: 600; touch-action: none; user-select: none; -webkit-user-select: none;
  -webkit-touch-callout: none; display: flex; flex-direction: column; align-items: center; justify-content: center;
}
button.vbtn small { font-weight: 400; color: var(--muted); font-size: 0.75rem; }
button.vbtn:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
button.vbtn.held { background: var(--accent); color: #fff; border-color: var(--accent); }
button.vbtn.held small { color: #e8eeff; }
.press-error { color: var(--bad); font-size: 0.85rem; min-height: 1.2em; margin: 6px 0 0; }
.outcome-delivered { color: var(--ok); font-weight: 600; }
.outcome-expired, .outcome-relink_required { color: var(--warn); font-weight: 600; }
.outcome-dead_letter { color: var(--bad); font-weight: 600; }
@media (max-width: 520px) {
  main { padding: 10px; gap: 10px; }
  section.card { padding: 12px; }
  header.top { padding: 10px 12px; }
  table.deliveries thead { display: none; }
  table.deliveries tr {
    display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 4px 8px;
    padding: 8px 0; border-bottom: 1px solid var(--line);
  }
  table.deliveries td { border: 0; padding: 0; }
  table.deliveries td.event { grid-column: 1 / -1; order: -1; }
  table.deliveries td[data-label]::before {
    content: attr(data-label); display: block; color: var(--muted); font-size: 0.75rem; font-weight: 400;
  }
  th, td { padding: 5px 5px; }
}
`;
