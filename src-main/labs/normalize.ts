/**
 * What a lab sends, normalized to what the chart shows: numbers as numbers, reference ranges as
 * bounds, abnormal flags in one vocabulary. Both HL7 and ASTM parsers produce these shapes.
 */
import type { PatientIdentifiers } from '../matching/rule'
import type { LabProfile } from '../../src-preload/contract'
export type ReportIdentifiers = PatientIdentifiers

export interface NormalizedObservation {
  code: string
  name: string
  subId: string | null
  valueType: string
  valueNum: number | null
  valueText: string | null
  units: string | null
  refRange: string | null
  refLow: number | null
  refHigh: number | null
  flag: AbnormalFlag | null
  /** P preliminary, F final, C corrected, X cannot be done, I pending */
  status: string
  observedAt: string | null
  instrument: string | null
  /** an embedded document (PDF) */
  document?: { mime: string; content: Buffer; title: string }
}

export interface NormalizedReport {
  orderNumber: string | null
  fillerNumber: string | null
  title: string | null
  status: string
  observedAt: string | null
  identifiers: ReportIdentifiers
  observations: NormalizedObservation[]
}

export type AbnormalFlag = 'L' | 'H' | 'LL' | 'HH' | 'N' | 'A' | 'AA' | '<' | '>'
const FLAGS = new Set<string>(['L', 'H', 'LL', 'HH', 'N', 'A', 'AA', '<', '>'])

export function parseFlag(raw: string): AbnormalFlag | null {
  const f = raw.trim().toUpperCase()
  return FLAGS.has(f) ? (f as AbnormalFlag) : null
}

/** "3.5-5.5", "3.5 - 5.5", "<1.0", ">= 10", "0,5-1,2" → bounds; anything else is kept as text only. */
export function parseRange(raw: string): { low: number | null; high: number | null } {
  const s = raw.trim().replace(/,/g, '.')
  let m = /^(-?\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(-?\d+(?:\.\d+)?)$/.exec(s)
  if (m) return { low: Number(m[1]), high: Number(m[2]) }
  m = /^<=?\s*(-?\d+(?:\.\d+)?)$/.exec(s)
  if (m) return { low: null, high: Number(m[1]) }
  m = /^>=?\s*(-?\d+(?:\.\d+)?)$/.exec(s)
  if (m) return { low: Number(m[1]), high: null }
  return { low: null, high: null }
}

/** A numeric value, or null when the text is not one ("<0.1" stays text). */
export function parseNumber(raw: string): number | null {
  const s = raw.trim()
  return /^-?\d+(?:[.,]\d+)?$/.test(s) ? Number(s.replace(',', '.')) : null
}

/** The flag a lab left out, derived from the range; the lab's own flag always wins. */
export function effectiveFlag(o: { flag: string | null; valueNum: number | null; refLow: number | null; refHigh: number | null }): AbnormalFlag | null {
  const given = o.flag ? parseFlag(o.flag) : null
  if (given) return given
  if (o.valueNum === null) return null
  if (o.refLow !== null && o.valueNum < o.refLow) return 'L'
  if (o.refHigh !== null && o.valueNum > o.refHigh) return 'H'
  return o.refLow !== null || o.refHigh !== null ? 'N' : null
}

export const isAbnormal = (flag: string | null): boolean => !!flag && flag !== 'N'
export const isCritical = (flag: string | null): boolean => flag === 'HH' || flag === 'LL' || flag === 'AA'

/**
 * A lab's or analyzer's own result codes become the clinic's (the profile's code map), so its values
 * trend with another lab's; a code it does not map keeps its own, named from the profile's catalog.
 */
export function applyCodeMap(lab: Pick<LabProfile, 'codeMap' | 'catalog'> | undefined, reports: NormalizedReport[]): void {
  const names = new Map((lab?.catalog ?? []).map((t) => [t.code, t.name]))
  for (const r of reports)
    for (const o of r.observations) {
      if (o.document) continue
      const mapped = lab?.codeMap?.[o.code]
      if (mapped) Object.assign(o, { code: mapped.code, name: mapped.name })
      else if (o.name === o.code) o.name = names.get(o.code) ?? o.name
    }
}
