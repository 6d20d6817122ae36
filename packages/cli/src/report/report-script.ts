/**
 * The report's only script, which just enhances the timeline and the dependency graph: a tooltip that follows the
 * pointer or the focused bar or graph node (replacing the SVG `<title>` tooltips, which stay for readers without
 * scripts), and a click or Enter on a bar or node that jumps to its phase's row. It reads what it shows from their
 * `aria-label`, so no data is embedded in script. It also opens the graph's box on the graph's first phases, which
 * may stand far from its top-left corner.
 */
export const REPORT_SCRIPT = `
(function(){
var canvas=document.getElementById('graph-canvas'),graph=canvas&&canvas.querySelector('svg[data-start]');
if(graph){var at=graph.getAttribute('data-start').split(' ');canvas.scrollLeft=+at[0];canvas.scrollTop=+at[1]}
var tip=document.getElementById('tip');
if(!tip)return;
function pick(e){return e.target.closest?e.target.closest('[aria-label][tabindex]'):null}
function place(x,y){tip.style.left=Math.max(4,Math.min(x,innerWidth-tip.offsetWidth-8))+'px';tip.style.top=Math.max(4,Math.min(y,innerHeight-tip.offsetHeight-8))+'px'}
function show(el,x,y){tip.textContent=el.getAttribute('aria-label');tip.hidden=false;if(x===undefined){var r=el.getBoundingClientRect();place(r.left,r.bottom+6)}else place(x+14,y+14)}
function hide(){tip.hidden=true}
function phaseOf(e){var el=e.target.closest?e.target.closest('[data-phase-id],[data-wait-for]'):null;
return el?el.getAttribute('data-phase-id')||el.getAttribute('data-wait-for'):null}
function open(id){location.hash='phase-'+id}
['timeline','graph'].forEach(function(name){
var box=document.getElementById(name);
if(!box)return;
box.querySelectorAll('[aria-label][tabindex]>title').forEach(function(t){t.remove()});
box.addEventListener('mousemove',function(e){var el=pick(e);if(el)show(el,e.clientX,e.clientY);else hide()});
box.addEventListener('mouseleave',hide);
box.addEventListener('focusin',function(e){var el=pick(e);if(el)show(el)});
box.addEventListener('focusout',hide);
box.addEventListener('click',function(e){var id=phaseOf(e);if(id)open(id)});
box.addEventListener('keydown',function(e){var id=phaseOf(e);if(id&&(e.key==='Enter'||e.key===' ')){e.preventDefault();open(id)}});
});
document.addEventListener('keydown',function(e){if(e.key==='Escape')hide()});
})();
`.trim();
