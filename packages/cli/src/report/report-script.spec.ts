import { runInNewContext } from 'node:vm';
import { describe, expect, it } from '@jest/globals';
import { REPORT_SCRIPT } from './report-script.js';

type Listener = (event: FakeEvent) => void;

/** Just enough of a DOM element for the script: attributes, a parent, listeners, `closest` on attribute selectors. */
class FakeElement {
  readonly children: FakeElement[] = [];
  readonly listeners = new Map<string, Listener[]>();
  parent: FakeElement | undefined;

  constructor(
    readonly tag: string,
    readonly attributes: Record<string, string> = {},
  ) {}

  append(child: FakeElement): FakeElement {
    child.parent = this;
    this.children.push(child);
    return child;
  }

  getAttribute(name: string): string | null {
    return this.attributes[name] ?? null;
  }

  /** `[a][b]` matches an element with both attributes; `x,y` either alternative. */
  matches(selector: string): boolean {
    return selector.split(',').some((alternative) => [...alternative.matchAll(/\[([\w-]+)\]/g)].every((match) => (match[1] as string) in this.attributes));
  }

  closest(selector: string): FakeElement | null {
    return this.matches(selector) ? this : (this.parent?.closest(selector) ?? null);
  }

  /** Only the script's `tag[attribute]` form. */
  querySelector(selector: string): FakeElement | null {
    const [tag, attribute = ''] = selector.slice(0, -1).split('[');
    const all = (element: FakeElement): FakeElement[] => element.children.flatMap((child) => [child, ...all(child)]);
    return all(this).find((element) => element.tag === tag && attribute in element.attributes) ?? null;
  }

  /** Only the script's `[…]>tag` form: children named `tag` of descendants that match `[…]`. */
  querySelectorAll(selector: string): FakeElement[] {
    const [parent, tag] = selector.split('>') as [string, string];
    const all = (element: FakeElement): FakeElement[] => element.children.flatMap((child) => [child, ...all(child)]);
    return all(this).filter((element) => element.tag === tag && element.parent?.matches(parent) === true);
  }

  remove(): void {
    this.parent?.children.splice(this.parent.children.indexOf(this), 1);
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  getBoundingClientRect(): { left: number; bottom: number } {
    return { left: 10, bottom: 20 };
  }
}

interface FakeEvent {
  readonly target: FakeElement;
  readonly key?: string;
  readonly clientX?: number;
  readonly clientY?: number;
  defaultPrevented: boolean;
  preventDefault(): void;
}

/**
 * A page with a timeline bar and wait, a graph node and a link in the graph section, the graph's box with its picture
 * starting at `start`, and the script run on it.
 */
function loadPage(start = '0 0') {
  const timeline = new FakeElement('section', { id: 'timeline' });
  const bar = timeline.append(new FakeElement('rect', { 'data-phase-id': '2', 'data-attempt': '1', tabindex: '0', 'aria-label': 'Phase 2\nattempt 1' }));
  bar.append(new FakeElement('title'));
  const wait = timeline.append(new FakeElement('rect', { 'data-wait-for': '3', tabindex: '0', 'aria-label': 'Phase 3\nretry backoff' }));
  const graph = new FakeElement('section', { id: 'graph' });
  const node = graph.append(new FakeElement('g', { 'data-phase-id': '7', tabindex: '0', 'aria-label': 'Phase 7: Ship\nfailed' }));
  node.append(new FakeElement('title'));
  const label = node.append(new FakeElement('text'));
  const link = graph.append(new FakeElement('a', { href: '#phase-1' }));
  const canvas = Object.assign(new FakeElement('div', { id: 'graph-canvas' }), { scrollLeft: 0, scrollTop: 0 });
  canvas.append(new FakeElement('svg', { 'data-start': start }));
  const tip = { hidden: true, textContent: '', style: { left: '', top: '' }, offsetWidth: 100, offsetHeight: 40 };
  const elements: Record<string, unknown> = { timeline, graph, tip, 'graph-canvas': canvas };
  const location = { hash: '' };
  const document = { getElementById: (id: string) => elements[id] ?? null, addEventListener: () => undefined };
  runInNewContext(REPORT_SCRIPT, { document, location, innerWidth: 1280, innerHeight: 800, Math });
  const fire = (element: FakeElement, type: string, event: Partial<FakeEvent> & { target: FakeElement }): FakeEvent => {
    const full: FakeEvent = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
      ...event,
    };
    for (const listener of element.listeners.get(type) ?? []) listener(full);
    return full;
  };
  return { timeline, graph, bar, wait, node, label, link, tip, canvas, location, fire };
}

describe('REPORT_SCRIPT', () => {
  it("jumps to a phase's row when its graph node (or the text in it) is clicked", () => {
    const page = loadPage();
    page.fire(page.graph, 'click', { target: page.label });
    expect(page.location.hash).toBe('phase-7');
  });

  it('jumps on Enter or Space on a focused node, keeping the page from scrolling', () => {
    const page = loadPage();
    const enter = page.fire(page.graph, 'keydown', { target: page.node, key: 'Enter' });
    expect(page.location.hash).toBe('phase-7');
    expect(enter.defaultPrevented).toBe(true);
    page.location.hash = '';
    expect(page.fire(page.graph, 'keydown', { target: page.node, key: ' ' }).defaultPrevented).toBe(true);
    expect(page.location.hash).toBe('phase-7');
    expect(page.fire(page.graph, 'keydown', { target: page.node, key: 'Tab' }).defaultPrevented).toBe(false);
  });

  it('leaves Enter on a link of the graph section to the browser', () => {
    const page = loadPage();
    const event = page.fire(page.graph, 'keydown', { target: page.link, key: 'Enter' });
    expect(event.defaultPrevented).toBe(false);
    expect(page.location.hash).toBe('');
  });

  it("shows a node's details in the tooltip on hover and focus, and hides it when the pointer or focus leaves", () => {
    const page = loadPage();
    page.fire(page.graph, 'mousemove', { target: page.label, clientX: 100, clientY: 50 });
    expect(page.tip).toMatchObject({ hidden: false, textContent: 'Phase 7: Ship\nfailed', style: { left: '114px', top: '64px' } });
    page.fire(page.graph, 'mouseleave', { target: page.graph });
    expect(page.tip.hidden).toBe(true);
    page.fire(page.graph, 'focusin', { target: page.node });
    expect(page.tip).toMatchObject({ hidden: false, style: { left: '10px', top: '26px' } });
    page.fire(page.graph, 'focusout', { target: page.node });
    expect(page.tip.hidden).toBe(true);
  });

  it('replaces the SVG titles of bars and nodes (the tooltip takes their place) and keeps the rest', () => {
    const page = loadPage();
    expect(page.bar.children).toEqual([]);
    expect(page.node.children.map((child) => child.tag)).toEqual(['text']);
  });

  it("opens the graph's box on where the picture starts", () => {
    expect(loadPage('240 1392').canvas).toMatchObject({ scrollLeft: 240, scrollTop: 1392 });
  });

  it('still jumps from a timeline bar to its phase, and from a wait to the phase that waits', () => {
    const page = loadPage();
    page.fire(page.timeline, 'click', { target: page.bar });
    expect(page.location.hash).toBe('phase-2');
    page.fire(page.timeline, 'click', { target: page.wait });
    expect(page.location.hash).toBe('phase-3');
  });
});
