/** What the renderer sees of labs: orders with timelines, attached reports, trends, the queue, the message log. */
import type { DocumentInfo, LabObservation, LabOrder, LabReport, MessageLogEntry, ReviewItem, TrendPoint } from '../../src-preload/contract'
import type { Core } from '../domain/core'
import type { IntegrationRegistry } from '../integrations/registry'
import type { InboundRow } from '../integrations/inbound'
import type { OutboundRow } from '../integrations/outbound'
import { effectiveFlag } from './normalize'
import type { LabOrdersService, LabOrderRow } from './orders'
import type { LabReviewService } from './review'
import type { ObservationRow, ReportRow } from './results'

export class LabViews {
  constructor(
    private readonly core: Core,
    private readonly registry: IntegrationRegistry,
    private readonly orders: LabOrdersService,
    private readonly review: LabReviewService
  ) {}

  private name(integrationId: string | null): string | null {
    if (!integrationId) return null
    try {
      return this.registry.row(integrationId).name
    } catch {
      return null
    }
  }

  order(o: LabOrderRow & { orderedByName?: string | null; timeline?: { status: string; detail: string | null; actorName: string | null; occurredAt: string }[] }): LabOrder {
    const full = o.timeline ? o : this.orders.forPatient(o.patientId).find((x) => x.id === o.id)!
    return {
      id: full.id,
      orderNumber: full.orderNumber,
      patientId: full.patientId,
      visitId: full.visitId,
      integrationId: full.integrationId,
      integrationName: this.name(full.integrationId) ?? 'removed integration',
      tests: JSON.parse(full.tests),
      specimen: full.specimen,
      priority: full.priority,
      note: full.note,
      orderedBy: full.orderedBy,
      orderedByName: full.orderedByName ?? null,
      status: full.status,
      statusDetail: full.statusDetail,
      fillerNumber: full.fillerNumber,
      createdAt: full.createdAt,
      timeline: full.timeline!.map((e) => ({ status: e.status, detail: e.detail, actorName: e.actorName, occurredAt: e.occurredAt }))
    }
  }

  ordersFor(patientId: string): LabOrder[] {
    return this.orders.forPatient(patientId).map((o) => this.order(o))
  }

  /** Reports whose latest link attaches them to this patient. */
  reportsFor(patientId: string): LabReport[] {
    const rows = this.core.store.sqlite
      .prepare(
        // From the patient's links (indexed), keeping those that are their report's latest: starting
        // from the reports scanned every report the clinic ever received, on every chart opened.
        `SELECT r.*, l.order_id AS link_order, l.automatic AS link_auto, l.actor_name AS link_actor, o.order_number AS link_order_number
         FROM lab_report_links l
         JOIN lab_reports r ON r.id = l.report_id
         LEFT JOIN lab_orders o ON o.id = l.order_id
         WHERE l.patient_id = ? AND l.action = 'attach' AND l.rowid = (SELECT max(rowid) FROM lab_report_links WHERE report_id = l.report_id)
         ORDER BY coalesce(r.observed_at, r.created_at) DESC, r.rowid DESC`
      )
      .all(patientId) as (Record<string, unknown> & { id: string })[]
    const superseded = this.supersededIds(rows.map((r) => r.id))
    return rows.map((r) => {
      const { values, documentIds } = splitDocuments(this.observationRows(r.id))
      return {
      id: r.id,
      title: r.title as string | null,
      status: r.status as string,
      orderId: (r.link_order as string | null) ?? null,
      orderNumber: (r.link_order_number as string | null) ?? (r.order_number as string | null),
      fillerNumber: r.filler_number as string | null,
      observedAt: r.observed_at as string | null,
      receivedAt: r.created_at as string,
      integrationName: this.name(r.integration_id as string | null),
      attachedAutomatically: r.link_auto === 1,
      attachedBy: (r.link_actor as string | null) ?? null,
      observations: values.map((o) => observation(o, superseded.has(o.id))),
      documents: this.documentsById(documentIds)
      }
    })
  }

  /** The patient a report is attached to now, or null. */
  attachedPatient(reportId: string): string | null {
    return (this.core.store.sqlite.prepare("SELECT CASE WHEN action = 'attach' THEN patient_id END FROM lab_report_links WHERE report_id = ? ORDER BY rowid DESC LIMIT 1").pluck().get(reportId) as string | null | undefined) ?? null
  }

  /** Documents on a patient: those their attached lab reports carried, and those filed to them directly. */
  documentsFor(patientId: string): DocumentInfo[] {
    // From the patient's attached reports to their values to the documents: indexed all the way.
    const rows = this.core.store.sqlite
      .prepare(
        `SELECT d.id, d.title, d.mime, coalesce(d.bytes, length(d.content)) AS bytes, d.source, d.created_at, d.visit_id, NULL AS report_id
         FROM documents d WHERE d.patient_id = @p AND d.deleted_at IS NULL
         UNION ALL
         SELECT d.id, d.title, d.mime, coalesce(d.bytes, length(d.content)), d.source, d.created_at, d.visit_id, o.report_id
         FROM lab_report_links l
         JOIN lab_observations o ON o.report_id = l.report_id AND o.document_id IS NOT NULL
         JOIN documents d ON d.id = o.document_id AND d.deleted_at IS NULL
         WHERE l.patient_id = @p AND l.action = 'attach' AND l.rowid = (SELECT max(rowid) FROM lab_report_links WHERE report_id = l.report_id)
         ORDER BY 6 DESC`
      )
      .all({ p: patientId }) as { id: string; title: string; mime: string; bytes: number; source: string; created_at: string; visit_id: string | null; report_id: string | null }[]
    return rows.map((r) => ({ id: r.id, title: r.title, mime: r.mime, bytes: r.bytes, source: r.source, createdAt: r.created_at, reportId: r.report_id, visitId: r.visit_id }))
  }

  trend(patientId: string, code: string): TrendPoint[] {
    const points: TrendPoint[] = []
    for (const r of this.reportsFor(patientId)) {
      for (const o of r.observations) {
        if (o.code !== code || o.superseded || o.valueNum === null || o.status === 'X') continue
        points.push({ observedAt: o.observedAt ?? r.observedAt ?? r.receivedAt, value: o.valueNum, units: o.units, refLow: o.refLow, refHigh: o.refHigh, flag: o.flag, status: o.status, reportId: r.id })
      }
    }
    return points.sort((a, b) => a.observedAt.localeCompare(b.observedAt))
  }

  reviewQueue(limit = 50): ReviewItem[] {
    return this.review.pendingIds(limit).map((id) => {
      const it = this.review.item(id)
      const superseded = this.supersededIds([id])
      return {
        reportId: it.report.id,
        title: it.report.title,
        receivedAt: it.report.createdAt,
        integrationName: this.name(it.report.integrationId),
        orderNumber: it.report.orderNumber,
        identifiers: it.identifiers,
        reasons: it.reasons,
        observations: splitDocuments(it.observations).values.map((o) => observation(o, superseded.has(o.id))),
        candidates: it.candidates.map((c) => ({ patientId: c.patientId, patientName: c.patientName, ownerName: c.ownerName, species: c.species, dateOfBirth: c.dateOfBirth, score: c.score, reasons: c.reasons, orderId: c.orderId, orderNumber: c.orderNumber }))
      }
    })
  }

  /** How a queued message leaves: by the kind of integration it is for. */
  private outboundTransport(integrationId: string): string {
    const i = this.registry.list().find((x) => x.id === integrationId)
    if (i?.kind === 'analyzer') return 'astm'
    if (i?.config.baseUrl) return new URL(i.config.baseUrl).protocol.replace(':', '')
    return 'mllp'
  }

  inboundEntry(r: InboundRow): MessageLogEntry {
    return { id: r.id, seq: r.seq, direction: 'inbound', integrationId: r.integrationId, at: r.receivedAt, transport: r.transport, peer: r.peer, type: r.messageType, controlId: r.controlId, status: r.status, summary: r.summary, error: r.error, attempts: null, raw: printable(r.raw), response: null }
  }

  outboundEntry(r: OutboundRow): MessageLogEntry {
    return { id: r.id, seq: r.seq, direction: 'outbound', integrationId: r.integrationId, at: r.createdAt, transport: this.outboundTransport(r.integrationId), peer: null, type: r.kind, controlId: r.controlId, status: r.status, summary: null, error: r.lastError, attempts: r.attempts, raw: printable(r.payload), response: r.response ? printable(r.response) : null }
  }

  messages(direction: 'inbound' | 'outbound', integrationId: string | undefined, limit: number, beforeSeq: number | undefined, admin = true): MessageLogEntry[] {
    const table = direction === 'inbound' ? 'inbound_messages' : 'outbound_messages'
    const where = [integrationId ? 'integration_id = @integrationId' : null, beforeSeq ? 'seq < @beforeSeq' : null].filter(Boolean)
    const rows = this.core.store.sqlite.prepare(`SELECT * FROM ${table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`).all({ integrationId, beforeSeq, limit }) as Record<string, unknown>[]
    const entries = rows.map((r) => (direction === 'inbound' ? this.inboundEntry(camel(r) as InboundRow) : this.outboundEntry(camel(r) as OutboundRow)))
    // What a device sent in capture mode and what goes to VetOS support are read by administrators only (as on the Capture screen).
    return admin ? entries : entries.map((e) => (e.status === 'captured' || e.type === 'integration_request' ? { ...e, raw: '(shown to administrators only)', response: null } : e))
  }

  private documentsById(ids: string[]): LabReport['documents'] {
    if (ids.length === 0) return []
    const stmt = this.core.store.statement('SELECT id, title, mime FROM documents WHERE id = ? AND deleted_at IS NULL')
    return ids.flatMap((id) => (stmt.get(id) as LabReport['documents'][number] | undefined) ?? [])
  }

  private observationRows(reportId: string): ObservationRow[] {
    return (this.core.store.sqlite.prepare('SELECT * FROM lab_observations WHERE report_id = ? ORDER BY rowid').all(reportId) as Record<string, unknown>[]).map((r) => camel(r) as ObservationRow)
  }

  /** Observations some later correction replaced. */
  private supersededIds(reportIds: string[]): Set<string> {
    if (reportIds.length === 0) return new Set()
    const rows = this.core.store.sqlite
      .prepare(`SELECT supersedes_id FROM lab_observations WHERE supersedes_id IN (SELECT id FROM lab_observations WHERE report_id IN (${reportIds.map(() => '?').join(',')}))`)
      .pluck()
      .all(...reportIds) as string[]
    return new Set(rows)
  }
}

/**
 * A lab's embedded report (HL7 OBX of type ED) is stored as an observation row that carries the
 * document (results are append-only, so rows stored that way before stay); it is read here as a
 * document of the report, never as a value. Done at read time so that earlier results show right too.
 */
export function splitDocuments(rows: ObservationRow[]): { values: ObservationRow[]; documentIds: string[] } {
  return { values: rows.filter((o) => !o.documentId), documentIds: rows.flatMap((o) => (o.documentId ? [o.documentId] : [])) }
}

function observation(o: ObservationRow, superseded: boolean): LabObservation {
  return {
    id: o.id,
    code: o.code,
    name: o.name,
    valueNum: o.valueNum,
    valueText: o.valueText,
    units: o.units,
    refRange: o.refRange,
    refLow: o.refLow,
    refHigh: o.refHigh,
    flag: effectiveFlag(o),
    status: o.status,
    observedAt: o.observedAt,
    instrument: o.instrument,
    superseded,
    supersedesId: o.supersedesId,
    documentId: o.documentId
  }
}

const CONTROL_NAMES: Record<number, string> = { 0x02: '<STX>', 0x03: '<ETX>', 0x04: '<EOT>', 0x05: '<ENQ>', 0x06: '<ACK>', 0x0b: '<VT>', 0x0d: '<CR>\n', 0x0a: '<LF>', 0x15: '<NAK>', 0x17: '<ETB>', 0x1c: '<FS>' }

/** Raw bytes for a person to read: control characters named, segments on their own lines. */
export function printable(raw: Buffer): string {
  const LIMIT = 200_000
  let out = ''
  // Only the start is shown: a captured image can be tens of megabytes, and this runs on every refresh.
  for (const ch of raw.subarray(0, LIMIT).toString('utf8')) {
    const code = ch.charCodeAt(0)
    out += CONTROL_NAMES[code] ?? (code < 0x20 ? `<${code.toString(16).padStart(2, '0')}>` : ch)
  }
  return out.length > LIMIT || raw.length > LIMIT ? `${out.slice(0, LIMIT)}… (${raw.length} bytes)` : out
}

/** snake_case row → the camelCase shape drizzle returns; raw statements are used where SQL reads better. */
function camel(r: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]))
}

export type { ReportRow }
