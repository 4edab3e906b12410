/**
 * PetMayday from the workstation: the active reports near the clinic, reporting a client's pet
 * missing on the owner's behalf, the clinic's own open reports, "seen here" answers and a found
 * animal's chip. Every exchange goes through the gated client (ProveniqClient), which takes the
 * consent gate's permit for exactly the categories named here and audits the exchange; nothing in
 * this module opens a connection itself.
 *
 * Categories: every PetMayday exchange is lost-pet-report data (lost_pet_reports). Reporting a pet
 * missing also carries the owner's name and contact (owner_contact) and, when the pet has one, its
 * microchip (microchip). The pet's description (species, breed, colour, sex, call name, photo) is
 * the report itself, not patient_identity: that category is what identifies a clinic record (our
 * patient id, the owner's family name, the birth date) to a lab, and none of that is sent here.
 * A "seen here" answer carries the clinic's own contact, not a client's, so lost_pet_reports only.
 */
import type { DataCategory, PetMaydayChipMatches, PetMaydayFoundNotice, PetMaydayList, PetMaydayOwnReport, PetMaydayReport, PetMaydaySighting } from '../../src-preload/contract'
import { ApiError } from '../api/errors'
import { MicrochipError, parseMicrochip } from '../core/microchip'
import type { Actor } from '../domain/actor'
import type { ClinicService } from '../domain/clinic'
import type { Core } from '../domain/core'
import type { PatientsService } from '../domain/patients'
import { KEPT_COLS, type KeptReport } from './alerts'
import { ProveniqOffline, publicReport, type ProveniqClient, type ServiceReport } from './client'

interface ServiceOwnReport extends ServiceReport {
  owner: { name: string; contact: string; shareContact: boolean }
  relays?: PetMaydayOwnReport['relays']
}

interface ServiceFoundNotice extends PetMaydayFoundNotice {
  createdAt: string
  updatedAt: string
}

const found = (n: ServiceFoundNotice): PetMaydayFoundNotice => ({
  id: n.id,
  status: n.status,
  microchip: n.microchip,
  microchipRaw: n.microchipRaw,
  species: n.species,
  breed: n.breed,
  colour: n.colour,
  sex: n.sex,
  description: n.description,
  foundArea: n.foundArea,
  foundAt: n.foundAt,
  contact: n.contact,
  postedBy: n.postedBy,
  ours: n.ours
})


const REPORTS: DataCategory[] = ['lost_pet_reports']

const fromService = publicReport

const own = (r: ServiceOwnReport): PetMaydayOwnReport => ({ ...fromService(r), createdAt: r.createdAt, owner: r.owner, relays: r.relays ?? [] })

const fromLocal = (r: KeptReport): PetMaydayReport => ({
  id: r.id,
  status: 'active',
  microchip: r.microchip_norm,
  microchipRaw: r.microchip,
  species: r.species,
  breed: r.breed,
  colour: r.colour,
  sex: r.sex,
  name: r.name,
  hasPhoto: false,
  lastSeenArea: r.last_seen_area,
  lastSeenAt: r.last_seen_at,
  filedBy: { name: r.filed_by_name, kind: r.filed_by_kind },
  updatedAt: r.updated_at
})

/** Case-insensitive "contains", as the service compares an area (LIKE wildcards escaped). */
const likeEscaped = (v: string) => `%${v.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** The clinic's town: the last part of its address ("120 River Rd, Riverton" → "Riverton"). */
export function townOf(address: string | null | undefined): string | null {
  const parts = (address ?? '').split(/[,\n]/).map((p) => p.trim()).filter(Boolean)
  if (parts.length < 2) return null
  // "Riverton 12345" or "Riverton, TX 12345": the town is the last part that has letters, without the postcode.
  for (let i = parts.length - 1; i >= 1; i--) {
    const town = parts[i].replace(/\b[A-Z]{2}\b\s*\d[\d-]*$/, '').replace(/\s*\d[\d-]*$/, '').trim()
    if (/[a-z]/i.test(town) && !/^[A-Z]{2}$/.test(town)) return town
  }
  return null
}

export interface ReportsFilter {
  species?: string
  /** undefined: the clinic's town; null or '': everywhere */
  area?: string | null
  since?: string
  colour?: string | null
}

export class PetMayday {
  constructor(
    private readonly core: Core,
    private readonly services: () => { proveniq: ProveniqClient; patients: PatientsService; clinic: ClinicService }
  ) {}

  private get deps() {
    return this.services()
  }

  /** The active reports near the clinic; the kept list (saying so) when PetMayday cannot be reached. */
  async reports(actor: Actor, f: ReportsFilter): Promise<PetMaydayList> {
    const area = f.area === undefined ? townOf(this.deps.clinic.find()?.address) : f.area || null
    const query = new URLSearchParams()
    if (f.species) query.set('species', f.species)
    if (area) query.set('area', area)
    if (f.since) query.set('since', f.since)
    query.set('limit', '200')
    const colour = f.colour ? f.colour.toLowerCase() : null
    // The service has no colour filter; a person types "black" and means "black and white" too.
    const byColour = (r: PetMaydayReport) => !colour || (r.colour ?? '').toLowerCase().includes(colour)
    try {
      const answer = await this.deps.proveniq.send<{ reports: ServiceReport[] }>({
        kind: 'petmayday',
        method: 'GET',
        path: `/v1/reports?${query}`,
        categories: REPORTS,
        summary: `PetMayday: active missing-pet reports${area ? ` in ${area}` : ''}${f.species ? `, ${f.species}` : ''}`,
        actor
      })
      return { source: 'service', area, notice: null, reports: answer.reports.map(fromService).filter(byColour) }
    } catch (e) {
      if (!(e instanceof ProveniqOffline)) throw e
      return { source: 'local', area, notice: `${e.message}. Showing the missing-pet list kept on this workstation (no photos); the microchip alert still works.`, reports: this.local(f, area).filter(byColour) }
    }
  }

  /** The kept list (missing-list.ts follows it), with the same filters. */
  private local(f: ReportsFilter, area: string | null): PetMaydayReport[] {
    const where: string[] = []
    const params: unknown[] = []
    const add = (clause: string, value: unknown) => {
      where.push(clause)
      params.push(value)
    }
    if (f.species) add('species = ?', f.species)
    if (area) add("lower(last_seen_area) LIKE ? ESCAPE '\\'", likeEscaped(area))
    if (f.since) add('last_seen_at >= ?', f.since)
    const rows = this.core.store.statement(`SELECT ${KEPT_COLS} FROM missing_pets${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY last_seen_at DESC, id LIMIT 200`).all(...params) as KeptReport[]
    return rows.map(fromLocal)
  }

  /** A report's photo as a data URL. */
  async photo(actor: Actor, reportId: string): Promise<{ dataUrl: string }> {
    const { bytes, type } = await this.deps.proveniq.send<{ bytes: Buffer; type: string }>({
      kind: 'petmayday',
      method: 'GET',
      path: `/v1/reports/${reportId}/photo`,
      categories: REPORTS,
      summary: `PetMayday: photo of report ${reportId}`,
      actor,
      binary: true
    })
    // Only an image type the service checked by its bytes reaches an <img>.
    if (!/^image\/(jpeg|png|webp)$/.test(type)) throw new ApiError('invalid-input', `PetMayday answered a photo of type ${type}, not an image`)
    return { dataUrl: `data:${type};base64,${bytes.toString('base64')}` }
  }

  /** Files a report for a patient on its owner's behalf (owner name and contact from the client). */
  async reportMissing(actor: Actor, input: { patientId: string; lastSeenArea: string; lastSeenAt: string; shareContact: boolean; ownerContact?: string | null; photo?: string }): Promise<PetMaydayOwnReport> {
    const { patient, owner } = this.deps.patients.get(input.patientId)
    if (patient.deceasedAt) throw new ApiError('conflict', `${patient.name} is recorded as deceased`)
    const contacts = [...owner.contacts].sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary))
    const phone = contacts.find((c) => c.kind === 'phone')?.value
    const email = contacts.find((c) => c.kind === 'email')?.value
    const ownerContact = input.ownerContact ?? ([phone, email].filter(Boolean).join(', ') || null)
    if (!ownerContact) throw new ApiError('invalid-input', `${owner.firstName} ${owner.lastName} has no phone or e-mail on file: give how to reach the owner`, [{ path: 'ownerContact', message: 'is required: the client has no phone or e-mail' }])
    const chip = patient.microchip
    const categories: DataCategory[] = ['lost_pet_reports', 'owner_contact', ...(chip ? (['microchip'] as const) : [])]
    const body = {
      microchip: chip ?? null,
      species: patient.species,
      breed: patient.breed,
      colour: patient.color,
      sex: patient.sex,
      name: patient.name,
      photo: input.photo ? input.photo.slice(input.photo.indexOf(',') + 1) : null,
      lastSeenArea: input.lastSeenArea,
      lastSeenAt: input.lastSeenAt,
      ownerName: `${owner.firstName} ${owner.lastName}`,
      ownerContact,
      shareContact: input.shareContact
    }
    const r = await this.deps.proveniq.send<ServiceOwnReport>({
      kind: 'petmayday',
      method: 'POST',
      path: '/v1/reports',
      body,
      categories,
      summary: `PetMayday: ${patient.name} reported missing on behalf of ${owner.firstName} ${owner.lastName}${input.shareContact ? ' (contact shared with finders)' : ' (contact relayed only)'}`,
      actor,
      patientId: patient.id
    })
    return own(r)
  }

  /** The clinic's reports still open, with what was relayed to their owners. */
  async ownReports(actor: Actor): Promise<PetMaydayOwnReport[]> {
    const answer = await this.deps.proveniq.send<{ reports: ServiceOwnReport[] }>({ kind: 'petmayday', method: 'GET', path: '/v1/reports/own?status=open', categories: REPORTS, summary: 'PetMayday: this clinic’s open reports', actor })
    return answer.reports.map(own)
  }

  async setStatus(actor: Actor, reportId: string, status: 'found' | 'closed'): Promise<PetMaydayOwnReport> {
    const r = await this.deps.proveniq.send<ServiceOwnReport>({ kind: 'petmayday', method: 'PATCH', path: `/v1/reports/${reportId}`, body: { status }, categories: REPORTS, summary: `PetMayday: report ${reportId} marked ${status}`, actor })
    return own(r)
  }

  /** The clinic has the pet, or saw it: the owner is relayed the clinic's contact from its settings. */
  async seenHere(actor: Actor, input: { reportId: string; found: boolean; note?: string | null; patientId?: string }): Promise<PetMaydaySighting> {
    const contact = this.clinicContact()
    if (input.patientId) this.deps.patients.row(input.patientId)
    const answer = await this.deps.proveniq.send<{ relayId: string; kind: string; ownerContactShared: boolean; owner?: { name: string; contact: string }; message: string }>({
      kind: 'petmayday',
      method: 'POST',
      path: `/v1/reports/${input.reportId}/sightings`,
      body: { contact, found: input.found, ...(input.note ? { note: input.note } : {}) },
      categories: REPORTS,
      summary: `PetMayday: ${input.found ? 'the pet is here' : 'seen here'} answered to report ${input.reportId} with the clinic’s contact`,
      actor,
      patientId: input.patientId ?? null
    })
    const owner = answer.ownerContactShared && answer.owner ? answer.owner : null
    const message = owner
      ? `Sent. The owner, ${owner.name}, has been given the clinic’s contact and chose to share theirs: ${owner.contact}.`
      : 'Sent. PetMayday relays the clinic’s contact to the owner; the owner did not share theirs.'
    return { relayId: answer.relayId, kind: answer.kind, owner, message, contactSent: contact }
  }

  /** The clinic's contact from its settings, for an owner to call (refused when there is none). */
  private clinicContact(): string {
    const clinic = this.deps.clinic.get()
    if (!clinic.phone && !clinic.email) throw new ApiError('conflict', 'The clinic has no phone or e-mail in Settings: the owner would have no way to reach you. An administrator adds them under Settings.')
    return [clinic.name, clinic.phone, clinic.email, clinic.address].filter(Boolean).join(', ').slice(0, 300)
  }

  /** Open found-animal notices near the clinic. They are not kept here: offline, the answer says so. */
  async foundNotices(actor: Actor, f: { species?: string; area?: string | null; since?: string }): Promise<{ area: string | null; notices: PetMaydayFoundNotice[] }> {
    const area = f.area === undefined ? townOf(this.deps.clinic.find()?.address) : f.area || null
    const query = new URLSearchParams()
    if (f.species) query.set('species', f.species)
    if (area) query.set('area', area)
    if (f.since) query.set('since', f.since)
    const answer = await this.deps.proveniq.send<{ notices: ServiceFoundNotice[] }>({
      kind: 'petmayday',
      method: 'GET',
      path: `/v1/found?${query}`,
      categories: REPORTS,
      summary: `PetMayday: found-animal notices${area ? ` in ${area}` : ''}`,
      actor
    })
    return { area, notices: answer.notices.map(found) }
  }

  /**
   * An animal that matched no report: a notice with the clinic's contact. It carries the animal's
   * description (lost_pet_reports) and, when it has one, its chip (microchip); nothing of a client.
   */
  async postFound(actor: Actor, input: { microchip?: string | null; species: string; breed?: string | null; colour?: string | null; sex: string; description?: string | null; foundArea: string; foundAt: string }): Promise<PetMaydayFoundNotice> {
    const contact = this.clinicContact()
    const categories: DataCategory[] = ['lost_pet_reports', ...(input.microchip ? (['microchip'] as const) : [])]
    const n = await this.deps.proveniq.send<ServiceFoundNotice>({
      kind: 'petmayday',
      method: 'POST',
      path: '/v1/found',
      body: { microchip: input.microchip ?? null, species: input.species, breed: input.breed ?? null, colour: input.colour ?? null, sex: input.sex, description: input.description ?? null, foundArea: input.foundArea, foundAt: input.foundAt, contact },
      categories,
      summary: `PetMayday: found-animal notice posted (${input.species}${input.microchip ? `, chip ${input.microchip}` : ''}) with the clinic’s contact`,
      actor
    })
    return found(n)
  }

  async closeFound(actor: Actor, noticeId: string): Promise<PetMaydayFoundNotice> {
    const n = await this.deps.proveniq.send<ServiceFoundNotice>({ kind: 'petmayday', method: 'PATCH', path: `/v1/found/${noticeId}`, body: { status: 'closed' }, categories: REPORTS, summary: `PetMayday: found-animal notice ${noticeId} closed`, actor })
    return found(n)
  }

  /** A found animal's chip: the active reports on it in the kept list, and this clinic's patients with it. */
  findByChip(raw: string): PetMaydayChipMatches {
    let chip
    try {
      chip = parseMicrochip(raw)
    } catch (e) {
      if (e instanceof MicrochipError) throw new ApiError('invalid-input', `${raw} is not a microchip number: ${e.message}`, [{ path: 'chip', message: e.message }])
      throw e
    }
    const s = (sql: string) => this.core.store.statement(sql)
    const reports = (s(`SELECT ${KEPT_COLS} FROM missing_pets WHERE microchip_norm = ? ORDER BY last_seen_at DESC`).all(chip.normalized) as KeptReport[]).map(fromLocal)
    const patients = s(
      "SELECT p.id, p.name, p.species, c.first_name || ' ' || c.last_name AS owner FROM patients p JOIN clients c ON c.id = p.client_id WHERE p.microchip_norm = ? AND p.deleted_at IS NULL ORDER BY p.name"
    ).all(chip.normalized) as { id: string; name: string; species: string; owner: string }[]
    return { chip: chip.normalized, chipRaw: chip.raw, chipType: chip.type, reports, patients: patients.map((p) => ({ id: p.id, name: p.name, species: p.species, ownerName: p.owner })) }
  }
}
