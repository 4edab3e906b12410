/**
 * Modality Worklist C-FIND matching (PS3.4 C.2.2.2): universal matching for empty keys, wildcards
 * (* and ?), date and time ranges, UID lists, and matching inside the Scheduled Procedure Step
 * item. Only the keys asked for come back. Pure functions over naturalized datasets (dcmjs names).
 */
import { nextDay } from '../core/clinic-day'

export type Naturalized = Record<string, unknown>

/** A worklist item as VetOS offers it, already in DICOM attribute names and value formats. */
export interface WorklistItem {
  top: Record<string, string>
  step: Record<string, string>
}

const STEP = 'ScheduledProcedureStepSequence'
const DATE_KEYS = new Set(['PatientBirthDate', 'ScheduledProcedureStepStartDate', 'StudyDate'])
const TIME_KEYS = new Set(['ScheduledProcedureStepStartTime', 'StudyTime'])
const PN_KEYS = new Set(['PatientName', 'ResponsiblePerson', 'ReferringPhysicianName', 'ScheduledPerformingPhysicianName', 'RequestingPhysician'])
const UID_KEYS = new Set(['StudyInstanceUID', 'SOPInstanceUID', 'SOPClassUID'])

/** A key's value in a query as text: '' for empty (universal), PN objects read as their alphabetic form. */
export function queryText(v: unknown): string {
  if (v === undefined || v === null) return ''
  if (Array.isArray(v)) return v.length === 0 ? '' : queryText(v[0])
  if (typeof v === 'object') return queryText((v as { Alphabetic?: unknown }).Alphabetic ?? '')
  return String(v).trim()
}

const patterns = new Map<string, RegExp>()

function wildcard(pattern: string, value: string, caseless: boolean): boolean {
  const key = `${caseless ? 'i' : 's'}${pattern}`
  let re = patterns.get(key)
  if (!re) {
    if (patterns.size > 1000) patterns.clear()
    re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, caseless ? 'is' : 's')
    patterns.set(key, re)
  }
  return re.test(value)
}

/** A range "from-to", "-to" or "from-": open ends match all; a short bound covers its whole span (1030 is 10:30:00–10:30:59). */
function inRange(query: string, value: string, width: number): boolean {
  const digits = (x: string) => x.replace(/[^0-9]/g, '').slice(0, width)
  if (!value) return false
  const [from, to] = query.split('-')
  const v = digits(value).padEnd(width, '0')
  return (!from || v >= digits(from).padEnd(width, '0')) && (!to || v <= digits(to).padEnd(width, '9'))
}

/** Does one key match? Empty query values match everything (universal matching). */
export function keyMatches(key: string, query: string, value: string): boolean {
  if (query === '' || query === '*') return true
  if (DATE_KEYS.has(key) && query.includes('-')) return inRange(query, value, 8)
  if (TIME_KEYS.has(key) && query.includes('-')) return inRange(query, value, 6)
  if (TIME_KEYS.has(key)) return inRange(`${query}-${query}`, value, 6)
  if (UID_KEYS.has(key)) return query.split('\\').includes(value)
  if (/[*?]/.test(query)) return wildcard(query, value, PN_KEYS.has(key))
  return PN_KEYS.has(key) ? query.toUpperCase() === value.toUpperCase() : query === value
}

function stepItem(query: Naturalized): Naturalized | null {
  const seq = query[STEP]
  if (seq === undefined) return null
  if (Array.isArray(seq)) return (seq[0] as Naturalized | undefined) ?? {}
  return typeof seq === 'object' && seq ? (seq as Naturalized) : {}
}

const IGNORED = new Set(['SpecificCharacterSet', '_vrMap', 'QueryRetrieveLevel'])

/** Matches the query against the items; each result holds exactly the keys the query asked for. */
export function findWorklist(query: Naturalized, items: WorklistItem[]): Naturalized[] {
  const topKeys = Object.keys(query).filter((k) => k !== STEP && !IGNORED.has(k))
  const step = stepItem(query)
  const stepKeys = step ? Object.keys(step).filter((k) => !IGNORED.has(k)) : []
  const out: Naturalized[] = []
  for (const item of items) {
    // A key VetOS does not keep is not used for matching (it comes back empty): PS3.4 C.2.2.1.
    if (!topKeys.every((k) => !(k in item.top) || keyMatches(k, queryText(query[k]), item.top[k]))) continue
    if (step && !stepKeys.every((k) => !(k in item.step) || keyMatches(k, queryText(step[k]), item.step[k]))) continue
    const result: Naturalized = {}
    for (const k of topKeys) result[k] = value(k, item.top[k] ?? '')
    if (step) {
      const keys = stepKeys.length ? stepKeys : Object.keys(item.step)
      result[STEP] = [Object.fromEntries(keys.map((k) => [k, value(k, item.step[k] ?? '')]))]
    }
    out.push(result)
  }
  return out
}

/** dcmjs writes person names from objects; everything else as given. */
function value(key: string, v: string): unknown {
  return PN_KEYS.has(key) ? [{ Alphabetic: v }] : v
}

/** Exact keys and a time window taken from a worklist query (ISO instants, UTC). */
export interface WorklistNarrowing {
  accessionNumber?: string
  patientId?: string
  studyInstanceUids?: string[]
  from?: string
  before?: string
}

/** What of a query can narrow the rows read before matching: exact keys and the scheduled date (UTC). */
export function narrowing(query: Naturalized): WorklistNarrowing {
  const exact = (v: unknown) => {
    const t = queryText(v)
    return t && !/[*?\\]/.test(t) ? t : undefined
  }
  const out: WorklistNarrowing = { accessionNumber: exact(query.AccessionNumber), patientId: exact(query.PatientID) }
  const uids = queryText(query.StudyInstanceUID)
  if (uids) out.studyInstanceUids = uids.split('\\')
  const step = stepItem(query)
  const date = step ? queryText(step.ScheduledProcedureStepStartDate).replace(/[^0-9-]/g, '') : ''
  if (date) {
    const day = (d: string) => (/^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : null)
    const [a, b] = date.includes('-') ? date.split('-') : [date, date]
    const from = day(a)
    const to = day(b)
    if (from) out.from = `${from}T00:00:00.000Z`
    if (to) out.before = `${nextDay(to)}T00:00:00.000Z`
  }
  return out
}
