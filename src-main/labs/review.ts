import { and, eq, inArray, isNull } from 'drizzle-orm'
import { labOrders, patients } from '../db/schema'
import { ApiError, conflict, notFound } from '../api/errors'
import type { Actor } from '../domain/actor'
import type { Core } from '../domain/core'
import type { IntegrationRegistry } from '../integrations/registry'
import { scoreCandidate, type Candidate } from '../matching/rule'
import { shortlistPatients } from '../matching/candidates'
import { isOpen } from './lifecycle'
import type { NormalizedReport } from './normalize'
import type { LabResultsService, ReportRow } from './results'

const CANDIDATES = 5

/**
 * The review queue: results that did not attach by themselves. A person attaches (to a patient,
 * and an order if there is one), rejects, or detaches a wrong attachment back into the queue.
 * Candidates are ranked with their reasons; none is ever chosen automatically.
 */
export class LabReviewService {
  constructor(
    private readonly core: Core,
    private readonly results: LabResultsService,
    private readonly registry: IntegrationRegistry
  ) {}

  /** How many results wait for a person (the sidebar's badge on every screen). */
  pendingCount(): number {
    return this.core.store.statement('SELECT count(*) FROM lab_review_pending').pluck().get() as number
  }

  /** Reports whose latest link is none or a detach, oldest first. */
  pendingIds(limit = -1): string[] {
    return (
      this.core.store.statement('SELECT report_id FROM lab_review_pending ORDER BY report_seq LIMIT ?').pluck().all(limit) as string[]
    )
  }

  item(reportId: string) {
    const report = this.results.report(reportId)
    if (!report) throw notFound('Lab result')
    const profile = report.integrationId ? this.safeProfile(report.integrationId) : undefined
    const verdict = this.results.verdict(report, profile)
    return {
      report,
      identifiers: JSON.parse(report.identifiers) as NormalizedReport['identifiers'],
      observations: this.results.observations(report.id),
      reasons: verdict.reasons.length ? verdict.reasons : ['it was detached from the patient it was attached to'],
      candidates: this.candidates(report, verdict.order?.id ?? null)
    }
  }

  /** Ranks the patients this result could belong to. Bounded lookups on indexed columns only. */
  candidates(report: ReportRow, matchedOrderId: string | null): (Candidate & { patientName: string; ownerName: string; species: string; dateOfBirth: string | null; orderNumber: string | null })[] {
    const { sqlite, db } = this.core.store
    const ids = JSON.parse(report.identifiers) as NormalizedReport['identifiers']
    const pinned = matchedOrderId ? [(sqlite.prepare('SELECT patient_id FROM lab_orders WHERE id = ?').pluck().get(matchedOrderId) as string | undefined) ?? ''] : []
    const profile = report.integrationId ? this.safeProfile(report.integrationId) : undefined
    const shortlist = shortlistPatients(sqlite, ids, pinned, profile)
    if (shortlist.length === 0) return []
    const openOrders = db
      .select()
      .from(labOrders)
      .where(and(inArray(labOrders.patientId, shortlist.map((r) => r.facts.id)), isNull(labOrders.deletedAt), ...(report.integrationId ? [eq(labOrders.integrationId, report.integrationId)] : [])))
      .all()
      .filter((o) => isOpen(o.status) && o.status !== 'reviewed')
    return shortlist
      .map((r) => {
        const own = openOrders.filter((o) => o.patientId === r.facts.id).sort((a, b) => (a.orderNumber === report.orderNumber ? -1 : b.orderNumber === report.orderNumber ? 1 : b.createdAt.localeCompare(a.createdAt)))[0]
        const scored = scoreCandidate(ids, r.facts, own ? { id: own.id, orderNumber: own.orderNumber, matchesNumber: own.orderNumber === report.orderNumber } : null, undefined, profile)
        return { ...scored, patientName: r.facts.name, ownerName: r.ownerName, species: r.facts.species, dateOfBirth: r.facts.dateOfBirth, orderNumber: own?.orderNumber ?? null }
      })
      .filter((c) => c.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, CANDIDATES)
  }

  attach(actor: Actor, reportId: string, patientId: string, orderId: string | null, reason: string): void {
    const report = this.pending(reportId)
    const patient = this.core.store.db.select().from(patients).where(and(eq(patients.id, patientId), isNull(patients.deletedAt))).get()
    if (!patient) throw notFound('Patient')
    if (orderId) {
      const order = this.core.store.db.select().from(labOrders).where(eq(labOrders.id, orderId)).get()
      if (!order) throw notFound('Lab order')
      if (order.patientId !== patientId) throw new ApiError('invalid-input', `Order ${order.orderNumber} belongs to another patient`, [{ path: 'orderId', message: 'belongs to another patient' }])
      if (!isOpen(order.status)) throw conflict(`Order ${order.orderNumber} is ${order.status}`)
    }
    this.core.store.tx(() => this.results.link(report, { action: 'attach', patientId, orderId, automatic: false, reason }, actor, this.source(report)))
  }

  reject(actor: Actor, reportId: string, reason: string): void {
    const report = this.pending(reportId)
    this.core.store.tx(() => this.results.link(report, { action: 'reject', patientId: null, orderId: null, automatic: false, reason }, actor, this.source(report)))
  }

  /** Undo: a wrong attachment goes back to the queue; the values leave the patient's chart. */
  detach(actor: Actor, reportId: string, reason: string): void {
    const report = this.results.report(reportId)
    if (!report) throw notFound('Lab result')
    const link = this.results.currentLink(reportId)
    if (link?.action !== 'attach') throw conflict('This result is not attached to a patient')
    this.core.store.tx(() => this.results.link(report, { action: 'detach', patientId: link.patient_id, orderId: link.order_id, automatic: false, reason }, actor, this.source(report)))
  }

  private pending(reportId: string): ReportRow {
    const report = this.results.report(reportId)
    if (!report) throw notFound('Lab result')
    const link = this.results.currentLink(reportId)
    if (link && link.action !== 'detach') throw conflict(`This result was already ${link.action === 'attach' ? 'attached' : 'rejected'}`)
    return report
  }

  private source(report: ReportRow): string {
    return report.integrationId ? this.registry.row(report.integrationId).name : 'an unknown sender'
  }

  private safeProfile(integrationId: string) {
    try {
      return this.registry.config(integrationId).lab
    } catch {
      return undefined
    }
  }
}
