import type { CapturedMessage, CapturePreview, LabProfile, PreviewReport } from '../../src-preload/contract'
import { ApiError } from '../api/errors'
import { sexFromCode, speciesFromCode, type IdentityCodes, type PatientIdentifiers } from '../matching/rule'
import type { Core } from '../domain/core'
import type { InboundArchive, InboundRow } from './inbound'
import type { IntegrationRegistry } from './registry'
import { astmLabels, dissectAstm, dissectHl7, hl7Labels, relabel, type Dissection, type FieldLabels } from './dissect'

/** Reads one transport's raw bytes field by field. */
export type Dissector = (raw: Buffer) => Dissection

/** A captured message as a previewer reads it: its bytes only when asked (a modality's objects are megabytes each). */
export interface CapturedSource {
  id: string
  integrationId: string
  messageType: string | null
  raw(): Buffer
}

/** What a captured message would become with a draft profile: how it is read and what the matching rule would do. Throws when it cannot be read. */
export type Previewer = (message: CapturedSource, profile: LabProfile) => { note: string | null; reports: PreviewReport[] }

/**
 * Capture mode's record: what a device in capture mode sent, kept in the inbound archive as
 * "captured" (never filed, never answered with patient data), and read back field by field.
 * Connectors call capture() instead of processing; imaging adds the DICOM dissector.
 */
export class CaptureLog {
  private dissectors = new Map<string, Dissector>([
    ['mllp', dissectHl7],
    ['astm', dissectAstm]
  ])

  /** HL7 and ASTM places are named by what the device's profile reads there (a v2.3.1 lab's species field, an analyzer's own layout). */
  private labellers = new Map<string, (profile: LabProfile | undefined) => FieldLabels>([
    ['mllp', hl7Labels],
    ['astm', astmLabels]
  ])

  constructor(
    private readonly core: Core,
    private readonly archive: InboundArchive,
    private readonly registry: IntegrationRegistry
  ) {}

  private previewers = new Map<string, Previewer>()

  addDissector(transport: string, d: Dissector): void {
    this.dissectors.set(transport, d)
  }

  /** Labs add HL7 and ASTM, imaging adds DICOM: each reads and matches its own way. */
  addPreviewer(transport: string, p: Previewer): void {
    this.previewers.set(transport, p)
  }

  /**
   * The capture screen's live preview: every captured message read with a profile that is not
   * saved yet, and what the matching rule would then do with it. Nothing is stored, filed or sent.
   */
  preview(integrationId: string, profile: LabProfile, limit = 20): CapturePreview[] {
    const integration = this.registry.get(integrationId)
    if (!['reference_lab', 'analyzer', 'imaging'].includes(integration.kind)) throw new ApiError('invalid-input', `"${integration.name}" is not a lab, an analyzer or a modality`)
    return this.list(integrationId, limit).map((m) => {
      const base = { messageId: m.id, receivedAt: m.receivedAt, messageType: m.messageType }
      const previewer = this.previewers.get(m.transport)
      if (!previewer) return { ...base, problem: `VetOS has no reader for ${m.transport} here`, note: null, reports: [] }
      // What cannot be read field by field cannot be read with any profile: the kept dissection says why.
      if (m.problem) return { ...base, problem: m.problem, note: null, reports: [] }
      try {
        const source = { id: m.id, integrationId: m.integrationId, messageType: m.messageType, raw: () => this.raw(m.id)!.raw }
        return { ...base, problem: null, ...previewer(source, profile) }
      } catch (e) {
        return { ...base, problem: (e as Error).message, note: null, reports: [] }
      }
    })
  }

  /** Whether this integration is in capture mode now (read per message: turning it on or off needs no restart). */
  capturing(integrationId: string | null): boolean {
    if (!integrationId) return false
    try {
      const i = this.registry.get(integrationId)
      return i.enabled && i.config.capture === true
    } catch {
      return false
    }
  }

  /** Marks an archived message captured and says so in the audit log; nothing else happens to it. */
  capture(row: InboundRow, what: string): void {
    this.archive.mark(row.id, 'captured', null, `captured (not filed): ${what}`)
    const name = this.registry.row(row.integrationId!).name
    this.registry.count(row.integrationId!, 'captured')
    this.core.audit.append({ action: 'capture.received', direction: 'inbound', integrationId: row.integrationId, entityType: 'inbound_message', entityId: row.id, summary: `Captured ${what} from ${name} (capture mode: kept for its profile, not filed to any patient)` })
    // Its own entity: screens refresh, while what follows integration changes (transmitters, PetMayday's list) is not woken per message.
    this.core.events.emit('changed', { entity: 'capture', id: row.integrationId! })
  }

  // A captured message never changes: its dissection is kept, so a screen refreshing on every change
  // does not read a modality's images (megabytes each) out of the database again and again.
  private views = new Map<string, CapturedMessage>()

  /** Captured messages of one integration, newest first, each field by field, named as the profile (a draft, else the saved one) reads them. */
  list(integrationId: string, limit = 50, draft?: LabProfile): CapturedMessage[] {
    const profile = draft ?? this.registry.config(integrationId).lab
    const rows = this.core.store.sqlite
      .prepare("SELECT id FROM inbound_messages WHERE integration_id = ? AND status = 'captured' ORDER BY seq DESC LIMIT ?")
      .pluck()
      .all(integrationId, limit) as string[]
    // The profile's labels, worked out once per transport for the whole list.
    const labels = new Map<string, FieldLabels | null>()
    return rows.map((id) => {
      const view = this.get(id)!
      if (!labels.has(view.transport)) labels.set(view.transport, this.labellers.get(view.transport)?.(profile) ?? null)
      const named = labels.get(view.transport)
      return named ? { ...view, ...relabel(view, named) } : view
    })
  }

  /** One captured message, field by field; undefined when it is not a captured message. */
  get(id: string): CapturedMessage | undefined {
    const kept = this.views.get(id)
    if (kept) return kept
    const row = this.archive.get(id)
    if (!row || row.status !== 'captured') return undefined
    const view = this.view(row)
    if (this.views.size >= 200) this.views.delete(this.views.keys().next().value!)
    this.views.set(id, view)
    return view
  }

  raw(id: string): InboundRow | undefined {
    const row = this.archive.get(id)
    return row && row.status === 'captured' ? row : undefined
  }

  private view(row: InboundRow): CapturedMessage {
    const d = this.dissectors.get(row.transport)
    const dissection = d ? d(row.raw) : { text: row.raw.toString('latin1'), parts: [], problem: `no reader for ${row.transport}` }
    return { id: row.id, integrationId: row.integrationId!, receivedAt: row.receivedAt, peer: row.peer, transport: row.transport, messageType: row.messageType, ...dissection }
  }
}

/** Each identifier a message carries, as sent and as read with the profile's codes (null: not understood). */
export function identifiersRead(ids: PatientIdentifiers, codes: IdentityCodes): PreviewReport['identifiers'] {
  const out: PreviewReport['identifiers'] = []
  const plain = (what: string, v: string | undefined) => v && out.push({ what, sent: v, reads: v })
  plain('Patient id', ids.patientId)
  plain('Pet name', ids.petName)
  plain('Owner family name', ids.ownerLastName)
  plain('Owner given name', ids.ownerFirstName)
  plain('Date of birth', ids.dateOfBirth)
  if (ids.sex) {
    const s = sexFromCode(ids.sex, codes)
    out.push({ what: 'Sex', sent: ids.sex, reads: s ? [s.sex, s.neuter].filter(Boolean).join('/') : null })
  }
  if (ids.species) out.push({ what: 'Species', sent: ids.species, reads: speciesFromCode(ids.species, codes) })
  plain('Breed', ids.breed)
  return out
}
