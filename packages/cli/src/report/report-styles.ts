/**
 * The report's style sheet: a light and a dark scheme (by `prefers-color-scheme`) through custom properties that
 * the SVG's fills and strokes use too, system fonts only.
 */
export const REPORT_STYLES = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--panel:#f6f8fa;--lane:#f6f8fa;
--succeeded:#1a7f37;--partial:#9a6700;--failed:#cf222e;--cancelled:#6e7781;--skipped:#8c959f;--rate-limited:#bc4c00;--running:#0969da;
--wait:#afb8c1;--wait-bg:#eaeef2;--crit:#8250df;--marker:#bf3989}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--panel:#151b23;--lane:#151b23;
--succeeded:#3fb950;--partial:#d29922;--failed:#f85149;--cancelled:#8b949e;--skipped:#6e7681;--rate-limited:#db6d28;--running:#4493f8;
--wait:#656c76;--wait-bg:#212830;--crit:#d2a8ff;--marker:#f778ba}}
*{box-sizing:border-box}
body{margin:0;padding:1.5rem;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:2rem 0 .5rem}
.muted{color:var(--muted)}
.banner{padding:.5rem .75rem;border-radius:6px;border:1px solid var(--line);background:var(--panel);margin:.75rem 0}
.banner.failed,.banner.interrupted{border-color:var(--failed)}.banner.running{border-color:var(--running)}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.5rem;margin:1rem 0;padding:0}
.facts div{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:.5rem .75rem}
.facts dt{color:var(--muted);font-size:.8rem}.facts dd{margin:0;font-weight:600}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:6px;background:var(--bg)}
.gantt{display:block;font-size:11px}
.gantt text{fill:var(--muted)}.gantt .tick{text-anchor:middle}
.gantt .lane{fill:transparent}.gantt .lane.odd{fill:var(--lane)}
.gantt .grid{stroke:var(--line);stroke-width:1}
.bar,.wait{stroke:none;cursor:pointer}
.bar:focus,.wait:focus,.marker:focus{outline:none;stroke:var(--fg);stroke-width:2}
.o-succeeded{fill:var(--succeeded);background:var(--succeeded)}.o-partial{fill:var(--partial);background:var(--partial)}
.o-failed{fill:var(--failed);background:var(--failed)}.o-cancelled{fill:var(--cancelled);background:var(--cancelled)}
.o-skipped{fill:var(--skipped);background:var(--skipped)}.o-rate-limited{fill:var(--rate-limited);background:var(--rate-limited)}
.o-running{fill:var(--running);background:var(--running)}
.bar.crit{stroke:var(--crit);stroke-width:2}
.wait.w-backoff{fill:url(#hatch-backoff)}.wait.w-rate-limit{fill:url(#hatch-rate-limit)}.wait.open{stroke:var(--wait);stroke-dasharray:3 2}
.hatch-backoff rect,.hatch-rate-limit rect{fill:var(--wait-bg)}
.hatch-backoff line{stroke:var(--wait);stroke-width:2}.hatch-rate-limit line{stroke:var(--rate-limited);stroke-width:2}
.marker line{stroke:var(--marker);stroke-width:1.5;stroke-dasharray:4 3}.marker path{fill:var(--marker)}
.legend{display:flex;flex-wrap:wrap;gap:.35rem 1rem;margin:.5rem 0;padding:0;list-style:none;color:var(--muted);font-size:.85rem}
.sw{display:inline-block;width:.9rem;height:.7rem;border-radius:2px;vertical-align:middle;margin-right:.3rem}
.sw.w-backoff{background:repeating-linear-gradient(45deg,var(--wait) 0 2px,var(--wait-bg) 2px 5px)}
.sw.w-rate-limit{background:repeating-linear-gradient(-45deg,var(--rate-limited) 0 2px,var(--wait-bg) 2px 5px)}
.sw.crit{border:2px solid var(--crit)}.sw.marker{width:2px;background:var(--marker)}
.graph-box{max-height:80vh;overflow:auto}
.graph{display:block;font-size:11px}
.gn{cursor:pointer}.gn rect{fill:currentColor;fill-opacity:.14;stroke:currentColor;stroke-width:1.5}.gn:hover rect{fill-opacity:.28}
.gn text{fill:var(--fg);clip-path:url(#graph-clip)}.gn text:first-of-type{font-weight:600}.gn text+text{fill:var(--muted)}
.gn.st-skipped{color:var(--skipped)}.gn.st-queued rect,.gn.st-pending rect{stroke-dasharray:4 3;fill-opacity:.04}
.gn.crit rect{stroke:var(--crit);stroke-width:3}
.gn:focus{outline:none}.gn:focus rect{stroke:var(--fg);stroke-width:3}
.ge path{fill:none;stroke:var(--muted);stroke-opacity:.7;stroke-width:1.2;stroke-linejoin:round;marker-end:url(#graph-arrow)}
.ge path.crit{stroke:var(--crit);stroke-opacity:1;stroke-width:2.5;marker-end:url(#graph-arrow-crit)}
.graph-arrow path{fill:var(--muted)}.graph-arrow.crit path{fill:var(--crit)}
#tip{position:fixed;z-index:2;max-width:28rem;padding:.4rem .6rem;border-radius:6px;border:1px solid var(--line);background:var(--panel);
color:var(--fg);white-space:pre-line;pointer-events:none;box-shadow:0 4px 12px rgba(0,0,0,.2);font-size:.85rem}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{position:sticky;top:0;background:var(--panel)}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr:target{background:var(--panel);outline:2px solid var(--crit)}
.st{font-weight:600}.st-success{color:var(--succeeded)}.st-partial{color:var(--partial)}.st-failed{color:var(--failed)}
.st-cancelled,.st-skipped{color:var(--cancelled)}.st-running,.st-waiting{color:var(--running)}.st-queued,.st-pending{color:var(--muted)}
.over{color:var(--failed)}
.failure{border:1px solid var(--line);border-left:4px solid var(--failed);border-radius:6px;padding:.5rem .75rem;margin:.75rem 0}
pre{margin:.5rem 0 0;padding:.5rem;background:var(--panel);border-radius:4px;overflow-x:auto;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-all}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
footer{margin-top:2rem;color:var(--muted);font-size:.8rem}
`.trim();
