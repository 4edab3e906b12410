/**
 * Length labels that say what they are. cornerstone 5.14 labels a length "px" whenever the image
 * plane used default values (projection radiographs carry no Image Position/Orientation, so nearly
 * every DX), while it has already multiplied by the spacing: a millimetre figure with a pixel unit.
 * So lengths are labelled here, from the pixel distance and the calibration the server determined
 * for the instance (the same one the badge shows):
 *   pixel_spacing        → mm
 *   imager_pixel_spacing → mm, marked "at detector" (not corrected for magnification)
 *   none                 → px
 *   ultrasound_region    → cornerstone's own figure (it reads the regions itself)
 */
import { getEnabledElements } from '@cornerstonejs/core'
import type { Types as CoreTypes } from '@cornerstonejs/core'
import type { ImagingInstance } from '../../../src-preload/contract'
import { sameInstance } from './imageIds'

type Calibration = ImagingInstance['calibration']
type Point3 = [number, number, number]

const registry = new Map<string, Calibration>()

/** The viewer registers each image it shows, by its image id without the frame. */
export function registerCalibration(imageIdBase: string, calibration: Calibration): void {
  registry.set(imageIdBase, calibration)
}

function calibrationFor(imageId: string): Calibration | undefined {
  for (const [base, c] of registry) if (sameInstance(imageId, base)) return c
  return undefined
}

/** Pixel distance between two world points on the image shown in any viewport (index space). */
function pixelDelta(imageId: string, points: Point3[]): [number, number] | null {
  for (const e of getEnabledElements()) {
    const vp = e.viewport as CoreTypes.IStackViewport
    if (typeof vp.getCurrentImageId !== 'function' || vp.getCurrentImageId() !== imageId) continue
    const imageData = vp.getImageData()?.imageData
    if (!imageData?.worldToIndex) continue
    const a = imageData.worldToIndex(points[0]) as number[]
    const b = imageData.worldToIndex(points[1]) as number[]
    return [Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1])]
  }
  return null
}

export interface LengthMeasure {
  value: number
  unit: 'mm' | 'px' | string
  /** words after the figure, when the unit alone would mislead */
  qualifier: string
}

/** The length of a two-point annotation as the record should state it, or null until it can be computed. */
export function measureLength(data: { handles?: { points?: Point3[] }; cachedStats?: Record<string, { length?: number; unit?: string }> }, targetId: string): LengthMeasure | null {
  const imageId = targetId.replace(/^imageId:/, '')
  const points = data.handles?.points
  const cal = calibrationFor(imageId)
  if (!points || points.length < 2) return null
  if (!cal || cal.kind === 'ultrasound_region') {
    const s = data.cachedStats?.[targetId]
    return s?.length != null && !Number.isNaN(s.length) ? { value: s.length, unit: s.unit ?? '', qualifier: '' } : null
  }
  const d = pixelDelta(imageId, points)
  if (!d) return null
  const [di, dj] = d
  if (cal.kind === 'none' || cal.columnSpacingMm == null || cal.rowSpacingMm == null) return { value: Math.hypot(di, dj), unit: 'px', qualifier: '' }
  // Columns step along a row (x) by the column spacing, rows (y) by the row spacing.
  const mm = Math.hypot(di * cal.columnSpacingMm, dj * cal.rowSpacingMm)
  return { value: mm, unit: 'mm', qualifier: cal.kind === 'imager_pixel_spacing' ? ' at detector' : '' }
}

export function formatLength(m: LengthMeasure | null): string | null {
  if (!m) return null
  return `${m.value.toFixed(m.unit === 'px' ? 0 : 1)} ${m.unit}${m.qualifier}`
}

/** getTextLines for the Length tool. */
export function lengthTextLines(data: Parameters<typeof measureLength>[0], targetId: string): string[] | undefined {
  const text = formatLength(measureLength(data, targetId))
  return text ? [text] : undefined
}
