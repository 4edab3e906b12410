import type { CapturePreview, LabProfile, PreviewReport } from '../../src-preload/contract'
import { ApiError } from '../api/errors'
import type { CaptureLog } from '../integrations/capture'
import type { InboundRow } from '../integrations/inbound'
import type { IntegrationRegistry } from '../integrations/registry'
import { Hl7Message } from '../hl7/codec'
import { parseOru } from '../hl7/lab-messages'
import { readTransmission } from '../astm/records'
import { astmProfile } from '../astm/connector'
import { sexFromCode, speciesFromCode, type PatientIdentifiers } from '../matching/rule'
import { applyCodeMap, type NormalizedReport } from './normalize'
import type { LabResultsService, ReportRow } from './results'
import type { Core } from '../domain/core'
import { patients } from '../db/schema'

/** A captured message read as results with a draft profile: reports, or why it gives none. */
export interface PreviewRead {
  reports: NormalizedReport[]
  note: string | null
}

/** Reads one transport's captured bytes as results, with the draft profile; throws when it cannot. */
export type PreviewReader = (raw: Buffer, profile: LabProfile) => PreviewRead

const readHl7: PreviewReader = (raw) => {
  const msg = Hl7Message.parse(raw.toString('utf8'))
  if (msg.type !== 'ORU') return { reports: [], note: `${msg.type}^${msg.trigger} is not a result: VetOS files only ORU^R01 from a lab, and answers anything else AR` }
  return { reports: parseOru(msg), note: null }
}

const readAstm: PreviewReader = (raw, profile) => {
  const read = readTransmission(raw.toString('latin1'), astmProfile(profile))
  if (read.query) return { reports: [], note: `A host query for sample ${read.query.sampleIds.join(', ') || '(all)'}: once capture mode is off, VetOS answers it with the open orders for those samples (or "no information")` }
  return { reports: read.reports, note: read.reports.length ? null : 'No results in this transmission' }
}

/**
 * The capture screen's live preview: every captured message read with a profile that is not saved
 * yet, and what the matching rule would then do with it. Nothing is stored, filed or sent.
 */
export class CapturePreviewer {
  private readers = new Map<string, PreviewReader>([
    ['mllp', readHl7],
    ['astm', readAstm]
  ])

  constructor(
    private readonly core: Core,
    private readonly captures: CaptureLog,
    private readonly registry: IntegrationRegistry,
    private readonly results: LabResultsService
  ) {}

  preview(integrationId: string, profile: LabProfile, limit = 20): CapturePreview[] {
    const integration = this.registry.get(integrationId)
    if (integration.kind !== 'reference_lab' && integration.kind !== 'analyzer') throw new ApiError('invalid-input', `"${integration.name}" is not a lab or an analyzer`)
    return this.captures.list(integrationId, limit).map((m) => {
      const row = this.captures.raw(m.id)!
      const base = { messageId: m.id, receivedAt: m.receivedAt, messageType: m.messageType }
      const reader = this.readers.get(row.transport)
      if (!reader) return { ...base, problem: `VetOS has no reader for ${row.transport} here`, note: null, reports: [] }
      let read: PreviewRead
      try {
        read = reader(row.raw, profile)
      } catch (e) {
        return { ...base, problem: (e as Error).message, note: null, reports: [] }
      }
      // The codes as the device sent them, before the code map renames them.
      const sent = read.reports.map((r) => r.observations.filter((o) => !o.document).map((o) => o.code))
      applyCodeMap(profile, read.reports)
      return { ...base, problem: null, note: read.note, reports: read.reports.map((r, k) => this.report(row, r, sent[k], profile)) }
    })
  }

  private report(row: InboundRow, r: NormalizedReport, sentCodes: string[], profile: LabProfile): PreviewReport {
    // The rule reads a stored report; this one is never stored, so it is shaped as one for the rule to read.
    const asStored = { id: `preview:${row.id}`, inboundId: row.id, integrationId: row.integrationId, orderNumber: r.orderNumber, fillerNumber: r.fillerNumber, status: r.status, identifiers: JSON.stringify(r.identifiers), observedAt: r.observedAt, title: r.title } as ReportRow
    const verdict = this.results.verdict(asStored, profile)
    const attach = verdict.reasons.length === 0 && !!verdict.order
    const patient = attach && verdict.order ? this.core.store.byId(patients, verdict.order.patientId) : undefined
    const codes = profile.catalog.map((t) => t.code)
    return {
      orderNumber: r.orderNumber,
      title: r.title,
      identifiers: identifiersRead(r.identifiers, profile),
      results: r.observations
        .filter((o) => !o.document)
        .map((o, k) => {
          const sent = sentCodes[k]
          return { sent, code: o.code, name: o.name, mapped: !!profile.codeMap?.[sent] || codes.includes(o.code), value: o.valueNum !== null ? String(o.valueNum) : (o.valueText ?? ''), units: o.units, flag: o.flag }
        }),
      match: { outcome: attach ? 'attach' : 'review', patientId: patient?.id ?? null, patientName: patient?.name ?? null, reasons: verdict.reasons }
    }
  }
}

/** Each identifier the message carries, as sent and as read with the profile's codes. */
function identifiersRead(ids: PatientIdentifiers, profile: LabProfile): PreviewReport['identifiers'] {
  const out: PreviewReport['identifiers'] = []
  const plain = (what: string, v: string | undefined) => v && out.push({ what, sent: v, reads: v })
  plain('Patient id', ids.patientId)
  plain('Pet name', ids.petName)
  plain('Owner family name', ids.ownerLastName)
  plain('Owner given name', ids.ownerFirstName)
  plain('Date of birth', ids.dateOfBirth)
  if (ids.sex) {
    const s = sexFromCode(ids.sex, profile)
    out.push({ what: 'Sex', sent: ids.sex, reads: s ? [s.sex, s.neuter].filter(Boolean).join('/') : null })
  }
  if (ids.species) out.push({ what: 'Species', sent: ids.species, reads: speciesFromCode(ids.species, profile) })
  plain('Breed', ids.breed)
  return out
}
