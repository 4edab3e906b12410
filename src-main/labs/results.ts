import { createHash } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { documents, labObservations, labReportLinks, labReports, patients } from '../db/schema'
import type { LabProfile } from '../../src-preload/contract'
import type { Actor } from '../domain/actor'
import type { Core } from '../domain/core'
import type { NotificationsService } from '../domain/notifications'
import { identityReasons } from '../matching/rule'
import { patientFacts } from '../matching/candidates'
import { effectiveFlag, type NormalizedReport } from './normalize'
import { isOpen, statusFromReport } from './lifecycle'
import { resultNotice, valuesHash } from './result-notice'
import type { LabOrdersService, LabOrderRow } from './orders'

export type ReportRow = typeof labReports.$inferSelect
export type ObservationRow = typeof labObservations.$inferSelect

export interface IngestOutcome {
  attached: number
  review: number
  summary: string
}

/** Why a report cannot attach by itself; null when the rule is satisfied. */
export interface Verdict {
  order: LabOrderRow | null
  reasons: string[]
}

/**
 * Results in: every report is stored as received (append-only), then attached only if the
 * matching rule holds; otherwise it waits in the review queue. The ordering vet is notified.
 */
export class LabResultsService {
  constructor(
    private readonly core: Core,
    private readonly orders: LabOrdersService,
    private readonly notifications: NotificationsService
  ) {}

  ingest(source: { inboundId: string; integrationId: string | null; integrationName: string; profile?: LabProfile }, reports: NormalizedReport[]): IngestOutcome {
    const { store } = this.core
    let attached = 0
    let review = 0
    const words: string[] = []
    store.tx(() => {
      for (const r of reports) {
        const { report, observations } = this.store(source.inboundId, source.integrationId, r)
        const verdict = this.verdict(report, source.profile)
        if (verdict.reasons.length === 0 && verdict.order) {
          this.link(report, { action: 'attach', patientId: verdict.order.patientId, orderId: verdict.order.id, automatic: true, reason: 'Order number and every patient identifier agree' }, null, source.integrationName, observations)
          attached++
          words.push(`${r.title ?? 'result'} attached to order ${verdict.order.orderNumber}`)
        } else {
          review++
          words.push(`${r.title ?? 'result'} to review: ${verdict.reasons.join('; ')}`)
          this.core.audit.append({ action: 'lab.result.review', direction: 'inbound', integrationId: source.integrationId, entityType: 'lab_report', entityId: report.id, summary: `Result from ${source.integrationName} needs review: ${verdict.reasons.join('; ')}` })
          // Keyed on the lab's numbers and the values: the same message sent again is not a second item to hear about.
          const values = r.observations.filter((o) => !o.document)
          this.notifications.notify({
            recipientId: null,
            kind: 'lab.review',
            severity: 'warning',
            title: `Needs review: ${r.identifiers.petName ?? 'unknown patient'} (${r.identifiers.ownerLastName ?? 'no owner'}) — ${r.title ?? 'lab result'}`,
            body: verdict.reasons[0],
            link: `/lab-review?report=${report.id}`,
            dedupeKey: `lab:review:${source.integrationId ?? ''}:${r.fillerNumber ?? r.orderNumber ?? report.id}:${r.status}:${valuesHash(values)}`
          })
          // the review queue changed: its counts on every screen (the notification may be addressed to someone); one id, so a burst is one change a window
          this.core.events.emit('changed', { entity: 'lab', id: 'review' })
        }
      }
    })
    return { attached, review, summary: words.join('; ') }
  }

  /**
   * Decides, without side effects, whether the report may attach by itself: our order number for
   * an open order of this lab, no other order named by the lab's number, and the patient confirmed
   * by every identifier the report carries (see identityReasons).
   */
  verdict(report: ReportRow, profile?: LabProfile): Verdict {
    const ids = JSON.parse(report.identifiers) as NormalizedReport['identifiers']
    if (!report.orderNumber) return { order: null, reasons: ['the result carries no order number', ...(ids.conflicts ?? [])] }
    const order = this.orders.byNumber(report.orderNumber) ?? null
    if (!order) return { order: null, reasons: [`order number ${report.orderNumber} is not one of ours`, ...(ids.conflicts ?? [])] }
    if (!isOpen(order.status)) return { order, reasons: [`order ${order.orderNumber} is ${order.status}`] }
    if (order.status === 'reviewed' && !this.isCorrection(report)) return { order, reasons: [`order ${order.orderNumber} was already reviewed; a new result that is not a correction needs a person`] }
    if (report.integrationId && order.integrationId !== report.integrationId) return { order, reasons: [`order ${order.orderNumber} was sent to another lab`] }
    const facts = patientFacts(this.core.store, order.patientId)
    if (!facts) return { order, reasons: ['the ordered patient no longer exists'] }
    return { order, reasons: [...this.otherOrderNamed(report, order), ...identityReasons(ids, facts, profile)] }
  }

  /** The lab's own number (filler) already belongs to another of our orders: the references contradict each other. */
  private otherOrderNamed(report: ReportRow, order: LabOrderRow): string[] {
    if (!report.fillerNumber) return []
    const other = this.core.store.statement('SELECT order_number FROM lab_orders WHERE filler_number = ? AND integration_id = ? AND id <> ? LIMIT 1').pluck().get(report.fillerNumber, order.integrationId, order.id) as string | undefined
    if (other) return [`the lab's number ${report.fillerNumber} belongs to order ${other}, not ${order.orderNumber}`]
    const earlier = this.core.store.statement('SELECT order_number FROM lab_reports WHERE filler_number = ? AND integration_id IS ? AND order_number IS NOT NULL AND order_number <> ? LIMIT 1').pluck().get(report.fillerNumber, report.integrationId, order.orderNumber) as string | undefined
    return earlier ? [`the lab's number ${report.fillerNumber} came before with order ${earlier}, not ${order.orderNumber}`] : []
  }

  private isCorrection(report: ReportRow): boolean {
    return report.status === 'C' || this.observations(report.id).some((o) => o.status === 'C')
  }

  /**
   * Attaches, detaches or rejects a report: the one place that writes links, moves the order and
   * tells the vet. actor null means the matching rule did it.
   */
  link(report: ReportRow, l: { action: 'attach' | 'detach' | 'reject'; patientId: string | null; orderId: string | null; automatic: boolean; reason: string }, actor: Actor | null, source: string, obs = this.observations(report.id)): void {
    const { store, audit, events } = this.core
    store.insert(labReportLinks, { reportId: report.id, action: l.action, patientId: l.patientId, orderId: l.orderId, automatic: l.automatic, reason: l.reason, actorId: actor?.id ?? null, actorName: actor?.name ?? null })
    if (l.action === 'attach' && l.patientId) {
      const order = l.orderId ? this.orders.row(l.orderId) : null
      if (order) {
        const correction = obs.some((o) => o.status === 'C')
        this.orders.applyStatus(order, statusFromReport(report.status, obs.map((o) => o.status)), `${correction ? 'Corrected' : obs.some((o) => o.status === 'P') ? 'Preliminary' : 'Final'} results from ${source}`, actor?.name ?? null, { correction, fillerNumber: report.fillerNumber })
      }
      const patient = store.byId(patients, l.patientId)!
      // The lab's embedded report (an ED row carrying a document) is not a value.
      const values = obs.filter((o) => !o.documentId).map((o) => ({ code: o.code, subId: o.subId, valueNum: o.valueNum, valueText: o.valueText, flag: effectiveFlag(o) }))
      const notice = resultNotice({ reportId: report.id, title: report.title, patientId: patient.id, patientName: patient.name, order, state: statusFromReport(report.status, obs.map((o) => o.status)), correction: obs.some((o) => o.status === 'C'), values })
      if (notice) this.notifications.notify({ recipientId: order?.orderedBy ?? null, patientId: patient.id, ...notice })
      audit.append({ action: l.automatic ? 'lab.result.attached' : 'lab.result.attached_manually', direction: l.automatic ? 'inbound' : 'internal', actor, patientId: l.patientId, integrationId: report.integrationId, entityType: 'lab_report', entityId: report.id, summary: `${report.title ?? 'Result'} attached to ${patient.name}${order ? ` (order ${order.orderNumber})` : ''}: ${l.reason}` })
      events.emit('changed', { entity: 'patient', id: l.patientId, patientId: l.patientId })
    } else {
      audit.append({ action: l.action === 'detach' ? 'lab.result.detached' : 'lab.result.rejected', direction: 'internal', actor, patientId: l.patientId, integrationId: report.integrationId, entityType: 'lab_report', entityId: report.id, summary: `${report.title ?? 'Result'} ${l.action === 'detach' ? 'detached and returned to review' : 'rejected'}: ${l.reason}` })
      if (l.patientId) events.emit('changed', { entity: 'patient', id: l.patientId, patientId: l.patientId })
      // the review queue changed (back in it, or out of it), with or without a patient
      events.emit('changed', { entity: 'lab', id: 'review' })
    }
  }

  /** The latest link of a report, or undefined while it has none. */
  currentLink(reportId: string) {
    return this.core.store.sqlite.prepare('SELECT * FROM lab_report_links WHERE report_id = ? ORDER BY rowid DESC LIMIT 1').get(reportId) as { action: string; patient_id: string | null; order_id: string | null } | undefined
  }

  report(id: string): ReportRow | undefined {
    return this.core.store.byId(labReports, id)
  }

  observations(reportId: string): ObservationRow[] {
    return this.core.store.prepared('labs.observations', (db) => db.select().from(labObservations).where(eq(labObservations.reportId, sql.placeholder('id')))).all({ id: reportId })
  }

  private store(inboundId: string, integrationId: string | null, r: NormalizedReport): { report: ReportRow; observations: ObservationRow[] } {
    const { store } = this.core
    // Read before this report's own values go in: what a correction or a final value can replace.
    const prior = r.observations.some((o) => o.status === 'C' || o.status === 'F') ? this.priorValues(r) : []
    const report = store.insert(labReports, { inboundId, integrationId, orderNumber: r.orderNumber, fillerNumber: r.fillerNumber, status: r.status, identifiers: JSON.stringify(r.identifiers), observedAt: r.observedAt, title: r.title })
    const observations = r.observations.map((o) => {
      let documentId: string | null = null
      if (o.document) {
        documentId = store.insert(documents, { patientId: null, visitId: null, source: `lab report ${r.fillerNumber ?? r.orderNumber ?? ''}`.trim(), title: o.document.title, mime: o.document.mime, sha256: createHash('sha256').update(o.document.content).digest('hex'), content: o.document.content, bytes: o.document.content.length }).id
      }
      // A correction replaces the latest value before it; a final value replaces a preliminary one.
      let supersedes: string | null = null
      if (o.status === 'C' || o.status === 'F') {
        const before = prior.find((x) => x.code === o.code && (x.sub_id ?? null) === (o.subId ?? null))
        if (before && (o.status === 'C' || before.status === 'P' || before.status === 'I')) supersedes = before.id
      }
      return store.insert(labObservations, { reportId: report.id, supersedesId: supersedes, documentId, code: o.code, name: o.name, subId: o.subId, valueType: o.valueType, valueNum: o.valueNum, valueText: o.valueText, units: o.units, refRange: o.refRange, refLow: o.refLow, refHigh: o.refHigh, flag: o.flag, status: o.status, observedAt: o.observedAt, instrument: o.instrument })
    })
    return { report, observations }
  }

  /** Values already stored under the same report identity (filler number, else order number), newest first. */
  private priorValues(r: NormalizedReport): { id: string; code: string; sub_id: string | null; status: string }[] {
    const key = r.fillerNumber ?? r.orderNumber
    if (!key) return []
    const column = r.fillerNumber ? 'filler_number' : 'order_number'
    // CROSS JOIN keeps SQLite on the report-number index, then each report's values.
    const stmt = this.core.store.statement(`SELECT o.id, o.code, o.sub_id, o.status FROM lab_reports r CROSS JOIN lab_observations o ON o.report_id = r.id WHERE r.${column} = ? ORDER BY o.rowid DESC`)
    return stmt.all(key) as { id: string; code: string; sub_id: string | null; status: string }[]
  }
}
