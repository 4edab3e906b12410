/**
 * Time from a click that opens an image to its first render, for the imaging benchmark.
 * The click sets a performance mark; the viewer measures to its first CORNERSTONE_IMAGE_RENDERED
 * and leaves the figure in three places a harness can read: the viewport element's
 * data-first-render-ms attribute, a performance measure named 'vetos-imaging-first-render', and
 * window.__vetosImaging.firstRenderMs (with the count of renders so far).
 */
const OPEN_MARK = 'vetos-imaging-open'
export const FIRST_RENDER_MEASURE = 'vetos-imaging-first-render'

declare global {
  interface Window {
    __vetosImaging?: { firstRenderMs: number | null; renders: number; cpu: boolean }
  }
}

export function markOpen(): void {
  performance.clearMarks(OPEN_MARK)
  performance.mark(OPEN_MARK)
}

/** Milliseconds since the last open click (or since the viewer mounted, when none was marked). */
export function recordFirstRender(element: HTMLElement, mountedAt: number, cpu: boolean): number {
  const hasMark = performance.getEntriesByName(OPEN_MARK, 'mark').length > 0
  const ms = hasMark ? performance.now() - performance.getEntriesByName(OPEN_MARK, 'mark').at(-1)!.startTime : performance.now() - mountedAt
  try {
    performance.clearMeasures(FIRST_RENDER_MEASURE)
    if (hasMark) performance.measure(FIRST_RENDER_MEASURE, OPEN_MARK)
  } catch {
    /* a measure is a convenience; the attribute below is the figure */
  }
  // One click, one figure: a viewer mounted later (compare view) measures from its own mount.
  performance.clearMarks(OPEN_MARK)
  element.dataset.firstRenderMs = String(Math.round(ms))
  const w = (window.__vetosImaging ??= { firstRenderMs: null, renders: 0, cpu })
  w.firstRenderMs = ms
  w.renders++
  w.cpu = cpu
  return ms
}
