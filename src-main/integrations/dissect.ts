/**
 * A captured message, field by field, for the person building a device's profile: every field
 * that holds something, named by its place (PID-3, R-3.4) and, where VetOS reads that place, by
 * what it reads there: by default, or with the device's profile (relabel). DICOM objects are
 * dissected by src-main/imaging (their tags).
 */
import type { CapturedPart, LabProfile } from '../../src-preload/contract'
import { Hl7Message } from '../hl7/codec'
import { pidPlaces } from '../hl7/lab-messages'
import { astmProfile, parseRecords, unescapeAstm } from '../astm/records'

/** What VetOS reads at each place (PID-5.2, R-4), by position. */
export type FieldLabels = Record<string, string>

export interface Dissection {
  text: string
  parts: CapturedPart[]
  problem: string | null
}

/** What the HL7 results reader takes from each place (see hl7/lab-messages.ts); species and breed are where the profile puts them. */
const HL7_LABELS: FieldLabels = {
  'MSH-3': 'Sending application (routes results to this lab)',
  'MSH-4': 'Sending facility',
  'MSH-9': 'Message type',
  'MSH-10': 'Message control id',
  'MSH-12': 'HL7 version',
  'PID-3': 'Patient id (ours, echoed back)',
  'PID-5.1': 'Owner family name',
  'PID-5.2': 'Pet name',
  'PID-7': 'Date of birth',
  'PID-8': 'Sex code',
  'NK1-2.1': 'Owner family name',
  'NK1-2.2': 'Owner given name',
  'ORC-2': 'Order number (ours)',
  'ORC-3': "Lab's number",
  'OBR-2': 'Order number (ours)',
  'OBR-3': "Lab's number",
  'OBR-4.1': 'Panel code',
  'OBR-4.2': 'Panel name',
  'OBR-7': 'Observed at',
  'OBR-25': 'Result status',
  'OBX-2': 'Value type',
  'OBX-3.1': 'Test code',
  'OBX-3.2': 'Test name',
  'OBX-5': 'Value',
  'OBX-6': 'Units',
  'OBX-7': 'Reference range',
  'OBX-8': 'Abnormal flag',
  'OBX-11': 'Result status'
}

/** The HL7 places a lab's profile reads: v2.3.1 labs put species and breed in other PID fields. */
export function hl7Labels(profile?: Pick<LabProfile, 'pidSpeciesField' | 'pidBreedField'>): FieldLabels {
  const { species, breed } = pidPlaces(profile)
  return {
    ...HL7_LABELS,
    [`PID-${species}`]: 'Species code',
    [`PID-${species}.1`]: 'Species code',
    [`PID-${species}.2`]: 'Species text',
    [`PID-${breed}`]: 'Breed',
    [`PID-${breed}.1`]: 'Breed code',
    [`PID-${breed}.2`]: 'Breed text'
  }
}

/** A field's label: its own place's, else (a component) its field's. */
const labelOf = (labels: FieldLabels, position: string): string | null => labels[position] ?? labels[position.replace(/\.\d+$/, '')] ?? null

/** The same dissection named by other labels (a profile's), leaving the kept one as it is. */
export function relabel(d: Dissection, labels: FieldLabels): Dissection {
  return { ...d, parts: d.parts.map((p) => ({ ...p, fields: p.fields.map((f) => ({ ...f, label: labelOf(labels, f.position) })) })) }
}

/** Each field (and, when it has several, each component) of every segment, decoded. */
export function dissectHl7(raw: Buffer, labels: FieldLabels = hl7Labels()): Dissection {
  const text = raw.toString('utf8').replace(/\r\n|\r|\n/g, '\n').trimEnd()
  let msg: Hl7Message
  try {
    msg = Hl7Message.parse(raw.toString('utf8'))
  } catch (e) {
    return { text, parts: [], problem: (e as Error).message }
  }
  const parts = msg.segments.map((seg) => {
    const fields: CapturedPart['fields'] = []
    for (let n = seg.name === 'MSH' ? 3 : 1; n < seg.fields.length; n++) {
      const rawField = seg.raw(n)
      if (!rawField) continue
      const components = rawField.split(seg.enc.repetition)[0].split(seg.enc.component)
      const position = `${seg.name}-${n}`
      if (components.length === 1) fields.push({ position, value: seg.get(n), label: labelOf(labels, position) })
      else
        components.forEach((c, k) => {
          if (!c) return
          const at = `${position}.${k + 1}`
          fields.push({ position: at, value: seg.get(n, k + 1), label: labelOf(labels, at) })
        })
    }
    return { name: seg.name, fields }
  })
  return { text, parts, problem: null }
}

/** What the ASTM reader takes from each place with an analyzer's field positions (by default the standard ones, astm/records.ts). */
export function astmLabels(lab?: Pick<LabProfile, 'astmFields'>): FieldLabels {
  const p = astmProfile(lab)
  const species: FieldLabels = p.patientSpeciesField > 0 ? { [`P-${p.patientSpeciesField}`]: 'Species code', [`P-${p.patientSpeciesField}.1`]: 'Species code' } : {}
  return {
    ...species,
    [`P-${p.patientIdField}`]: 'Patient id',
    [`P-${p.patientNameField}`]: 'Owner^pet name',
    [`P-${p.patientNameField}.1`]: 'Owner family name',
    [`P-${p.patientNameField}.2`]: 'Pet name',
    [`P-${p.patientDobField}`]: 'Date of birth',
    [`P-${p.patientSexField}`]: 'Sex code',
    [`O-${p.sampleIdField}`]: 'Sample id (our order number)',
    [`R-${p.resultCodeField}.${p.resultCodeComponent}`]: 'Test code',
    [`R-${p.resultValueField}`]: 'Value',
    [`R-${p.resultUnitsField}`]: 'Units',
    [`R-${p.resultRangeField}`]: 'Reference range',
    [`R-${p.resultFlagField}`]: 'Abnormal flag',
    [`R-${p.resultStatusField}`]: 'Result status',
    [`R-${p.resultTimeField}`]: 'Completed at',
    [`R-${p.resultInstrumentField}`]: 'Instrument'
  }
}

/** Each field (and component) of every record, with the delimiters the H record declares. */
export function dissectAstm(raw: Buffer, labels: FieldLabels = astmLabels()): Dissection {
  const text = raw.toString('latin1').replace(/\r\n|\r|\n/g, '\n').trimEnd()
  let parsed: ReturnType<typeof parseRecords>
  try {
    parsed = parseRecords(raw.toString('latin1'))
  } catch (e) {
    return { text, parts: [], problem: (e as Error).message }
  }
  const d = parsed.delimiters
  const parts = parsed.records.map((r) => {
    const fields: CapturedPart['fields'] = []
    // Field 2 of H declares the delimiters; it is not data.
    for (let n = 2; n <= r.fields.length; n++) {
      if (r.type === 'H' && n === 2) continue
      const value = r.fields[n - 1] ?? ''
      if (!value) continue
      const position = `${r.type}-${n}`
      const components = value.split(d.repeat)[0].split(d.component)
      if (components.length === 1) fields.push({ position, value: unescapeAstm(value.split(d.repeat)[0], d), label: labelOf(labels, position) })
      else
        components.forEach((c, k) => {
          if (!c) return
          const at = `${position}.${k + 1}`
          fields.push({ position: at, value: unescapeAstm(c, d), label: labelOf(labels, at) })
        })
    }
    return { name: r.type, fields }
  })
  return { text, parts, problem: null }
}
