/**
 * Vertebral heart score (Buchanan & Bücheler, 1995) on a lateral thoracic radiograph.
 *
 * The workflow a vet knows, drawn as three lines:
 *   1. L, the heart's long axis: ventral border of the left main-stem bronchus (carina) to the apex;
 *   2. S, the short axis: the widest part of the heart, perpendicular to L, at the caudal vena cava;
 *   3. the spine reference: along the vertebral bodies from the cranial edge of T4, over a whole
 *      number of vertebrae the vet enters (4 by default: cranial edge of T4 to caudal edge of T7).
 * VHS = (L + S) expressed in vertebrae = (L + S) / (spine line / vertebrae counted). It is a
 * ratio of lengths on one image, so it needs no pixel spacing and magnification cancels out;
 * it is the "transpose L and S onto the spine from T4" count done by the computer, using the
 * mean length of the vertebrae drawn over instead of counting to the nearest tenth by eye.
 *
 * Each line is a Length annotation of its own tool, so it is drawn, edited, saved and restored
 * like any other measurement; the vertebra count is kept on the spine line's data.
 */
import { LengthTool, annotation as csAnnotation } from '@cornerstonejs/tools'
import type { Types as ToolTypes } from '@cornerstonejs/tools'
import { sameInstance } from './imageIds'
import { formatLength, measureLength } from './calibration'

type Point3 = [number, number, number]

function lengthText(prefix: string) {
  return (data: Parameters<typeof measureLength>[0], targetId: string): string[] => {
    const text = formatLength(measureLength(data, targetId))
    return [text ? `${prefix} ${text}` : prefix]
  }
}

export class VhsLongAxisTool extends LengthTool {
  static toolName = 'VhsLongAxis'
  constructor(props = {}) {
    super(props)
    this.configuration.getTextLines = lengthText('VHS L')
  }
}
export class VhsShortAxisTool extends LengthTool {
  static toolName = 'VhsShortAxis'
  constructor(props = {}) {
    super(props)
    this.configuration.getTextLines = lengthText('VHS S')
  }
}
export class VhsSpineTool extends LengthTool {
  static toolName = 'VhsSpine'
  constructor(props = {}) {
    super(props)
    this.configuration.getTextLines = (data: { vertebrae?: number }) => [`Spine from T4, ${data.vertebrae ?? DEFAULT_VERTEBRAE} vertebrae`]
  }
}

export const VHS_TOOLS = [VhsLongAxisTool, VhsShortAxisTool, VhsSpineTool]
export const VHS_TOOL_NAMES = { long: VhsLongAxisTool.toolName, short: VhsShortAxisTool.toolName, spine: VhsSpineTool.toolName } as const
export const DEFAULT_VERTEBRAE = 4

/** Published reference ranges, shown next to the score (breed ranges differ; the vet judges). */
export const VHS_REFERENCE = {
  dog: { low: 8.7, high: 10.7, label: 'Dog 8.7–10.7 v (Buchanan 1995; breed ranges differ)' },
  cat: { low: 6.7, high: 8.1, label: 'Cat 6.7–8.1 v (Litster & Buchanan 2000)' }
} as const

/** The three lines get their own colours so L, S and the spine line are told apart at a glance. */
export function styleVhsTools(): void {
  const style = csAnnotation.config.style
  const defaults = style.getDefaultToolStyles()
  style.setDefaultToolStyles({
    ...defaults,
    [VHS_TOOL_NAMES.long]: { color: 'rgb(255, 120, 80)', textBoxColor: 'rgb(255, 150, 120)' },
    [VHS_TOOL_NAMES.short]: { color: 'rgb(225, 120, 255)', textBoxColor: 'rgb(235, 160, 255)' },
    [VHS_TOOL_NAMES.spine]: { color: 'rgb(90, 200, 255)', textBoxColor: 'rgb(140, 215, 255)', lineDash: '6,4' }
  } as never)
}

const dist = (a: Point3, b: Point3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])

export interface VhsResult {
  /** world lengths (mm when the image has a spacing, else pixels; the ratio does not care) */
  long: number | null
  short: number | null
  spine: number | null
  vertebrae: number
  /** in vertebrae; null until all three lines are drawn */
  vhs: number | null
  longV: number | null
  shortV: number | null
}

/** The latest line of each kind on the image shown (a redrawn line replaces the earlier one). */
export function computeVhs(annotations: ToolTypes.Annotation[], imageIdPrefix: string): VhsResult {
  const latest = (tool: string) =>
    annotations.filter((a) => a.metadata?.toolName === tool && sameInstance(String(a.metadata?.referencedImageId ?? ''), imageIdPrefix)).at(-1)
  const len = (a: ToolTypes.Annotation | undefined) => {
    const p = a?.data?.handles?.points as Point3[] | undefined
    return p && p.length >= 2 ? dist(p[0], p[1]) : null
  }
  const spineA = latest(VHS_TOOL_NAMES.spine)
  const vertebrae = Number((spineA?.data as { vertebrae?: number } | undefined)?.vertebrae ?? DEFAULT_VERTEBRAE)
  const long = len(latest(VHS_TOOL_NAMES.long))
  const short = len(latest(VHS_TOOL_NAMES.short))
  const spine = len(spineA)
  const unit = spine && spine > 0 ? spine / vertebrae : null
  const longV = long != null && unit ? long / unit : null
  const shortV = short != null && unit ? short / unit : null
  return { long, short, spine, vertebrae, longV, shortV, vhs: longV != null && shortV != null ? longV + shortV : null }
}

/** Stamps the vertebra count on every spine line of the image (it is saved with the annotation). */
export function setVertebrae(annotations: ToolTypes.Annotation[], imageIdPrefix: string, vertebrae: number): void {
  for (const a of annotations) {
    if (a.metadata?.toolName === VHS_TOOL_NAMES.spine && sameInstance(String(a.metadata?.referencedImageId ?? ''), imageIdPrefix)) {
      ;(a.data as { vertebrae?: number }).vertebrae = vertebrae
    }
  }
}
