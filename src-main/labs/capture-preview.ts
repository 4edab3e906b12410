import type { LabProfile, PreviewReport } from '../../src-preload/contract'
import { identifiersRead, type CapturedSource, type Previewer } from '../integrations/capture'
import { Hl7Message } from '../hl7/codec'
import { parseOru } from '../hl7/lab-messages'
import { astmProfile, readTransmission } from '../astm/records'
import { applyCodeMap, type NormalizedReport } from './normalize'
import type { LabResultsService, ReportRow } from './results'
import type { Core } from '../domain/core'
import { patients } from '../db/schema'

/** A captured message read as results with a draft profile: reports, or why it gives none. */
interface Read {
  reports: NormalizedReport[]
  note: string | null
}

const readHl7 = (raw: Buffer, profile: LabProfile): Read => {
  const msg = Hl7Message.parse(raw.toString('utf8'))
  if (msg.type !== 'ORU') return { reports: [], note: `${msg.type}^${msg.trigger} is not a result: VetOS files only ORU^R01 from a lab, and answers anything else AR` }
  return { reports: parseOru(msg, profile), note: null }
}

const readAstm = (raw: Buffer, profile: LabProfile): Read => {
  const read = readTransmission(raw.toString('latin1'), astmProfile(profile))
  if (read.query) return { reports: [], note: `A host query for sample ${read.query.sampleIds.join(', ') || '(all)'}: once capture mode is off, VetOS answers it with the open orders for those samples (or "no information")` }
  return { reports: read.reports, note: read.reports.length ? null : 'No results in this transmission' }
}

/** The HL7 and ASTM previewers: read as the listener and the connector read, matched by the lab results' own rule. */
export function labPreviewers(core: Core, results: LabResultsService): { mllp: Previewer; astm: Previewer } {
  const preview = (read: (raw: Buffer, profile: LabProfile) => Read): Previewer => (row, profile) => {
    const { reports, note } = read(row.raw(), profile)
    // The codes as the device sent them, before the code map renames them.
    const sent = reports.map((r) => r.observations.filter((o) => !o.document).map((o) => o.code))
    applyCodeMap(profile, reports)
    return { note, reports: reports.map((r, k) => report(core, results, row, r, sent[k], profile)) }
  }
  return { mllp: preview(readHl7), astm: preview(readAstm) }
}

function report(core: Core, results: LabResultsService, row: CapturedSource, r: NormalizedReport, sentCodes: string[], profile: LabProfile): PreviewReport {
  // The rule reads a stored report; this one is never stored, so it is shaped as one for the rule to read.
  const asStored = { id: `preview:${row.id}`, inboundId: row.id, integrationId: row.integrationId, orderNumber: r.orderNumber, fillerNumber: r.fillerNumber, status: r.status, identifiers: JSON.stringify(r.identifiers), observedAt: r.observedAt, title: r.title } as ReportRow
  const verdict = results.verdict(asStored, profile)
  const attach = verdict.reasons.length === 0 && !!verdict.order
  const patient = attach && verdict.order ? core.store.byId(patients, verdict.order.patientId) : undefined
  const codes = profile.catalog.map((t) => t.code)
  return {
    orderNumber: r.orderNumber,
    title: r.title,
    identifiers: identifiersRead(r.identifiers, profile),
    results: r.observations
      .filter((o) => !o.document)
      .map((o, k) => ({ sent: sentCodes[k], code: o.code, name: o.name, mapped: !!profile.codeMap?.[sentCodes[k]] || codes.includes(o.code), value: o.valueNum !== null ? String(o.valueNum) : (o.valueText ?? ''), units: o.units, flag: o.flag })),
    match: { outcome: attach ? 'attach' : 'review', patientId: patient?.id ?? null, patientName: patient?.name ?? null, reasons: verdict.reasons }
  }
}
