/**
 * Today, the home screen's one read: the clinic's day (in its timezone) as the desk and the vet act
 * on it. Each rule is here, by name, so the screen never decides what counts:
 *  - a day's visits are those booked for it, or opened on it without an appointment (Checkout's
 *    list); visits still open (checked in, in progress) from the week before are carried over,
 *    because a patient kept overnight is still today's work;
 *  - a completed visit is ready for checkout while it has no invoice, a draft one, or money due on
 *    it (Checkout's "to check out"); done once paid or written off;
 *  - an order is stuck when the lab rejected it or it failed to send (within the last 30 days:
 *    older ones are history in the patient's record), or while it waits to go out on a link that
 *    is down (its last try failed, the connection reports an error, or it is switched off);
 *  - results to read are final results no veterinarian has marked reviewed.
 * Plain SQL over the workstation's database; the live pieces (a link's status, an invoice's
 * balance) are passed in.
 */
import type { Core } from './core'
import type { StuckOrder, TodayGroup, TodayOverview, TodayVisit } from '../../src-preload/contract'
import { dayStart, localDay, nextDay } from '../core/clinic-day'
import type { IntegrationRegistry } from '../integrations/registry'
import type { Billing } from '../billing'
import type { InvoiceRow } from '../billing/invoices'

/** How far back a rejected or failed order still asks for someone (older: the patient's record). */
export const STUCK_WINDOW_DAYS = 30
/** How far back a visit still open (checked in, in progress) is carried over to today. */
export const CARRY_OVER_DAYS = 7
/** How many of the oldest items each section names. */
const OLDEST = 5

/** What a visit's invoice stands at, from billing (balance()), for the visit's group. */
export interface InvoiceStanding {
  id: string
  state: string
  dueMinor: number
}

export interface TodayDeps {
  core: Core
  /** an integration's live link status (connectors keep it in memory) */
  linkState: (integrationId: string) => { state: string; detail: string | null } | null
  /** the newest invoice of a visit that is not void, with its balance */
  invoiceFor: (visitId: string) => InvoiceStanding | null
}

/** Money still to settle at the desk: the same rule as Checkout's "to check out". */
export function needsCheckout(invoice: Pick<InvoiceStanding, 'state'> | null): boolean {
  return !invoice || invoice.state === 'draft' || invoice.state === 'open' || invoice.state === 'partially_paid'
}

/** The group a visit of the day sits in. */
export function visitGroup(status: TodayVisit['status'], invoice: Pick<InvoiceStanding, 'state'> | null): TodayGroup {
  if (status !== 'completed') return status
  return needsCheckout(invoice) ? 'ready_for_checkout' : 'done'
}

/** Why a lab order is stuck, or null when it is on its way. */
export function stuckReason(o: { status: string; integrationEnabled: boolean; pendingError: string | null; linkState: string | null }): StuckOrder['reason'] | null {
  if (o.status === 'rejected') return 'rejected'
  if (o.status === 'error') return 'failed'
  if (o.status === 'queued' || o.status === 'cancel_requested') {
    if (!o.integrationEnabled || o.pendingError !== null || o.linkState === 'error') return 'link_down'
  }
  return null
}

interface VisitRow {
  id: string
  patient_id: string
  patient_name: string
  species: string
  client_id: string
  first_name: string
  last_name: string
  reason: string
  veterinarian_id: string | null
  vet_name: string | null
  status: TodayVisit['status']
  at: string
}

/** The service as the app wires it: live link status from the registry, balances from billing. */
export function createToday(core: Core, integrations: IntegrationRegistry, billing: Billing): TodayService {
  const newestInvoice = (visitId: string) =>
    core.store
      .statement("SELECT id FROM invoices WHERE visit_id = ? AND kind = 'invoice' AND status <> 'void' AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 1")
      .pluck()
      .get(visitId) as string | undefined
  return new TodayService({
    core,
    linkState: (id) => {
      try {
        const { state, detail } = integrations.get(id).status
        return { state, detail }
      } catch {
        return null
      }
    },
    invoiceFor: (visitId) => {
      const id = newestInvoice(visitId)
      if (!id) return null
      const row: InvoiceRow = billing.invoices.row(id)
      const b = billing.invoices.balance(row)
      return { id, state: b.state, dueMinor: b.dueMinor }
    }
  })
}

export class TodayService {
  constructor(private readonly deps: TodayDeps) {}

  private get store() {
    return this.deps.core.store
  }

  private timezone(): { timezone: string; currency: string } {
    const c = this.store.statement('SELECT timezone, currency FROM clinics LIMIT 1').get() as { timezone: string; currency: string } | undefined
    return { timezone: c?.timezone ?? 'UTC', currency: c?.currency ?? 'USD' }
  }

  /** The day's overview as `staffId` sees it (their own results to read counted apart); nowMs: the instant that is "now". */
  overview(staffId: string | null, nowMs = Date.now()): TodayOverview {
    const { timezone, currency } = this.timezone()
    const day = localDay(nowMs, timezone)
    const missing = this.missingPets(day, timezone)
    const flagged = new Map<string, 'exact' | 'possible'>()
    for (const m of missing.items) if (!flagged.has(m.patientId) || m.kind === 'exact') flagged.set(m.patientId, m.kind)
    return {
      day,
      timezone,
      currency,
      visits: this.visits(day, timezone, flagged),
      review: { lab: this.labReview(), imaging: this.imagingReview(), toRead: this.toRead(staffId) },
      stuckOrders: this.stuckOrders(nowMs),
      balances: this.balances(),
      missingPets: missing
    }
  }

  private visitRows(day: string, tz: string): VisitRow[] {
    const from = dayStart(day, tz)
    const to = dayStart(nextDay(day), tz)
    const carried = new Date(Date.parse(from) - CARRY_OVER_DAYS * 86_400_000).toISOString()
    return this.store
      .statement(
        `SELECT v.id, v.patient_id, p.name AS patient_name, p.species, p.client_id, c.first_name, c.last_name, v.reason, v.veterinarian_id, s.display_name AS vet_name, v.status,
                coalesce(v.scheduled_at, v.created_at) AS at
         FROM visits v JOIN patients p ON p.id = v.patient_id JOIN clients c ON c.id = p.client_id LEFT JOIN staff s ON s.id = v.veterinarian_id
         WHERE v.deleted_at IS NULL AND p.deleted_at IS NULL AND v.status <> 'cancelled'
           AND ((coalesce(v.scheduled_at, v.created_at) >= ? AND coalesce(v.scheduled_at, v.created_at) < ?)
             OR (v.status IN ('checked_in', 'in_progress') AND coalesce(v.scheduled_at, v.created_at) >= ? AND coalesce(v.scheduled_at, v.created_at) < ?))
         ORDER BY at, v.created_at`
      )
      .all(from, to, carried, from) as VisitRow[]
  }

  private visits(day: string, tz: string, flagged: Map<string, 'exact' | 'possible'>): TodayVisit[] {
    return this.visitRows(day, tz).map((v) => {
      const invoice = v.status === 'completed' || v.status === 'in_progress' || v.status === 'checked_in' ? this.deps.invoiceFor(v.id) : null
      return {
        visitId: v.id,
        patientId: v.patient_id,
        patientName: v.patient_name,
        species: v.species,
        clientId: v.client_id,
        clientName: `${v.first_name} ${v.last_name}`.trim(),
        reason: v.reason,
        veterinarianId: v.veterinarian_id,
        veterinarianName: v.vet_name,
        status: v.status,
        group: visitGroup(v.status, invoice),
        at: v.at,
        invoice,
        missing: flagged.get(v.patient_id) ?? null
      }
    })
  }

  /** Who a message in review says it is for: pet (owner). */
  private static who(identifiers: string, fallback: string | null): string {
    try {
      const ids = JSON.parse(identifiers) as { petName?: string; ownerLastName?: string }
      const pet = ids.petName ?? fallback ?? 'Unknown patient'
      return ids.ownerLastName ? `${pet} (${ids.ownerLastName})` : pet
    } catch {
      return fallback ?? 'Unknown patient'
    }
  }

  private labReview(): TodayOverview['review']['lab'] {
    const count = this.store.statement('SELECT count(*) FROM lab_review_pending').pluck().get() as number
    const rows = this.store
      .statement('SELECT r.id, r.title, r.identifiers, r.created_at FROM lab_review_pending q JOIN lab_reports r ON r.id = q.report_id ORDER BY q.report_seq LIMIT ?')
      .all(OLDEST) as { id: string; title: string | null; identifiers: string; created_at: string }[]
    return { count, oldest: rows.map((r) => ({ id: r.id, title: r.title ?? 'Lab result', who: TodayService.who(r.identifiers, null), receivedAt: r.created_at })) }
  }

  private imagingReview(): TodayOverview['review']['imaging'] {
    const count = this.store.statement('SELECT count(*) FROM imaging_review_pending').pluck().get() as number
    const rows = this.store
      .statement('SELECT s.id, s.description, s.identifiers, s.patient_name, s.created_at FROM imaging_review_pending q JOIN imaging_studies s ON s.id = q.study_id ORDER BY q.study_seq LIMIT ?')
      .all(OLDEST) as { id: string; description: string | null; identifiers: string; patient_name: string | null; created_at: string }[]
    return { count, oldest: rows.map((r) => ({ id: r.id, title: r.description ?? 'Imaging study', who: TodayService.who(r.identifiers, r.patient_name), receivedAt: r.created_at })) }
  }

  private toRead(staffId: string | null): TodayOverview['review']['toRead'] {
    const rows = this.store
      .statement(
        `SELECT o.id, o.order_number, o.patient_id, p.name AS patient_name, o.tests, o.ordered_by, s.display_name AS ordered_by_name,
                coalesce((SELECT max(e.occurred_at) FROM lab_order_events e WHERE e.order_id = o.id), o.created_at) AS since
         FROM lab_orders o JOIN patients p ON p.id = o.patient_id LEFT JOIN staff s ON s.id = o.ordered_by
         WHERE o.status = 'final' AND o.deleted_at IS NULL AND p.deleted_at IS NULL
         ORDER BY since`
      )
      .all() as { id: string; order_number: string; patient_id: string; patient_name: string; tests: string; ordered_by: string; ordered_by_name: string | null; since: string }[]
    const items = rows.map((r) => ({
      orderId: r.id,
      orderNumber: r.order_number,
      patientId: r.patient_id,
      patientName: r.patient_name,
      tests: testNames(r.tests),
      orderedByName: r.ordered_by_name,
      mine: !!staffId && r.ordered_by === staffId,
      since: r.since
    }))
    // The caller's own first, then everyone's, oldest first within each.
    const oldest = [...items.filter((i) => i.mine), ...items.filter((i) => !i.mine)].slice(0, OLDEST)
    return { count: items.length, mine: items.filter((i) => i.mine).length, oldest }
  }

  private stuckOrders(nowMs: number): TodayOverview['stuckOrders'] {
    const since = new Date(nowMs - STUCK_WINDOW_DAYS * 86_400_000).toISOString()
    const rows = this.store
      .statement(
        `SELECT o.id, o.order_number, o.patient_id, p.name AS patient_name, o.integration_id, i.name AS integration_name, i.enabled, o.status, o.status_detail, o.created_at,
                (SELECT m.last_error FROM outbound_messages m WHERE m.order_id = o.id AND m.status = 'pending' AND m.last_error IS NOT NULL ORDER BY m.seq DESC LIMIT 1) AS pending_error
         FROM lab_orders o JOIN patients p ON p.id = o.patient_id JOIN integrations i ON i.id = o.integration_id
         WHERE o.deleted_at IS NULL AND p.deleted_at IS NULL
           AND (o.status IN ('queued', 'cancel_requested') OR (o.status IN ('rejected', 'error') AND o.created_at >= ?))
         ORDER BY o.created_at`
      )
      .all(since) as { id: string; order_number: string; patient_id: string; patient_name: string; integration_id: string; integration_name: string; enabled: number; status: string; status_detail: string | null; created_at: string; pending_error: string | null }[]
    const items: StuckOrder[] = []
    for (const r of rows) {
      const link = this.deps.linkState(r.integration_id)
      const reason = stuckReason({ status: r.status, integrationEnabled: !!r.enabled, pendingError: r.pending_error, linkState: link?.state ?? null })
      if (!reason) continue
      const detail = reason === 'link_down' ? (r.pending_error ?? (r.enabled ? link?.detail : `${r.integration_name} is switched off`) ?? null) : r.status_detail
      items.push({ orderId: r.id, orderNumber: r.order_number, patientId: r.patient_id, patientName: r.patient_name, integrationName: r.integration_name, reason, detail, createdAt: r.created_at })
    }
    return { count: items.length, items }
  }

  /** What clients owe on finalized invoices (the ledger's running balance per invoice, as Financial Reports reads it). */
  private balances(): TodayOverview['balances'] {
    const rows = this.store
      .statement(
        `SELECT i.client_id, c.first_name, c.last_name, sum(o.owed_minor) AS owed, min(i.finalized_at) AS oldest
         FROM invoice_owed o CROSS JOIN invoices i ON i.id = o.invoice_id LEFT JOIN clients c ON c.id = i.client_id
         WHERE o.owed_minor != 0 GROUP BY i.client_id`
      )
      .all() as { client_id: string; first_name: string | null; last_name: string | null; owed: number; oldest: string | null }[]
    const owing = rows.filter((r) => r.owed > 0).sort((a, b) => b.owed - a.owed)
    return {
      owedMinor: rows.reduce((s, r) => s + r.owed, 0),
      clients: owing.length,
      top: owing.slice(0, OLDEST).map((r) => ({ clientId: r.client_id, clientName: `${r.first_name ?? ''} ${r.last_name ?? ''}`.trim(), owedMinor: r.owed, oldestAt: r.oldest }))
    }
  }

  /**
   * Patients matching an active missing-pet report (the alert's own record of matches, still true:
   * the chip or the name still agrees), exact before possible, those here today first.
   */
  private missingPets(day: string, tz: string): TodayOverview['missingPets'] {
    const rows = this.store
      .statement(
        `SELECT m.patient_id, p.name AS patient_name, min(m.kind) AS kind, m.report_id, r.last_seen_area, r.last_seen_at, r.filed_by_name
         FROM missing_pet_matches m JOIN missing_pets r ON r.id = m.report_id JOIN patients p ON p.id = m.patient_id
         WHERE p.deleted_at IS NULL AND p.deceased_at IS NULL
           AND ((m.kind = 'exact' AND p.microchip_norm = r.microchip_norm) OR (m.kind = 'possible' AND p.name_norm = r.name_norm AND p.species = r.species))
         GROUP BY m.patient_id, m.report_id`
      )
      .all() as { patient_id: string; patient_name: string; kind: 'exact' | 'possible'; report_id: string; last_seen_area: string; last_seen_at: string; filed_by_name: string }[]
    const here = new Set(this.visitRows(day, tz).map((v) => v.patient_id))
    const items = rows
      .map((r) => ({ patientId: r.patient_id, patientName: r.patient_name, kind: r.kind, reportId: r.report_id, lastSeenArea: r.last_seen_area, lastSeenAt: r.last_seen_at, filedBy: r.filed_by_name, visitToday: here.has(r.patient_id) }))
      .sort((a, b) => Number(b.visitToday) - Number(a.visitToday) || (a.kind === b.kind ? 0 : a.kind === 'exact' ? -1 : 1) || b.lastSeenAt.localeCompare(a.lastSeenAt))
    return { count: items.length, items }
  }
}

function testNames(json: string): string {
  try {
    return (JSON.parse(json) as { name: string }[]).map((t) => t.name).join(', ')
  } catch {
    return ''
  }
}
