import { and, eq, inArray, isNull } from 'drizzle-orm'
import { labOrders, patients } from '../db/schema'
import { ApiError, conflict, notFound } from '../api/errors'
import { normalizeName, prefixEnd } from '../core/normalize'
import type { Actor } from '../domain/actor'
import type { Core } from '../domain/core'
import type { IntegrationRegistry } from '../integrations/registry'
import { scoreCandidate, type Candidate, type PatientFacts } from './matching'
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

  /** Reports whose latest link is none or a detach. */
  pendingIds(): string[] {
    return (
      this.core.store.sqlite
        .prepare(
          `SELECT r.id FROM lab_reports r
           WHERE coalesce((SELECT action FROM lab_report_links l WHERE l.report_id = r.id ORDER BY l.rowid DESC LIMIT 1), 'none') IN ('none', 'detach')
           ORDER BY r.rowid`
        )
        .pluck()
        .all() as string[]
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
    type Row = { id: string; name: string; date_of_birth: string | null; sex: string; neuter_status: string; species: string; first_name: string; last_name: string }
    const found = new Map<string, Row>()
    const cols = 'p.id, p.name, p.date_of_birth, p.sex, p.neuter_status, p.species, c.first_name, c.last_name FROM patients p JOIN clients c ON c.id = p.client_id'
    const live = 'p.deleted_at IS NULL AND c.deleted_at IS NULL'
    const take = (where: string, limit: number, ...args: unknown[]) => {
      for (const r of sqlite.prepare(`SELECT ${cols} WHERE ${where} AND ${live} LIMIT ${limit}`).all(...args) as Row[]) found.set(r.id, r)
    }
    const pet = ids.petName ? normalizeName(ids.petName) : ''
    const owner = ids.ownerLastName ? normalizeName(ids.ownerLastName) : ''
    if (matchedOrderId) take('p.id = (SELECT patient_id FROM lab_orders WHERE id = ?)', 1, matchedOrderId)
    if (ids.patientId) take('p.id = ?', 1, ids.patientId)
    // A misspelling rarely changes the first two letters: look near them, most specific first, then score.
    if (pet.length >= 2 && owner.length >= 2) take('c.last_name_norm >= ? AND c.last_name_norm < ? AND p.name_norm >= ? AND p.name_norm < ?', 500, owner.slice(0, 2), prefixEnd(owner.slice(0, 2)), pet.slice(0, 2), prefixEnd(pet.slice(0, 2)))
    if (owner) take('c.last_name_norm = ?', 300, owner)
    if (pet.length >= 2) take('p.name_norm >= ? AND p.name_norm < ?', 100, pet.slice(0, 2), prefixEnd(pet.slice(0, 2)))
    if (owner.length >= 2) take('c.last_name_norm >= ? AND c.last_name_norm < ?', 100, owner.slice(0, 2), prefixEnd(owner.slice(0, 2)))
    if (found.size === 0) return []
    const facts = (r: Row): PatientFacts => ({ id: r.id, name: r.name, dateOfBirth: r.date_of_birth, sex: r.sex, neuterStatus: r.neuter_status, species: r.species, ownerLastName: r.last_name })
    // Score on identity first; look up open orders only for the few that could be it.
    const shortlist = [...found.values()]
      .map((r) => ({ r, score: scoreCandidate(ids, facts(r), null).score }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 20)
      .map((x) => x.r)
    const openOrders = db
      .select()
      .from(labOrders)
      .where(and(inArray(labOrders.patientId, shortlist.map((r) => r.id)), isNull(labOrders.deletedAt), ...(report.integrationId ? [eq(labOrders.integrationId, report.integrationId)] : [])))
      .all()
      .filter((o) => isOpen(o.status) && o.status !== 'reviewed')
    return shortlist
      .map((r) => {
        const own = openOrders.filter((o) => o.patientId === r.id).sort((a, b) => (a.orderNumber === report.orderNumber ? -1 : b.orderNumber === report.orderNumber ? 1 : b.createdAt.localeCompare(a.createdAt)))[0]
        const scored = scoreCandidate(ids, facts(r), own ? { id: own.id, orderNumber: own.orderNumber, matchesNumber: own.orderNumber === report.orderNumber } : null)
        return { ...scored, patientName: r.name, ownerName: `${r.first_name} ${r.last_name}`, species: r.species, dateOfBirth: r.date_of_birth, orderNumber: own?.orderNumber ?? null }
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
