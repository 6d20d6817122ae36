import { formatDuration } from '@kazuba/core';
import type { ReportPhaseRow } from '@kazuba/core';
import { escapeAttribute, escapeHtml } from './escape.js';
import { GRAPH_NODE_HEIGHT, GRAPH_NODE_WIDTH } from './graph-layout.js';
import type { GraphLayout, GraphPoint, PlacedPhase, RoutedEdge } from './graph-layout.js';
import { formatPhaseName } from './phase-name.js';

/** How many characters of a title fit in a box; a longer one is cut and ends in an ellipsis. */
export const GRAPH_TITLE_CHARS = 24;
const TEXT_LEFT = 8;
/** Room left above and left of the first phase when the script scrolls the graph's box to it. */
const START_MARGIN = 8;

/**
 * The arrowheads (one per edge colour: a marker cannot take its colour from the path that uses it in every browser)
 * and the clip that keeps a box's text inside it whatever the font's width. The clip is in each box's own
 * coordinates, so one serves all.
 */
const DEFS =
  '<defs><marker id="graph-arrow" class="graph-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0 0L8 4L0 8z"/></marker>' +
  '<marker id="graph-arrow-crit" class="graph-arrow crit" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0 0L8 4L0 8z"/></marker>' +
  `<clipPath id="graph-clip"><rect width="${GRAPH_NODE_WIDTH - 4}" height="${GRAPH_NODE_HEIGHT}"/></clipPath></defs>`;

/** A title cut to `max` characters (whole code points), the last one an ellipsis, when it is longer. */
export function shortenTitle(title: string, max: number = GRAPH_TITLE_CHARS): string {
  const chars = Array.from(title);
  return chars.length <= max ? title : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** What a hover or focus on a phase's box shows, one fact a line: its name, how it stands, why. */
export function describeGraphPhase(row: ReportPhaseRow): string {
  const facts = [
    row.status,
    row.attempts === 0 ? undefined : `${row.attempts} attempt${row.attempts === 1 ? '' : 's'}`,
    row.durationMs === undefined ? undefined : formatDuration(row.durationMs),
  ];
  return [
    formatPhaseName(row.phaseId, row.title),
    facts.filter((fact) => fact !== undefined).join(' · '),
    row.critical ? 'on the critical path' : '',
    row.reason === undefined ? '' : `reason: ${row.reason}`,
  ]
    .filter((line) => line !== '')
    .join('\n');
}

/**
 * A phase's box: focusable, its details as both its accessible name and its SVG tooltip, its status as the class
 * that colours it (the phase table's `st-…`), `crit` when it is on the critical path. Its text is its id and status,
 * then its title cut short (none when the phase has only the default `Phase <id>`).
 */
function renderPhase(place: PlacedPhase, row: ReportPhaseRow): string {
  const text = describeGraphPhase(row);
  const own = row.title !== '' && row.title !== `Phase ${row.phaseId}`;
  return [
    `<g class="gn st-${row.status}${row.critical ? ' crit' : ''}" data-phase-id="${row.phaseId}" transform="translate(${place.x} ${place.y})" `,
    `tabindex="0" role="img" aria-label="${escapeAttribute(text)}"><title>${escapeHtml(text)}</title>`,
    `<rect width="${GRAPH_NODE_WIDTH}" height="${GRAPH_NODE_HEIGHT}" rx="4"/>`,
    `<text x="${TEXT_LEFT}" y="15">${row.phaseId} · ${row.status}</text>`,
    own ? `<text x="${TEXT_LEFT}" y="30">${escapeHtml(shortenTitle(row.title))}</text>` : '',
    '</g>',
  ].join('');
}

/**
 * Where the picture starts to be read: the top-left corner of a view onto the topmost phase of its leftmost column,
 * as `data-start="x y"` for the script to scroll the graph's box to. dagre centres each rank on the widest, so in a
 * tall graph the first phases can sit far below the top-left corner, which would otherwise open on empty space.
 */
function startOf(phases: readonly PlacedPhase[]): string {
  const [first] = [...phases].sort((a, b) => a.x - b.x || a.y - b.y);
  return first === undefined ? '' : ` data-start="${Math.max(0, first.x - START_MARGIN)} ${Math.max(0, first.y - START_MARGIN)}"`;
}

/** An edge's path: its first point, then each next one relative to the one before (shorter than absolute). */
function pathOf(points: readonly GraphPoint[]): string {
  const [first, ...rest] = points as [GraphPoint, ...GraphPoint[]];
  let previous = first;
  const steps = rest.map((point) => {
    const step = `${point.x - previous.x} ${point.y - previous.y}`;
    previous = point;
    return step;
  });
  return `M${first.x} ${first.y}l${steps.join(' ')}`;
}

function renderEdge(edge: RoutedEdge): string {
  return `<path${edge.critical ? ' class="crit"' : ''} d="${pathOf(edge.points)}"/>`;
}

/**
 * Draws the laid-out dependency graph as inline SVG with an explicit size: an arrow per dependency edge (those of
 * the critical path thicker, in the critical colour, drawn last so that they stay on top), then a box per phase
 * (`data-phase-id`, coloured by status, focusable, its details as `<title>` and `aria-label`).
 * @example
 * const svg = renderGraphSvg(report.phases, layoutGraph(report.phases.map((row) => row.phaseId), report.edges));
 */
export function renderGraphSvg(rows: readonly ReportPhaseRow[], layout: GraphLayout): string {
  const rowOf = new Map(rows.map((row) => [row.phaseId, row]));
  const edges = [...layout.edges.filter((edge) => !edge.critical), ...layout.edges.filter((edge) => edge.critical)];
  const phases = layout.phases.map((place) => renderPhase(place, rowOf.get(place.phaseId) as ReportPhaseRow));
  const label = `Dependency graph of ${layout.phases.length} phases and ${layout.edges.length} dependency edges`;
  const size = `width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}"`;
  return [
    `<svg class="graph" ${size}${startOf(layout.phases)} role="group" aria-label="${label}">`,
    DEFS,
    `<g class="ge" aria-hidden="true">${edges.map(renderEdge).join('')}</g>`,
    `<g class="gp">${phases.join('')}</g>`,
    '</svg>',
  ].join('');
}
