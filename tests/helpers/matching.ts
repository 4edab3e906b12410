/**
 * A clinic full of near-miss identities and the three ways results and images arrive, in process:
 * HL7 through the listener's receive(), ASTM through the analyzer connector's process(), DICOM
 * through the study index. Each returns where every report or study went.
 */
import { createHash } from 'node:crypto'
import { makeApp, type TestApp } from './app'
import { REFLAB_PROFILE } from './labs'
import { AnalyzerConnector } from '../../src-main/astm/connector'
import type { Transport } from '../../src-main/astm/transport'
import { readHeader } from '../../src-main/imaging/dicom-file'
import { syntheticRadiograph, type SyntheticPatient } from '../../src-main/imaging/synthetic'
import { uuidUid } from '../../src-main/imaging/requests'

export interface Pet {
  id: string
  name: string
  ownerLast: string
  ownerFirst: string
  species: 'canine' | 'feline'
  sex: 'male' | 'female'
  neuter: 'neutered' | 'intact'
  dob: string
  breed: string
}

export type PetInput = Omit<Pet, 'id'>

export interface Where {
  /** the lab report or imaging study */
  id: string
  /** the patient it attached to by itself, or null when it went to review */
  attachedTo: string | null
  reasons: string[]
}

export async function matchingClinic() {
  const t = makeApp({ labs: { hl7: { host: '127.0.0.1', port: 0 } }, imaging: {} })
  t.signIn('admin')
  for (const i of t.call('integrations.list', {})) if (i.kind === 'reference_lab' || i.kind === 'analyzer') t.call('integrations.update', { id: i.id, enabled: false })
  const lab = t.call('integrations.create', { kind: 'reference_lab', name: 'Reference lab', config: { host: '127.0.0.1', port: 9, lab: REFLAB_PROFILE } })
  t.call('integrations.approve', { id: lab.id, categories: ['patient_identity', 'lab_orders'] })
  const analyzer = t.call('integrations.create', { kind: 'analyzer', name: 'Chemistry analyzer', config: { lab: REFLAB_PROFILE } })
  t.call('integrations.approve', { id: analyzer.id, categories: ['patient_identity', 'lab_orders'] })
  const modality = t.call('integrations.create', { kind: 'imaging', name: 'DR room', config: { aeTitle: 'DRROOM', host: '127.0.0.1' } })
  t.signIn('veterinarian')
  const { labs, integrations, gate, imaging } = t.app.services
  const connector = new AnalyzerConnector(analyzer.id, {} as Transport, { archive: labs.archive, registry: integrations, gate, results: labs.results, orders: labs.orders, audit: t.app.core.audit, refusals: t.app.core.refusals, captures: t.app.services.captures })
  const clients = new Map<string, string>()
  let seq = 0

  const where = (rows: { id: string; attached: string | null }[], reasons: (id: string) => string[]): Where[] => rows.map((r) => ({ id: r.id, attachedTo: r.attached, reasons: r.attached ? [] : reasons(r.id) }))
  const reportsOf = (inboundId: string) =>
    where(
      t.app.core.store.sqlite.prepare("SELECT r.id, (SELECT CASE WHEN l.action = 'attach' THEN l.patient_id END FROM lab_report_links l WHERE l.report_id = r.id ORDER BY l.rowid DESC LIMIT 1) AS attached FROM lab_reports r WHERE r.inbound_id = ? ORDER BY r.rowid").all(inboundId) as { id: string; attached: string | null }[],
      (id) => labs.review.item(id).reasons
    )

  return {
    t,
    labId: lab.id,
    analyzerId: analyzer.id,
    modalityId: modality.id,
    /** a household: clientKey groups pets under one client */
    pet(p: PetInput, clientKey = `${p.ownerFirst} ${p.ownerLast} ${++seq}`): Pet {
      let clientId = clients.get(clientKey)
      if (!clientId) {
        clientId = t.call('clients.create', { firstName: p.ownerFirst, lastName: p.ownerLast, phones: [] }).id
        clients.set(clientKey, clientId)
      }
      const row = t.call('patients.create', { clientId, name: p.name, species: p.species, sex: p.sex, neuterStatus: p.neuter, dateOfBirth: p.dob, breed: p.breed })
      return { ...p, id: row.id }
    },
    order(petId: string, integrationId = lab.id) {
      return t.call('labs.placeOrder', { patientId: petId, integrationId, tests: ['CBC'], priority: 'routine' })
    },
    request(petId: string) {
      return t.call('imaging.requestCreate', { patientId: petId, modality: 'DX', description: 'Thorax' })
    },
    /** HL7 segments (without MSH) → where each OBR went */
    hl7(segments: string[]): Where[] {
      const controlId = `C${++seq}`
      const raw = [`MSH|^~\\&|REFLAB|LAB1|VETOS|RIVERSIDE|20261128093000||ORU^R01^ORU_R01|${controlId}|P|2.5`, ...segments].join('\r')
      const ack = labs.listener!.receive(Buffer.from(raw, 'utf8'), '127.0.0.1:1')
      if (!ack.includes('MSA|AA|')) throw new Error(`not accepted: ${ack}`)
      const inbound = t.app.core.store.sqlite.prepare('SELECT id FROM inbound_messages WHERE control_id = ?').pluck().get(controlId) as string
      return reportsOf(inbound)
    },
    /** ASTM records (without H and L) → where each O went */
    async astm(records: string[]): Promise<Where[]> {
      const raw = Buffer.from(['H|\\^&|||ANALYZER', ...records, 'L|1|N'].join('\r') + '\r', 'latin1')
      const { row } = labs.archive.store({ integrationId: analyzer.id, transport: 'astm', peer: 'test', raw, dedupeKey: `astm-${++seq}`, messageType: 'ASTM', controlId: null })
      await connector.process(row)
      return reportsOf(row.id)
    },
    /** A study as a modality would send it → where it went */
    dicom(patient: SyntheticPatient, refs: { accessionNumber?: string; studyInstanceUid?: string }): Where {
      const bytes = syntheticRadiograph({ patient, ...refs, studyInstanceUid: refs.studyInstanceUid ?? uuidUid(), rows: 8, columns: 8 })
      const header = readHeader(bytes)
      const out = imaging.studies.index({ header, file: 'none.dcm', sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, sourceAet: 'DRROOM', integrationId: modality.id, associationId: null })
      if (out.kind !== 'stored') throw new Error(out.kind)
      const link = imaging.studies.currentLink(out.study.id)
      return { id: out.study.id, attachedTo: link?.action === 'attach' ? link.patient_id : null, reasons: link?.action === 'attach' ? [] : imaging.studies.verdict(out.study).reasons }
    },
    close: () => (t as TestApp).close()
  }
}

export type MatchingClinic = Awaited<ReturnType<typeof matchingClinic>>

const SEX_CODE = (p: Pick<Pet, 'sex' | 'neuter'>) => REFLAB_PROFILE.sexCodes[`${p.sex}/${p.neuter}`]

/** A PID (and an owner NK1) as a lab writes it; a field left out is empty. */
export function pid(p: Partial<Pet>, withOwnerNk1 = true): string[] {
  const species = p.species ? REFLAB_PROFILE.speciesCodes[p.species] : ''
  const fields = ['PID', '1', '', p.id ?? '', '', `${p.ownerLast ?? ''}^${p.name ?? ''}`, '', p.dob?.replace(/-/g, '') ?? '', p.sex && p.neuter ? SEX_CODE(p as Pet) : '', ...Array(26).fill(''), species, p.breed ?? '']
  const out = [fields.join('|').replace(/\|+$/, '')]
  if (withOwnerNk1 && (p.ownerLast || p.ownerFirst)) out.push(`NK1|1|${p.ownerLast ?? ''}^${p.ownerFirst ?? ''}|OWN`)
  return out
}

export function obr(orderNumber: string, filler = `F-${orderNumber}`, orc = true): string[] {
  return [...(orc ? [`ORC|RE|${orderNumber}|${filler}`] : []), `OBR|1|${orderNumber}|${filler}|CBC^Complete blood count|||20261128080000|||||||||||||||||F`, 'OBX|1|NM|WBC^White blood cells^L||12.5|10*9/L|6.0-17.0|N|||F']
}

/** An ASTM P record (owner^pet) for a patient, fields left out empty. */
export function pRecord(p: Partial<Pet>, n = 1): string {
  return `P|${n}|${p.id ?? ''}|||${p.ownerLast ?? ''}^${p.name ?? ''}||${p.dob?.replace(/-/g, '') ?? ''}|${p.sex && p.neuter ? SEX_CODE(p as Pet) : ''}`
}

export function oRecords(orderNumber: string, n = 1): string[] {
  return [`O|${n}|${orderNumber}||^^^CHEM10|R||20261128080000||||N||||serum||||||||||F`, 'R|1|^^^CREA|1.2|mg/dL|0.5-1.8|N||F||||20261128083000']
}

/** The DICOM patient module of a pet, fields left out empty. */
export function dicomPatient(p: Partial<Pet>): SyntheticPatient {
  return {
    ownerLastName: p.ownerLast ?? '',
    ownerFirstName: p.ownerFirst,
    petName: p.name ?? '',
    patientId: p.id ?? '',
    species: p.species ? p.species.charAt(0).toUpperCase() + p.species.slice(1) : undefined,
    breed: p.breed,
    sex: p.sex === 'male' ? 'M' : p.sex === 'female' ? 'F' : undefined,
    neutered: p.sex && p.neuter ? p.neuter === 'neutered' : null,
    birthDate: p.dob ?? null
  }
}
