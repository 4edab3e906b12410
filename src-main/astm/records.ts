/**
 * ASTM E1394 (LIS2-A2) records: H header (its first characters declare the delimiters), P patient,
 * O order, R result, C comment, Q request, L terminator. Field n of a record is at index n-1 with
 * the record type as field 1. Where an analyzer puts things varies, so the positions VetOS reads
 * are an analyzer profile, not code.
 */
import type { LabProfile } from '../../src-preload/contract'
import type { NormalizedObservation, NormalizedReport } from '../labs/normalize'
import { parseFlag, parseNumber, parseRange } from '../labs/normalize'

export interface Delimiters {
  field: string
  repeat: string
  component: string
  escape: string
}

export const DEFAULT_DELIMITERS: Delimiters = { field: '|', repeat: '\\', component: '^', escape: '&' }

/** Where one analyzer puts what VetOS reads (1-based field numbers, as in the standard). */
export interface AstmProfile {
  patientIdField: number
  patientNameField: number
  patientDobField: number
  patientSexField: number
  /** where the analyzer writes the species, if it does (0: it does not) */
  patientSpeciesField: number
  sampleIdField: number
  resultCodeField: number
  /** the component of the universal test id holding the analyzer's test code (^^^CODE → 4) */
  resultCodeComponent: number
  resultValueField: number
  resultUnitsField: number
  resultRangeField: number
  resultFlagField: number
  resultStatusField: number
  resultTimeField: number
  resultInstrumentField: number
}

export const STANDARD_PROFILE: AstmProfile = {
  patientIdField: 3,
  patientNameField: 6,
  patientDobField: 8,
  patientSexField: 9,
  patientSpeciesField: 0,
  sampleIdField: 3,
  resultCodeField: 3,
  resultCodeComponent: 4,
  resultValueField: 4,
  resultUnitsField: 5,
  resultRangeField: 6,
  resultFlagField: 7,
  resultStatusField: 9,
  resultTimeField: 13,
  resultInstrumentField: 14
}

/** The field positions an analyzer's profile sets, over the standard ones. */
export function astmProfile(lab: Pick<LabProfile, 'astmFields'> | undefined): AstmProfile {
  return { ...STANDARD_PROFILE, ...(lab?.astmFields ?? {}) } as AstmProfile
}

export class AstmRecordError extends Error {}

export interface AstmRecord {
  type: string
  fields: string[]
}

export function unescapeAstm(v: string, d: Delimiters): string {
  const e = d.escape
  if (!v.includes(e)) return v
  return v.replace(new RegExp(`\\${e}([FSRE])\\${e}`, 'g'), (_, c: string) => ({ F: d.field, S: d.component, R: d.repeat, E: d.escape })[c]!)
}

export function escapeAstm(v: string, d: Delimiters = DEFAULT_DELIMITERS): string {
  let out = ''
  for (const ch of v) {
    if (ch === d.escape) out += `${d.escape}E${d.escape}`
    else if (ch === d.field) out += `${d.escape}F${d.escape}`
    else if (ch === d.component) out += `${d.escape}S${d.escape}`
    else if (ch === d.repeat) out += `${d.escape}R${d.escape}`
    // E1394 has no escape for control characters, and STX, ETX, ETB, EOT, CR or LF inside a
    // record would end the frame or the record: every C0 control and DEL goes out as a space.
    else if (ch < ' ' || ch === '\x7f') out += ' '
    else out += ch
  }
  return out
}

/** The universal test id for a code: ^^^CODE. */
export const testId = (code: string): Components => ['', '', '', code]

/** A transmission's text → records, with the delimiters its header declares. */
export function parseRecords(text: string): { delimiters: Delimiters; records: AstmRecord[] } {
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.length > 0)
  const header = lines[0]
  if (!header || !/^\d?H/.test(header)) throw new AstmRecordError('The transmission does not start with an H record')
  const at = header.indexOf('H')
  const d: Delimiters = { field: header[at + 1], repeat: header[at + 2], component: header[at + 3], escape: header[at + 4] }
  if (!d.field || !d.repeat || !d.component || !d.escape || new Set(Object.values(d)).size !== 4) throw new AstmRecordError('The H record does not declare four distinct delimiters')
  const records = lines.map((line) => {
    const clean = line.replace(/^\d(?=[A-Z])/, '') // some analyzers prefix the frame number
    const fields = clean.split(d.field)
    return { type: fields[0].toUpperCase(), fields }
  })
  return { delimiters: d, records }
}

function field(r: AstmRecord, n: number, d: Delimiters, component = 1, repeat = 0): string {
  if (r.type === 'H' && n === 2) return ''
  const raw = r.fields[n - 1] ?? ''
  const rep = raw.split(d.repeat)[repeat] ?? ''
  return unescapeAstm(rep.split(d.component)[component - 1] ?? '', d)
}

const astmDate = (v: string): string | undefined => (/^\d{8}/.test(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` : undefined)
function astmTime(v: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?/.exec(v)
  if (!m) return null
  const t = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}Z`)
  return Number.isNaN(t) ? null : new Date(t).toISOString()
}

export interface HostQuery {
  sampleIds: string[]
}

/** What a transmission carries: result reports (one per O record with results), or a host query. */
export function readTransmission(text: string, profile: AstmProfile = STANDARD_PROFILE): { reports: NormalizedReport[]; query: HostQuery | null; sender: string } {
  const { delimiters: d, records } = parseRecords(text)
  if (records[records.length - 1]?.type !== 'L') throw new AstmRecordError('The transmission has no L (terminator) record')
  const sender = field(records[0], 5, d)
  const reports: NormalizedReport[] = []
  let identifiers: NormalizedReport['identifiers'] = {}
  let current: NormalizedReport | null = null
  let query: HostQuery | null = null
  for (const r of records) {
    switch (r.type) {
      case 'P': {
        // Each P record starts a patient group: nothing of an earlier patient carries over.
        const name = field(r, profile.patientNameField, d, 1)
        const first = field(r, profile.patientNameField, d, 2)
        identifiers = Object.fromEntries(
          Object.entries({ patientId: field(r, profile.patientIdField, d), ownerLastName: first ? name : undefined, petName: first || name, dateOfBirth: astmDate(field(r, profile.patientDobField, d)), sex: field(r, profile.patientSexField, d), species: profile.patientSpeciesField ? field(r, profile.patientSpeciesField, d) : undefined }).filter(([, v]) => v)
        )
        current = null
        break
      }
      case 'O': {
        // An O record before any P has no patient: its results can only go to review.
        current = { orderNumber: field(r, profile.sampleIdField, d) || null, fillerNumber: field(r, 4, d) || null, title: null, status: field(r, 26, d) === 'P' ? 'P' : 'F', observedAt: astmTime(field(r, 8, d)), identifiers, observations: [] }
        reports.push(current)
        break
      }
      case 'R': {
        if (!current) throw new AstmRecordError('An R record comes before any O record')
        current.observations.push(readResult(r, d, profile))
        break
      }
      case 'C':
        if (current?.observations.length) {
          const last = current.observations[current.observations.length - 1]
          last.valueText = [last.valueText, field(r, 4, d, 1)].filter(Boolean).join('\n')
        }
        break
      case 'Q': {
        const ids = (r.fields[2] ?? '').split(d.repeat).map((rep) => unescapeAstm(rep.split(d.component)[1] ?? rep.split(d.component)[0] ?? '', d)).filter(Boolean)
        query = { sampleIds: ids }
        break
      }
    }
  }
  for (const rep of reports) {
    rep.title = rep.observations.length ? rep.observations.map((o) => o.code).slice(0, 4).join(', ') + (rep.observations.length > 4 ? '…' : '') : null
    if (rep.observations.some((o) => o.status === 'P')) rep.status = 'P'
  }
  return { reports: reports.filter((r) => r.observations.length > 0), query, sender }
}

function readResult(r: AstmRecord, d: Delimiters, p: AstmProfile): NormalizedObservation {
  const code = field(r, p.resultCodeField, d, p.resultCodeComponent) || field(r, p.resultCodeField, d, 1)
  if (!code) throw new AstmRecordError('An R record has no test code')
  const raw = field(r, p.resultValueField, d)
  const range = field(r, p.resultRangeField, d).replace(/\s+to\s+/i, '-')
  const bounds = parseRange(range)
  const num = parseNumber(raw)
  const status = field(r, p.resultStatusField, d) || 'F'
  return {
    code,
    name: code,
    subId: null,
    valueType: num === null ? 'ST' : 'NM',
    valueNum: num,
    valueText: num === null ? raw || null : null,
    units: field(r, p.resultUnitsField, d) || null,
    refRange: range || null,
    refLow: bounds.low,
    refHigh: bounds.high,
    flag: parseFlag(field(r, p.resultFlagField, d)),
    status: status === 'R' ? 'F' : status,
    observedAt: astmTime(field(r, p.resultTimeField, d)),
    instrument: field(r, p.resultInstrumentField, d) || null
  }
}

type Components = (string | null | undefined)[]
type FieldValue = string | number | null | undefined | Components | Components[]

/** Builds records from field values (index 0 = field 1, the type). An array is components; an array of arrays is repeats. */
export function record(values: FieldValue[], d: Delimiters = DEFAULT_DELIMITERS): string {
  const comps = (c: Components) => c.map((x) => escapeAstm(x ?? '', d)).join(d.component)
  return values
    .map((v) => (v === null || v === undefined ? '' : Array.isArray(v) ? (Array.isArray(v[0]) ? (v as Components[]).map(comps).join(d.repeat) : comps(v as Components)) : escapeAstm(String(v), d)))
    .join(d.field)
    .replace(new RegExp(`\\${d.field}+$`), '')
}

export function headerRecord(sender: string, now: Date, d: Delimiters = DEFAULT_DELIMITERS): string {
  return `H${d.field}${d.repeat}${d.component}${d.escape}${d.field}${d.field}${d.field}${escapeAstm(sender, d)}${d.field.repeat(7)}P${d.field}1${d.field}${astmStamp(now)}`
}

export function astmStamp(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14)
}
