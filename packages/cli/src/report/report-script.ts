/**
 * The report's only script, which just enhances: a tooltip that follows the pointer or the focused bar (replacing
 * the SVG `<title>` tooltips, which stay for readers without scripts), and a click or Enter on a bar that jumps
 * to its phase's row. It reads what it shows from the bars' `aria-label`, so no data is embedded in script.
 */
export const REPORT_SCRIPT = `
(function(){
var tip=document.getElementById('tip'),chart=document.getElementById('timeline');
if(!tip||!chart)return;
chart.querySelectorAll('.bar>title,.wait>title,.marker>title').forEach(function(t){t.remove()});
function pick(e){return e.target.closest?e.target.closest('[aria-label][tabindex]'):null}
function place(x,y){tip.style.left=Math.max(4,Math.min(x,innerWidth-tip.offsetWidth-8))+'px';tip.style.top=Math.max(4,Math.min(y,innerHeight-tip.offsetHeight-8))+'px'}
function show(el,x,y){tip.textContent=el.getAttribute('aria-label');tip.hidden=false;if(x===undefined){var r=el.getBoundingClientRect();place(r.left,r.bottom+6)}else place(x+14,y+14)}
function hide(){tip.hidden=true}
chart.addEventListener('mousemove',function(e){var el=pick(e);if(el)show(el,e.clientX,e.clientY);else hide()});
chart.addEventListener('mouseleave',hide);
chart.addEventListener('focusin',function(e){var el=pick(e);if(el)show(el)});
chart.addEventListener('focusout',hide);
function open(e){var el=e.target.closest?e.target.closest('[data-phase-id],[data-wait-for]'):null;
if(el)location.hash='phase-'+(el.getAttribute('data-phase-id')||el.getAttribute('data-wait-for'))}
chart.addEventListener('click',open);
chart.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();open(e)}});
document.addEventListener('keydown',function(e){if(e.key==='Escape')hide()});
})();
`.trim();
