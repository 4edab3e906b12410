/**
 * The core's checks of a patient's fields and weights, in one pass so that a form hears every
 * problem at once: what is refused (an impossible weight or age, a birth date in the future, an
 * unreadable weight or microchip) and what needs a person's confirmation (unusual, or a likely
 * duplicate). The services call this before writing; the dispatcher calls it on input its schema
 * refused, for the same reason.
 */
import type { DuplicateRecord, WeightUnit } from '../../src-preload/contract'
import { checkBirthDate, checkWeight, isSpecies, readWeight, type FieldIssue } from '../core/plausible'
import { MicrochipError, parseMicrochip } from '../core/microchip'
import { ApiError } from '../api/errors'
import { issuesMessage } from '../../src-preload/contract/plain-errors'

export interface CheckedFields {
  species?: unknown
  breed?: unknown
  dateOfBirth?: unknown
  microchip?: unknown
  /** a weight as typed, with its unit */
  weight?: unknown
  /** or in kilograms (API callers) */
  weightKg?: unknown
}

export interface CheckContext {
  /** YYYY-MM-DD */
  today: string
  /** the patient's last weight, for a change too big to be believed without a look */
  last?: { kg: number; at: string } | null
  name?: string
}

/** Every issue with these fields, and the weight in kilograms when one was given and readable. */
export function fieldIssues(i: CheckedFields, ctx: CheckContext): { issues: FieldIssue[]; kg: number | null } {
  const issues: FieldIssue[] = []
  const species = isSpecies(i.species) ? i.species : null
  let kg: number | null = null
  let unit: WeightUnit = 'kg'
  let path = 'weightKg'
  const w = i.weight as { text?: unknown; unit?: unknown } | undefined
  if (w && typeof w === 'object' && typeof w.text === 'string' && (w.unit === 'kg' || w.unit === 'lb')) {
    unit = w.unit
    path = 'weight'
    const read = readWeight(w.text, w.unit)
    if ('error' in read) issues.push({ path, severity: 'refuse', message: read.error })
    else kg = read.kg
  } else if (typeof i.weightKg === 'number' && Number.isFinite(i.weightKg) && i.weightKg > 0) {
    kg = i.weightKg
  }
  if (kg !== null && species) issues.push(...checkWeight(kg, species, { unit, path, last: ctx.last, name: ctx.name }))
  if (typeof i.dateOfBirth === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(i.dateOfBirth) && species) {
    issues.push(...checkBirthDate(i.dateOfBirth, species, ctx.today, typeof i.breed === 'string' ? i.breed : null))
  }
  if (typeof i.microchip === 'string' && i.microchip.trim()) {
    try {
      parseMicrochip(i.microchip)
    } catch (e) {
      if (!(e instanceof MicrochipError)) throw e
      issues.push({ path: 'microchip', severity: 'refuse', message: e.message })
    }
  }
  return { issues, kg }
}

/**
 * Throws what the caller must hear before anything is written: refused issues (invalid-input,
 * with the ones needing confirmation listed too, so the form shows everything at once), else,
 * unless confirmed, the issues and likely duplicates that need a person's yes (needs-confirmation).
 */
export function refuseOrAsk(issues: FieldIssue[], confirmed: boolean, duplicates: DuplicateRecord[] = []): void {
  const plain = issues.map(({ path, message }) => ({ path, message }))
  const refused = issues.filter((i) => i.severity === 'refuse')
  if (refused.length) throw new ApiError('invalid-input', issuesMessage(refused), plain)
  if (confirmed || (issues.length === 0 && duplicates.length === 0)) return
  const asks = [...plain, ...duplicates.map((d) => ({ path: '(duplicate)', message: `${d.label}: ${d.reason}` }))]
  throw new ApiError('needs-confirmation', `Please confirm: ${issuesMessage(asks)}`, asks, duplicates.length ? duplicates : undefined)
}
