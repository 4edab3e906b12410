/**
 * The lab messages VetOS speaks over HL7 v2.5: orders out (ORM^O01 or OML^O21, new and cancel),
 * results in (ORU^R01) and acknowledgements both ways. Veterinary PID: PID-3 our patient id,
 * PID-5 OwnerSurname^PetName, PID-7 date of birth, PID-8 sex, PID-35 species, PID-36 breed.
 */
import type { LabProfile } from '../../src-preload/contract'
import { Hl7Message, Hl7ParseError, hl7Time, parseHl7Time, segment, type FieldValue } from './codec'
import { parseFlag, parseNumber, parseRange, type NormalizedObservation, type NormalizedReport } from '../labs/normalize'
import { normalizeName } from '../core/normalize'
import { sexToCode } from '../matching/rule'

export class Hl7ContentError extends Error {
  constructor(
    message: string,
    readonly location: string
  ) {
    super(message)
  }
}

export interface OrderMessageInput {
  controlId: string
  control: 'NW' | 'CA'
  orderNumber: string
  tests: { code: string; name: string }[]
  priority: 'routine' | 'stat'
  specimen: string | null
  note: string | null
  orderedAt: Date
  patient: { id: string; name: string; species: string; breed: string | null; sex: string; neuterStatus: string; dateOfBirth: string | null }
  owner: { firstName: string; lastName: string }
  vet: { id: string; name: string } | null
  now: Date
}

export function buildOrderMessage(profile: LabProfile, o: OrderMessageInput): string {
  const oml = profile.orderMessage === 'OML^O21'
  const type = oml ? ['OML', 'O21', 'OML_O21'] : ['ORM', 'O01', 'ORM_O01']
  const species = profile.speciesCodes[o.patient.species] ?? o.patient.species
  const sex = sexToCode(o.patient.sex, o.patient.neuterStatus, profile)
  const vet = o.vet ? [o.vet.id, ...o.vet.name.replace(/^Dr\.?\s*/, '').split(' ').reverse().slice(0, 2)] : null
  const lines = [
    segment('MSH', ['', '', profile.application, profile.facility, profile.labApplication, profile.labFacility, hl7Time(o.now), '', type, o.controlId, 'P', profile.hl7Version ?? '2.5', '', '', 'AL', 'NE', '', 'UNICODE UTF-8']),
    segment('PID', pidFields(profile, o, species, sex)),
    segment('ORC', [o.control, o.orderNumber, '', '', '', '', ['', '', '', '', '', o.priority === 'stat' ? 'S' : 'R'], '', hl7Time(o.orderedAt), '', '', vet ?? ''])
  ]
  o.tests.forEach((t, i) => {
    if (oml) lines.push(segment('TQ1', ['1', '', '', '', '', '', '', '', o.priority === 'stat' ? 'S' : 'R']))
    lines.push(segment('OBR', [String(i + 1), o.orderNumber, '', [t.code, t.name], o.priority === 'stat' ? 'S' : 'R', hl7Time(o.orderedAt), '', '', '', '', o.control === 'CA' ? 'C' : '', '', '', '', o.specimen ? [o.specimen] : '', vet ?? '']))
    if (i === 0 && o.note) lines.push(segment('NTE', ['1', 'P', o.note]))
  })
  return lines.join('\r') + '\r'
}

/** The PID as this lab wants it: our patient id, owner^pet, birth date, sex, and the species and breed where its profile puts them. */
function pidFields(profile: LabProfile, o: OrderMessageInput, species: string, sex: string): FieldValue[] {
  const fields: FieldValue[] = ['1', '', o.patient.id, '', [o.owner.lastName, o.patient.name], '', o.patient.dateOfBirth?.replace(/-/g, '') ?? '', sex]
  const { species: at, breed } = pidPlaces(profile)
  const put = (n: number, v: FieldValue) => {
    while (fields.length < n) fields.push('')
    fields[n - 1] = v
  }
  put(at, [species, o.patient.species])
  if (o.patient.breed) put(breed, [o.patient.breed])
  return fields
}

/** Where this lab's PID carries the species and the breed (v2.4 and later: PID-35 and PID-36). */
export function pidPlaces(profile?: Pick<LabProfile, 'pidSpeciesField' | 'pidBreedField'>): { species: number; breed: number } {
  return { species: profile?.pidSpeciesField ?? 35, breed: profile?.pidBreedField ?? 36 }
}

export type AckCode = 'AA' | 'AE' | 'AR'

/** An ACK for a received message: sender and receiver swapped, MSA-2 echoing its control id. */
export function buildAck(received: Hl7Message | null, code: AckCode, controlId: string, now: Date, text?: string, errLocation?: string): string {
  const msh = received?.msh
  const trigger = received?.trigger ?? ''
  const lines = [
    segment('MSH', ['', '', msh?.get(5) || 'VETOS', msh?.get(6) ?? '', msh?.get(3) ?? '', msh?.get(4) ?? '', hl7Time(now), '', ['ACK', trigger, 'ACK'], controlId, 'P', received?.version || '2.5']),
    segment('MSA', [code, received?.controlId ?? '', text ?? ''])
  ]
  if (code !== 'AA') lines.push(segment('ERR', ['', errLocation ? errLocation.split('^') : '', code === 'AR' ? ['200', 'Unsupported message type'] : ['207', 'Application internal error'], 'E', '', '', '', text ?? '']))
  return lines.join('\r') + '\r'
}

export interface ParsedAck {
  code: string
  ackedControlId: string
  text: string
}

export function parseAck(raw: string): ParsedAck {
  const m = Hl7Message.parse(raw)
  const msa = m.segment('MSA')
  if (!msa) throw new Hl7ParseError('The acknowledgement has no MSA segment', 'MSA')
  const err = m.segment('ERR')
  return { code: msa.get(1), ackedControlId: msa.get(2), text: msa.get(3) || err?.get(8) || err?.get(3, 2) || '' }
}

const toDate = (hl7: string): string | undefined => (/^\d{8}/.test(hl7) ? `${hl7.slice(0, 4)}-${hl7.slice(4, 6)}-${hl7.slice(6, 8)}` : undefined)

/** NK1-3 relationships that make NK1-2 the owner (table 0063 has no owner code of its own; labs use OWN or leave it empty). */
const OWNER_RELATIONSHIPS = new Set(['', 'OWN', 'OWNER', 'OWR'])

type Segment = NonNullable<ReturnType<Hl7Message['segment']>>

/** The patient group's identifiers from its PID; what is empty stays absent. */
function pidIdentifiers(seg: Segment, places: { species: number; breed: number }): NormalizedReport['identifiers'] {
  const breed = [seg.get(places.breed, 1), seg.get(places.breed, 2)].filter(Boolean).join('^')
  return Object.fromEntries(
    Object.entries({
      patientId: seg.get(3),
      ownerLastName: seg.get(5, 1),
      petName: seg.get(5, 2),
      dateOfBirth: toDate(seg.get(7)),
      sex: seg.get(8),
      species: seg.get(places.species, 1) || seg.get(places.species, 2),
      breed
    }).filter(([, v]) => v)
  )
}

/** An owner named in NK1 adds the given name, and must agree with the family name PID-5 gave. */
function addOwner(ids: NormalizedReport['identifiers'], seg: Segment): void {
  if (!OWNER_RELATIONSHIPS.has(seg.get(3, 1).toUpperCase())) return
  const family = seg.get(2, 1)
  const given = seg.get(2, 2)
  if (family) {
    if (!ids.ownerLastName) ids.ownerLastName = family
    else if (normalizeName(family) !== normalizeName(ids.ownerLastName)) (ids.conflicts ??= []).push(`the owner is "${ids.ownerLastName}" in PID-5 but "${family}" in NK1`)
  }
  if (given) {
    if (!ids.ownerFirstName) ids.ownerFirstName = given
    else if (normalizeName(given) !== normalizeName(ids.ownerFirstName)) (ids.conflicts ??= []).push(`two NK1 segments name different owners ("${ids.ownerFirstName}", "${given}")`)
  }
}

/**
 * ORU^R01 → one normalized report per OBR. Each report carries only its own patient group's
 * identity (a PID group never inherits another's) and only its own order group's numbers (an ORC
 * applies to the OBR that follows it, not to later ones). Content that cannot be a result is an
 * Hl7ContentError (answered AE).
 */
export function parseOru(m: Hl7Message, profile?: Pick<LabProfile, 'pidSpeciesField' | 'pidBreedField'>): NormalizedReport[] {
  const places = pidPlaces(profile)
  if (m.type !== 'ORU') throw new Hl7ContentError(`Expected ORU, got ${m.type}^${m.trigger}`, 'MSH^1^9')
  const reports: NormalizedReport[] = []
  let identifiers: NormalizedReport['identifiers'] = {}
  let current: NormalizedReport | null = null
  let orc: Segment | null = null
  for (const [i, seg] of m.segments.entries()) {
    switch (seg.name) {
      case 'PID':
        identifiers = pidIdentifiers(seg, places)
        orc = null
        current = null
        break
      case 'NK1':
        // NK1 belongs to the patient group: it counts for every report of that group.
        addOwner(identifiers, seg)
        break
      case 'ORC':
        orc = seg
        break
      case 'OBR': {
        const conflicts: string[] = []
        const number = (obrValue: string, orcValue: string, what: string) => {
          if (obrValue && orcValue && obrValue !== orcValue) conflicts.push(`ORC and OBR name different ${what} (${orcValue} / ${obrValue})`)
          return obrValue || orcValue || null
        }
        current = {
          orderNumber: number(seg.get(2), orc?.get(2) ?? '', 'orders'),
          fillerNumber: number(seg.get(3), orc?.get(3) ?? '', 'lab numbers'),
          title: seg.get(4, 2) || seg.get(4, 1) || null,
          status: seg.get(25) || 'F',
          observedAt: parseHl7Time(seg.get(7)),
          // Shared with later NK1 of the same group; conflicts are this order's own.
          identifiers: conflicts.length ? { ...identifiers, conflicts: [...(identifiers.conflicts ?? []), ...conflicts] } : identifiers,
          observations: []
        }
        orc = null
        reports.push(current)
        break
      }
      case 'OBX': {
        if (!current) throw new Hl7ContentError(`OBX in segment ${i + 1} comes before any OBR`, `OBX^${i + 1}`)
        current.observations.push(parseObx(seg, i))
        break
      }
      case 'NTE':
        if (current?.observations.length) {
          const last = current.observations[current.observations.length - 1]
          last.valueText = [last.valueText, seg.get(3)].filter(Boolean).join('\n')
        }
        break
    }
  }
  if (reports.length === 0) throw new Hl7ContentError('The result has no OBR segment', 'OBR')
  return reports
}

function parseObx(seg: ReturnType<Hl7Message['segment']> & object, i: number): NormalizedObservation {
  const valueType = seg.get(2) || 'ST'
  const code = seg.get(3, 1)
  if (!code) throw new Hl7ContentError(`OBX in segment ${i + 1} has no observation code (OBX-3)`, `OBX^${i + 1}^3`)
  const raw = seg.get(5)
  const range = seg.get(7)
  const bounds = parseRange(range)
  const obs: NormalizedObservation = {
    code,
    name: seg.get(3, 2) || code,
    subId: seg.get(4) || null,
    valueType,
    valueNum: valueType === 'NM' ? parseNumber(raw) : null,
    valueText: valueType === 'NM' && parseNumber(raw) !== null ? null : valueType === 'ED' ? null : raw || null,
    units: seg.get(6, 1) || null,
    refRange: range || null,
    refLow: bounds.low,
    refHigh: bounds.high,
    flag: parseFlag(seg.get(8)),
    status: seg.get(11) || 'F',
    observedAt: parseHl7Time(seg.get(14)),
    instrument: seg.get(18) || null
  }
  if (valueType === 'ED') {
    // ED: source^type^subtype^encoding^data
    const subtype = seg.get(5, 3).toUpperCase()
    const encoding = seg.get(5, 4).toUpperCase()
    const data = seg.get(5, 5)
    if (encoding !== 'BASE64' || !data) throw new Hl7ContentError(`Embedded document in segment ${i + 1} is not Base64`, `OBX^${i + 1}^5`)
    obs.document = { mime: subtype === 'PDF' ? 'application/pdf' : `application/${subtype.toLowerCase() || 'octet-stream'}`, content: Buffer.from(data, 'base64'), title: obs.name }
    obs.valueText = `${obs.name} (${subtype || 'document'})`
  }
  return obs
}
