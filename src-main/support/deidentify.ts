/**
 * Patient identity removed from a captured message before it goes to VetOS support: what support
 * needs to build a device's profile is the structure (which segment, record or tag holds what),
 * the codes, values, units, ranges, flags and order numbers, and the animal's species, breed and
 * sex. Names, ids, dates of birth, addresses, phones and doctors are replaced by REMOVED in place,
 * so every field keeps its position; free text loses any name or id found elsewhere in the message;
 * embedded documents (a PDF report) are dropped whole. What cannot be read reliably is refused,
 * never sent half-cleaned.
 */
import type { CapturedPart } from '../../src-preload/contract'
import { escape as hl7Escape, unescape as hl7Unescape, type Encoding } from '../hl7/codec'
import { escapeAstm, parseRecords, unescapeAstm, STANDARD_PROFILE, type Delimiters } from '../astm/records'
import { Identifiers, REMOVED, scrubEmails } from './identifiers'
import { isAnimalWord } from './animal-words'
import { pidPlaces } from '../hl7/lab-messages'

export { REMOVED } from './identifiers'

export interface Deidentified {
  /** the message without identity, one segment / record / attribute per line */
  text: string
  /** where something was removed (PID-5, P-6, (0010,0010), OBX-5 embedded document), for the review */
  removed: string[]
}

export class DeidentifyError extends Error {}

// ------------------------------------------------------------------ HL7 v2

/**
 * Segments whose fields are all identity but for the ones kept (set ids, the animal's sex; PID's
 * species and breed are added from the lab's profile, see deidentifyHl7).
 */
const HL7_KEEP_ONLY: Record<string, number[]> = {
  PID: [1, 8],
  PD1: [],
  NK1: [1, 3],
  GT1: [1],
  IN1: [1, 2, 3, 4],
  IN2: [],
  IN3: [1],
  ACC: []
}

/** Fields of other segments that name a person (doctors, callers, the owner's phone). */
const HL7_REMOVE: Record<string, number[]> = {
  PV1: [7, 8, 9, 17, 19, 50, 52],
  ORC: [10, 11, 12, 14, 19, 24],
  OBR: [10, 16, 17, 28, 32, 33, 34, 35],
  OBX: [16],
  ROL: [4, 11, 12]
}

type Kind = 'name' | 'id' | 'phone'
/** The components of an XTN that hold a number or an address, not its use codes (PRN, PH). */
const XTN = [1, 4, 6, 7, 12]
/** A person's names in an XCN (doctors): family, given, middle. */
const XCN = [2, 3, 4]

/** Where identifying values are read from before anything is rewritten: [segment, field, components, what they are]. */
const HL7_SOURCES: [string, number, number[], Kind][] = [
  ['PID', 2, [1], 'id'],
  ['PID', 3, [1], 'id'],
  ['PID', 4, [1], 'id'],
  ['PID', 5, [1, 2, 3], 'name'],
  ['PID', 6, [1, 2, 3], 'name'],
  ['PID', 7, [1], 'id'],
  ['PID', 9, [1, 2, 3], 'name'],
  ['PID', 11, [1, 2], 'id'],
  ['PID', 13, XTN, 'phone'],
  ['PID', 14, XTN, 'phone'],
  ['PID', 18, [1], 'id'],
  ['PID', 19, [1], 'id'],
  ['PID', 20, [1], 'id'],
  ['NK1', 2, [1, 2, 3], 'name'],
  ['NK1', 4, [1, 2], 'id'],
  ['NK1', 5, XTN, 'phone'],
  ['NK1', 6, XTN, 'phone'],
  ['GT1', 3, [1, 2, 3], 'name'],
  ['IN1', 16, [1, 2, 3], 'name'],
  ['PV1', 7, XCN, 'name'],
  ['PV1', 8, XCN, 'name'],
  ['PV1', 9, XCN, 'name'],
  ['PV1', 17, XCN, 'name'],
  ['ORC', 10, XCN, 'name'],
  ['ORC', 11, XCN, 'name'],
  ['ORC', 12, XCN, 'name'],
  ['ORC', 14, XTN, 'phone'],
  ['ORC', 19, XCN, 'name'],
  ['OBR', 16, XCN, 'name'],
  ['OBR', 17, XTN, 'phone'],
  ['OBR', 28, XCN, 'name'],
  ['OBX', 16, XCN, 'name'],
  ['ROL', 4, XCN, 'name']
]

/**
 * The coded fields of result segments, kept exactly as sent: set ids, value types, test codes,
 * units, ranges, flags, statuses, order numbers and times (a pet named "Ng" must not take "ng/mL"
 * with it). Every other field of every segment, whatever a lab puts there (OBR-18..21, OBX-23..25,
 * Z-segments), is looked through for found names, ids, phones and e-mail addresses. MSH is all
 * routing and codes.
 */
const HL7_RAW: Record<string, number[] | 'all'> = {
  MSH: 'all',
  OBX: [1, 2, 3, 4, 6, 7, 8, 11, 14],
  OBR: [1, 2, 3, 4, 7, 25],
  ORC: [1, 2, 3, 5, 9]
}

/** OBX-2 value types whose OBX-5 is a plain value or text; any other (ED, RP, an absent type) may carry a document. */
const PLAIN_VALUE_TYPES = new Set(['NM', 'ST', 'SN', 'CE', 'CWE', 'CNE', 'CF', 'TX', 'FT', 'DT', 'DTM', 'TM', 'TS', 'ID', 'IS'])

/**
 * A decoded value long enough and base64 enough to be an embedded file, whatever its field claims:
 * base64 lines are long runs without spaces (prose of 200 letters has a space every few words).
 */
const looksEmbedded = (v: string) => {
  const compact = v.replace(/\s+/g, '')
  return compact.length >= 200 && /^[A-Za-z0-9+/=]+$/.test(compact) && (v.length - compact.length) * 40 <= compact.length
}

/** One line of base64 (a document split over many short OBX or NTE segments); its last line may be short. */
const BASE64_CHUNK = /^[A-Za-z0-9+/]+={0,2}$/
/** Consecutive segments of these fields whose values are base64 chunks adding up to a document are dropped together. */
const CHUNKED_TEXT: Record<string, number> = { OBX: 5, NTE: 3 }
/** The same for ASTM: a result's value (R-4) or a comment's text (C-4) in consecutive records. */
const ASTM_CHUNKED_TEXT: Record<string, number> = { R: 4, C: 4 }

interface Hl7Line {
  name: string | null
  /** for MSH, parts[1] is MSH-2; otherwise parts[n] is field n */
  parts: string[]
}

function hl7Encoding(first: string): Encoding {
  if (!first.startsWith('MSH') || first.length < 8) throw new DeidentifyError('It does not start with an MSH segment, so its fields cannot be told apart')
  const field = first[3]
  const end = first.indexOf(field, 4)
  const chars = first.slice(4, end < 0 ? undefined : end)
  if (chars.length < 4 || /[A-Za-z0-9\s]/.test(field + chars) || new Set(field + chars.slice(0, 4)).size !== 5) throw new DeidentifyError('Its MSH segment does not declare usable delimiters')
  return { field, component: chars[0], repetition: chars[1], escape: chars[2], subcomponent: chars[3] }
}

/** Field n of a line (for MSH, MSH-n): its index in parts. */
const at = (line: Hl7Line, n: number) => (line.name === 'MSH' ? n - 1 : n)

/** Each non-empty subcomponent replaced by REMOVED, separators kept: support still sees the shape. */
function hl7Placeholder(raw: string, enc: Encoding): string {
  return raw
    .split(enc.repetition)
    .map((rep) =>
      rep
        .split(enc.component)
        .map((c) => c.split(enc.subcomponent).map((s) => (s ? REMOVED : '')).join(enc.subcomponent))
        .join(enc.component)
    )
    .join(enc.repetition)
}

/** Each subcomponent decoded, cleaned of found values and e-mail addresses, and encoded again when it changed. */
function hl7Scrub(raw: string, enc: Encoding, ids: Identifiers): string {
  return raw
    .split(enc.repetition)
    .map((rep) =>
      rep
        .split(enc.component)
        .map((c) =>
          c
            .split(enc.subcomponent)
            .map((s) => {
              const value = hl7Unescape(s, enc)
              const clean = scrubEmails(ids.scrub(value))
              return clean === value ? s : hl7Escape(clean, enc)
            })
            .join(enc.subcomponent)
        )
        .join(enc.component)
    )
    .join(enc.repetition)
}

/** Every subcomponent of a field, decoded. */
const hl7Pieces = (raw: string, enc: Encoding) =>
  raw
    .split(enc.repetition)
    .flatMap((r) => r.split(enc.component))
    .flatMap((c) => c.split(enc.subcomponent))
    .map((s) => hl7Unescape(s, enc))

/** A field holding a document: one of its values, or all of them run together (a PDF cut in components), is base64. */
const hl7Embedded = (raw: string, enc: Encoding) => {
  const pieces = hl7Pieces(raw, enc)
  return pieces.some(looksEmbedded) || looksEmbedded(pieces.join(''))
}

/**
 * A species or breed field as labs write it: animal words, with at most short codes beside them
 * ("CAN^Canine", "LAB^Labrador Retriever"); a code that is a found name is not a code.
 */
function animalField(raw: string, enc: Encoding, ids: Identifiers): boolean {
  const values = hl7Pieces(raw, enc)
    .map((v) => v.trim())
    .filter(Boolean)
  return values.some(isAnimalWord) && values.every((v) => isAnimalWord(v) || (/^[A-Za-z0-9]{1,4}$/.test(v) && !ids.found(v)))
}

/** A line that reads as a word ("Normal", "LIPAEMIC"), not a piece of base64 (mixed case, digits, + / =). */
const WORD = /^(?:[A-Z]?[a-z]+|[A-Z]+)$/

/**
 * Line indexes whose text field (HL7 OBX-5, NTE-3; ASTM R-4, C-4: `value`, null for any other
 * line) is one line of base64 among neighbours of its kind that add up to a document, whatever the
 * width of its lines. A word alone on its line after a document starts something else, unless it
 * completes the base64 (a multiple of 4 characters): then it may be the document's last line and
 * goes with it (dropping a comment is the safe mistake). Words alone on their lines are base64
 * letters too, so a document also needs long lines.
 */
function chunkedDocuments(lines: { name: string | null; value: string | null }[]): Set<number> {
  const dropped = new Set<number>()
  let run: number[] = []
  let length = 0
  let longest = 0
  let name: string | null = null
  const close = () => {
    if (length >= 200 && longest >= 40) for (const i of run) dropped.add(i)
    run = []
    length = 0
    longest = 0
  }
  const add = (i: number, value: string) => {
    run.push(i)
    length += value.length
    longest = Math.max(longest, value.length)
  }
  lines.forEach((line, i) => {
    const value = line.value ?? ''
    const text = line.value !== null
    if (!text || line.name !== name || !BASE64_CHUNK.test(value)) close()
    name = line.name
    if (!text || !BASE64_CHUNK.test(value)) return
    if (run.length && value.length < 40 && WORD.test(value)) {
      if ((length + value.length) % 4 === 0) {
        add(i, value)
        close()
        return
      }
      close()
    }
    add(i, value)
  })
  close()
  return dropped
}

export interface Hl7Options {
  /** the PID fields the lab's profile puts the species and the breed in (absent: 35 and 36) */
  pidSpeciesField?: number
  pidBreedField?: number
}

export function deidentifyHl7(message: string, opts: Hl7Options = {}): Deidentified {
  const texts = message.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '')
  if (!texts.length) throw new DeidentifyError('The message is empty')
  const enc = hl7Encoding(texts[0])
  const lines: Hl7Line[] = texts.map((t, i) => {
    const parts = t.split(enc.field)
    // A line that is not a segment (a value broken by a stray line break) cannot be read field by field.
    const name = /^[A-Z][A-Z0-9]{2}$/.test(parts[0]) && !(parts[0] === 'MSH' && i > 0) ? parts[0] : null
    return { name, parts }
  })
  const animal = pidPlaces(opts)
  const animalFields = new Set([animal.species, animal.breed])

  const ids = new Identifiers()
  for (const [seg, n, comps, kind] of HL7_SOURCES)
    for (const line of lines) {
      if (line.name !== seg) continue
      const raw = line.parts[at(line, n)] ?? ''
      for (const rep of raw.split(enc.repetition)) {
        const cs = rep.split(enc.component)
        cs.forEach((c, k) => {
          if (!comps.includes(k + 1)) return
          for (const s of c.split(enc.subcomponent)) {
            const v = hl7Unescape(s, enc).trim()
            // Single letters (a sex, a use code) are not identity; names, ids and numbers are.
            if (v.length < 2) continue
            if (kind === 'name') ids.addName(v)
            else if (kind === 'phone') ids.addPhone(v)
            else ids.addId(v)
          }
        })
      }
    }

  const chunked = chunkedDocuments(
    lines.map((line) => {
      const n = line.name ? CHUNKED_TEXT[line.name] : undefined
      return { name: line.name, value: n ? hl7Pieces(line.parts[n] ?? '', enc).join('').trim() : null }
    })
  )
  const removed = new Set<string>()
  const out = lines.map((line, i) => {
    if (!line.name) {
      removed.add(`line ${i + 1} (not a segment)`)
      return REMOVED
    }
    const name = line.name
    const keepOnly = HL7_KEEP_ONLY[name]
    const remove = new Set(HL7_REMOVE[name] ?? [])
    const raws = HL7_RAW[name]
    const valueType = name === 'OBX' ? hl7Unescape(line.parts[2] ?? '', enc).trim().toUpperCase() : ''
    const parts = line.parts.map((raw, idx) => {
      if (idx === 0 || !raw) return raw
      if (name === 'MSH' && idx === 1) return raw // MSH-2: the encoding characters
      const n = name === 'MSH' ? idx + 1 : idx
      const position = `${name}-${n}`
      const kept = name === 'PID' && animalFields.has(n) ? animalField(raw, enc, ids) : !keepOnly || keepOnly.includes(n)
      if (!kept || remove.has(n)) {
        removed.add(position)
        return hl7Placeholder(raw, enc)
      }
      if (raws === 'all' || raws?.includes(n)) return raw
      // An observation that is not a plain value (ED, RP, no type), or base64 anywhere: a document, dropped whole.
      if ((name === 'OBX' && n === 5 && !PLAIN_VALUE_TYPES.has(valueType)) || (CHUNKED_TEXT[name] === n && chunked.has(i)) || hl7Embedded(raw, enc)) {
        removed.add(`${position} (embedded document dropped)`)
        return REMOVED
      }
      const clean = hl7Scrub(raw, enc, ids)
      if (clean !== raw) removed.add(`${position} (text)`)
      return clean
    })
    return parts.join(enc.field)
  })
  return { text: out.join('\n'), removed: [...removed] }
}

// ------------------------------------------------------------------ ASTM E1394

export interface AstmOptions {
  /** the P field holding the animal's sex (the analyzer's profile; 9 in the standard) */
  sexField?: number
  /** the analyzer's sex codes (the profile's sexCodes values), kept in that field beside any code of up to 3 characters */
  sexCodes?: string[]
}

/** P fields read for identifying values: ids 3-5, names 6-7, birth date 8, address 11, phone 13, physician 14. */
const ASTM_P_SOURCES: [number, Kind][] = [
  [3, 'id'],
  [4, 'id'],
  [5, 'id'],
  [6, 'name'],
  [7, 'name'],
  [8, 'id'],
  [11, 'id'],
  [13, 'phone'],
  [14, 'name']
]
/** O fields that name a person: ordering physician and their phone. */
const ASTM_O_REMOVE = [17, 18]

/** Every component of every repetition of an ASTM field, decoded (the twin of hl7Pieces). */
const astmPieces = (raw: string, d: Delimiters) =>
  raw
    .split(d.repeat)
    .flatMap((r) => r.split(d.component))
    .map((c) => unescapeAstm(c, d))

function astmPlaceholder(raw: string, d: Delimiters): string {
  return raw
    .split(d.repeat)
    .map((rep) =>
      rep
        .split(d.component)
        .map((c) => (c ? REMOVED : ''))
        .join(d.component)
    )
    .join(d.repeat)
}

/**
 * Whether the profile's sex field holds a sex: every value a code of at most 3 characters or one of
 * the analyzer's sex codes (a profile pointing at the name field must not send the name).
 */
function onlySex(raw: string, d: Delimiters, codes: string[]): boolean {
  const values = astmPieces(raw, d)
    .map((v) => v.trim())
    .filter(Boolean)
  const known = new Set(codes.map((c) => c.trim().toUpperCase()))
  return values.length > 0 && values.every((v) => v.length <= 3 || known.has(v.toUpperCase()))
}

/** Whether every non-empty component of a field is a species or breed word. */
function onlyAnimal(raw: string, d: Delimiters): boolean {
  const values = astmPieces(raw, d)
    .map((v) => v.trim())
    .filter(Boolean)
  return values.length > 0 && values.every(isAnimalWord)
}

export function deidentifyAstm(transmission: string, opts: AstmOptions = {}): Deidentified {
  let parsed: ReturnType<typeof parseRecords>
  try {
    parsed = parseRecords(transmission)
  } catch (e) {
    throw new DeidentifyError((e as Error).message)
  }
  const d = parsed.delimiters
  const sexField = opts.sexField ?? STANDARD_PROFILE.patientSexField
  const sexCodes = opts.sexCodes ?? []
  const sexOf = (r: { fields: string[] }) => r.fields[sexField - 1] ?? ''

  const ids = new Identifiers()
  const take = (raw: string, kind: Kind) => {
    for (const rep of raw.split(d.repeat))
      for (const c of rep.split(d.component)) {
        const v = unescapeAstm(c, d).trim()
        if (v.length < 2 || isAnimalWord(v)) continue
        if (kind === 'name') ids.addName(v)
        else if (kind === 'phone') ids.addPhone(v)
        else ids.addId(v)
      }
  }
  for (const r of parsed.records) {
    if (r.type === 'P') {
      // A sex code is not identity ("MN" must not be scrubbed from comments); a sex field holding anything else is read as a name.
      const sexKept = onlySex(sexOf(r), d, sexCodes)
      for (const [n, kind] of ASTM_P_SOURCES) if (!(n === sexField && sexKept)) take(r.fields[n - 1] ?? '', kind)
      if (!sexKept) take(sexOf(r), 'name')
    }
    if (r.type === 'O') {
      take(r.fields[16] ?? '', 'name')
      take(r.fields[17] ?? '', 'phone')
    }
  }

  const chunked = chunkedDocuments(
    parsed.records.map((r) => {
      const n = ASTM_CHUNKED_TEXT[r.type]
      return { name: r.type, value: n ? astmPieces(r.fields[n - 1] ?? '', d).join('').trim() : null }
    })
  )
  const removed = new Set<string>()
  const out = parsed.records.map((r, index) => {
    if (!/^[A-Z]$/.test(r.type)) {
      removed.add(`${r.type.slice(0, 10) || 'a line'} (not a record)`)
      return REMOVED
    }
    const fields = r.fields.map((raw, idx) => {
      const n = idx + 1
      if (n === 1 || !raw) return raw
      if (r.type === 'H' && n === 2) return raw // the delimiters
      const position = `${r.type}-${n}`
      if (r.type === 'P') {
        if (n === 2 || (n === sexField ? onlySex(raw, d, sexCodes) && !ids.found(unescapeAstm(raw, d)) : onlyAnimal(raw, d))) return raw
        removed.add(position)
        return astmPlaceholder(raw, d)
      }
      if (r.type === 'O' && ASTM_O_REMOVE.includes(n)) {
        removed.add(position)
        return astmPlaceholder(raw, d)
      }
      const values = astmPieces(raw, d)
      if (values.some(looksEmbedded) || looksEmbedded(values.join('')) || (ASTM_CHUNKED_TEXT[r.type] === n && chunked.has(index))) {
        removed.add(`${position} (embedded document dropped)`)
        return REMOVED
      }
      const clean = raw
        .split(d.repeat)
        .map((rep) =>
          rep
            .split(d.component)
            .map((c) => {
              const value = unescapeAstm(c, d)
              const scrubbed = scrubEmails(ids.scrub(value))
              return scrubbed === value ? c : escapeAstm(scrubbed, d)
            })
            .join(d.component)
        )
        .join(d.repeat)
      if (clean !== raw) removed.add(`${position} (text)`)
      return clean
    })
    return fields.join(d.field)
  })
  return { text: out.join('\n'), removed: [...removed] }
}

// ------------------------------------------------------------------ DICOM (its dissection)

/** The patient module's tags that describe the animal, not who it is or belongs to. */
const DICOM_KEEP = new Set(['0010,0040', '0010,2201', '0010,2292'])
/** Outside group 0010: people and the institution. */
const DICOM_REMOVE = new Set(['0008,0090', '0008,0080', '0008,0081', '0008,0092', '0008,0094', '0008,1048', '0008,1050', '0008,1060', '0008,1070', '0032,1032', '0032,1033', '0040,0006', '0040,A123'])
/** Person names and ids read first, then looked for in every other value. */
const DICOM_SOURCES = new Set(['0010,0010', '0010,0020', '0010,1000', '0010,1001', '0010,1060', '0010,2297', '0008,0090', '0008,1048', '0008,1050', '0008,1060', '0032,1032', '0040,0006'])

const tagsOf = (position: string) => [...position.matchAll(/\(([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})\)/g)].map((m) => `${m[1]},${m[2]}`.toUpperCase())
const identityTag = (t: string) => (t.startsWith('0010,') && !DICOM_KEEP.has(t)) || DICOM_REMOVE.has(t)

/** A DICOM object's dissection without the patient module (but sex, species and breed) and people. */
export function deidentifyDicom(parts: CapturedPart[]): Deidentified & { parts: CapturedPart[] } {
  if (!parts.length) throw new DeidentifyError('Its attributes could not be read one by one')
  const ids = new Identifiers()
  for (const p of parts)
    for (const f of p.fields)
      if (tagsOf(f.position).some((t) => DICOM_SOURCES.has(t)))
        for (const piece of f.value.split(/[\\^=]/)) if (piece.trim().length >= 2) ids.addName(piece.trim())
  const removed = new Set<string>()
  const clean = parts.map((p) => ({
    name: p.name,
    fields: p.fields.map((f) => {
      const tags = tagsOf(f.position)
      if (!tags.length) {
        // A place with no tag cannot be judged by its tag: its value goes only if it names nobody.
        if (!ids.found(f.value) && scrubEmails(f.value) === f.value) return f
        removed.add(f.position)
        return { ...f, value: REMOVED }
      }
      if (tags.some(identityTag) || ids.found(f.value) || scrubEmails(f.value) !== f.value) {
        removed.add(f.position)
        return { ...f, value: REMOVED }
      }
      return f
    })
  }))
  const text = clean.map((p) => [p.name, ...p.fields.map((f) => `  ${f.position}${f.label ? ` ${f.label}` : ''}: ${f.value}`)].join('\n')).join('\n')
  return { parts: clean, text, removed: [...removed] }
}
