import { and, asc, desc, eq, inArray } from 'drizzle-orm'
import { clients, labOrderEvents, labOrders, outboundMessages, patients, staff } from '../db/schema'
import type { CatalogTest, DataCategory, LabProfile } from '../../src-preload/contract'
import { ApiError, conflict, notFound } from '../api/errors'
import { newId } from '../core/ids'
import type { Actor } from '../domain/actor'
import type { ChargeCapture } from '../billing/charges'
import type { Core } from '../domain/core'
import type { ConsentGate } from '../consent/gate'
import type { IntegrationRegistry } from '../integrations/registry'
import { advance, type OrderStatus } from './lifecycle'
import type { OrderMessageInput } from '../hl7/lab-messages'

export type LabOrderRow = typeof labOrders.$inferSelect

/** Turns an order into the bytes a lab or analyzer expects; one per integration kind. */
export interface OrderEncoder {
  encode(profile: LabProfile, input: OrderMessageInput): Buffer
}

export interface PlaceOrder {
  patientId: string
  visitId?: string | null
  integrationId: string
  tests: string[]
  specimen?: string | null
  priority: 'routine' | 'stat'
  note?: string | null
}

/** An order message, new or cancel, names the patient (PID / P record) and the tests. */
const ORDER_CATEGORIES: DataCategory[] = ['patient_identity', 'lab_orders']

/** Our placer order number: short enough to read over the phone, unique across workstations. */
function orderNumber(deviceId: string, seq: number): string {
  return `${deviceId.replace(/-/g, '').slice(-4).toUpperCase()}${String(seq).padStart(6, '0')}`
}

/**
 * Lab orders: placing one passes the consent gate, then the order, its first timeline entry and
 * its outbound message commit together; the outbound queue sends it when the link is up.
 */
export class LabOrdersService {
  private encoders = new Map<string, OrderEncoder>()
  /** called after a commit that queued something, so the queue sends without waiting for its timer */
  onQueued: (integrationId: string) => void = () => {}

  constructor(
    private readonly core: Core,
    private readonly registry: IntegrationRegistry,
    private readonly gate: ConsentGate,
    /** billing's charge capture: an order on a visit becomes lines on its invoice */
    private readonly charges: ChargeCapture | null = null
  ) {}

  registerEncoder(kind: string, encoder: OrderEncoder): void {
    this.encoders.set(kind, encoder)
  }

  catalog(integrationId: string): CatalogTest[] {
    return this.registry.config(integrationId).lab?.catalog ?? []
  }

  place(actor: Actor, input: PlaceOrder): LabOrderRow {
    const { store, audit } = this.core
    const integration = this.registry.row(input.integrationId)
    const profile = this.registry.config(input.integrationId).lab
    const encoder = this.encoders.get(integration.kind)
    if (!profile || !encoder) throw new ApiError('invalid-input', `"${integration.name}" does not take lab orders`, [{ path: 'integrationId', message: 'is not a lab or analyzer' }])
    if (this.registry.config(input.integrationId).capture) throw new ApiError('conflict', `"${integration.name}" is in capture mode: it records what the device sends and takes no orders until its profile is saved`)
    const byCode = new Map(profile.catalog.map((t) => [t.code, t]))
    const unknown = input.tests.filter((c) => !byCode.has(c))
    if (input.tests.length === 0) throw new ApiError('invalid-input', 'Choose at least one test', [{ path: 'tests', message: 'choose at least one test' }])
    if (unknown.length) throw new ApiError('invalid-input', `Not in ${integration.name}'s catalog: ${unknown.join(', ')}`, [{ path: 'tests', message: 'not in the catalog' }])
    const patient = store.db.select().from(patients).where(eq(patients.id, input.patientId)).get()
    if (!patient || patient.deletedAt) throw notFound('Patient')
    if (patient.deceasedAt) throw conflict(`${patient.name} is recorded as deceased`)
    const tests = input.tests.map((c) => ({ code: c, name: byCode.get(c)!.name }))

    // Outside the transaction: a refusal must stay in the audit log even though nothing else is written.
    this.gate.authorize({ integrationId: input.integrationId, categories: ORDER_CATEGORIES, actor, patientId: patient.id, summary: `Lab order for ${patient.name} to ${integration.name}: ${tests.map((t) => t.name).join(', ')}` })

    const order = store.tx(() => {
      const seq = (store.sqlite.prepare('SELECT count(*) AS n FROM lab_orders').get() as { n: number }).n + 1
      const row = store.insert(labOrders, {
        orderNumber: orderNumber(store.deviceId, seq),
        patientId: patient.id,
        visitId: input.visitId ?? null,
        integrationId: input.integrationId,
        tests: JSON.stringify(tests),
        specimen: input.specimen ?? null,
        priority: input.priority,
        note: input.note ?? null,
        orderedBy: actor.id,
        status: 'queued',
        statusDetail: null,
        fillerNumber: null
      })
      this.event(row.id, 'queued', `Ordered by ${actor.name}`, actor.name)
      this.queueHere(row, 'NW')
      this.charges?.ordered(actor, { source: 'lab_order', sourceId: row.id, patientId: patient.id, visitId: row.visitId, items: tests })
      audit.append({ action: 'lab.order.placed', direction: 'internal', actor, patientId: patient.id, integrationId: input.integrationId, entityType: 'lab_order', entityId: row.id, summary: `Ordered ${tests.map((t) => t.name).join(', ')} for ${patient.name} (${row.orderNumber}) from ${integration.name}` })
      this.core.events.emit('changed', { entity: 'patient', id: patient.id, patientId: patient.id })
      return row
    })
    this.onQueued(input.integrationId)
    return order
  }

  cancel(actor: Actor, orderId: string, reason: string): LabOrderRow {
    const { store, audit } = this.core
    const order = this.row(orderId)
    if (order.status === 'cancelled' || order.status === 'cancel_requested') throw conflict('This order is already cancelled')
    if (order.status === 'final' || order.status === 'reviewed') throw conflict('Final results have arrived; this order can no longer be cancelled')
    const pending = store.db.select().from(outboundMessages).where(and(eq(outboundMessages.orderId, orderId), eq(outboundMessages.status, 'pending'))).all()
    const neverSent = order.status === 'queued' || order.status === 'error'
    if (!neverSent) this.gate.authorize({ integrationId: order.integrationId, categories: ORDER_CATEGORIES, actor, patientId: order.patientId, summary: `Cancel of lab order ${order.orderNumber}` })
    store.tx(() => {
      for (const m of pending) store.db.update(outboundMessages).set({ status: 'cancelled', doneAt: store.nowIso() }).where(eq(outboundMessages.id, m.id)).run()
      if (neverSent) this.applyStatus(orderId, 'cancelled', `Cancelled before it was sent: ${reason}`, actor.name)
      else {
        this.applyStatus(orderId, 'cancel_requested', `Cancel sent to the lab: ${reason}`, actor.name)
        this.queueHere(order, 'CA')
      }
      this.charges?.cancelled(actor, orderId, reason)
      audit.append({ action: 'lab.order.cancelled', direction: 'internal', actor, patientId: order.patientId, integrationId: order.integrationId, entityType: 'lab_order', entityId: orderId, summary: `Cancelled ${order.orderNumber}: ${reason}` })
    })
    if (!neverSent) this.onQueued(order.integrationId)
    return this.row(orderId)
  }

  /** A failed or rejected order goes out again as a new message (a new control id). */
  resubmit(actor: Actor, orderId: string): LabOrderRow {
    const { store, audit } = this.core
    const order = this.row(orderId)
    if (order.status !== 'error' && order.status !== 'rejected') throw conflict(`Only a failed or rejected order can be resubmitted (this one is ${order.status.replace('_', ' ')})`)
    this.gate.authorize({ integrationId: order.integrationId, categories: ORDER_CATEGORIES, actor, patientId: order.patientId, summary: `Resubmission of lab order ${order.orderNumber}` })
    store.tx(() => {
      store.update(labOrders, orderId, { status: 'queued', statusDetail: null })
      this.event(orderId, 'queued', `Resubmitted by ${actor.name}`, actor.name)
      this.queueHere(order, 'NW')
      audit.append({ action: 'lab.order.resubmitted', direction: 'internal', actor, patientId: order.patientId, integrationId: order.integrationId, entityType: 'lab_order', entityId: orderId, summary: `Resubmitted ${order.orderNumber}` })
    })
    this.onQueued(order.integrationId)
    return this.row(orderId)
  }

  markReviewed(actor: Actor, orderId: string): LabOrderRow {
    const order = this.row(orderId)
    if (order.status !== 'final') throw conflict('Only an order with final results can be marked reviewed')
    this.core.store.tx(() => {
      this.applyStatus(orderId, 'reviewed', `Reviewed by ${actor.name}`, actor.name)
      this.core.audit.append({ action: 'lab.order.reviewed', direction: 'internal', actor, patientId: order.patientId, entityType: 'lab_order', entityId: orderId, summary: `Reviewed results of ${order.orderNumber}` })
    })
    return this.row(orderId)
  }

  /** Moves an order along its lifecycle (forward only) and records the step on its timeline. */
  /** opts.fillerNumber: the lab's number for the order, written with the status (one row update, not two). */
  applyStatus(orderOrId: string | LabOrderRow, next: OrderStatus, detail: string | null, actorName: string | null, opts: { correction?: boolean; fillerNumber?: string | null } = {}): boolean {
    const { store, events } = this.core
    const order = typeof orderOrId === 'string' ? this.row(orderOrId) : orderOrId
    const orderId = order.id
    const filler = opts.fillerNumber && opts.fillerNumber !== order.fillerNumber ? { fillerNumber: opts.fillerNumber } : null
    const to = advance(order.status as OrderStatus, next, opts)
    if (!to) {
      if (filler) store.update(labOrders, orderId, filler)
      // Not a move (a repeat, a late status), but worth keeping on the timeline when it says something.
      if (detail && opts.correction) this.event(orderId, 'corrected', detail, actorName)
      return false
    }
    store.update(labOrders, orderId, { status: to, statusDetail: detail, ...filler })
    this.event(orderId, opts.correction ? 'corrected' : to, detail, actorName)
    events.emit('changed', { entity: 'patient', id: order.patientId, patientId: order.patientId })
    return true
  }

  row(orderId: string): LabOrderRow {
    const r = this.core.store.byId(labOrders, orderId)
    if (!r) throw notFound('Lab order')
    return r
  }

  byNumber(orderNumber: string): LabOrderRow | undefined {
    return this.core.store.firstBy(labOrders, 'orderNumber', orderNumber)
  }

  forPatient(patientId: string) {
    const { db } = this.core.store
    const orders = db.select({ o: labOrders, vet: staff.displayName }).from(labOrders).leftJoin(staff, eq(staff.id, labOrders.orderedBy)).where(eq(labOrders.patientId, patientId)).orderBy(desc(labOrders.createdAt)).all()
    const ids = orders.map((o) => o.o.id)
    const evts = ids.length ? db.select().from(labOrderEvents).where(inArray(labOrderEvents.orderId, ids)).orderBy(asc(labOrderEvents.occurredAt), asc(labOrderEvents.id)).all() : []
    return orders.map(({ o, vet }) => ({ ...o, orderedByName: vet, timeline: evts.filter((e) => e.orderId === o.id) }))
  }

  /** A timeline entry that does not move the order (the link is down, the lab refused a cancel). */
  note(orderId: string, status: string, detail: string): void {
    this.event(orderId, status, detail, null)
    const order = this.row(orderId)
    this.core.events.emit('changed', { entity: 'patient', id: order.patientId, patientId: order.patientId })
  }

  private event(orderId: string, status: string, detail: string | null, actorName: string | null): void {
    this.core.store.insert(labOrderEvents, { orderId, status, detail, actorName, occurredAt: this.core.store.nowIso() })
  }

  /** What an encoder needs to write an order message. */
  messageInput(order: LabOrderRow, control: 'NW' | 'CA', controlId = ''): OrderMessageInput {
    const { store } = this.core
    const patient = store.db.select().from(patients).where(eq(patients.id, order.patientId)).get()!
    const owner = store.db.select().from(clients).where(eq(clients.id, patient.clientId)).get()!
    const vet = store.db.select().from(staff).where(eq(staff.id, order.orderedBy)).get()
    return {
      controlId,
      control,
      orderNumber: order.orderNumber,
      tests: JSON.parse(order.tests) as { code: string; name: string }[],
      priority: order.priority,
      specimen: order.specimen,
      note: order.note,
      orderedAt: new Date(order.createdAt),
      patient,
      owner,
      vet: vet ? { id: vet.id, name: vet.displayName } : null,
      now: new Date(store.nowIso())
    }
  }

  /** Whether this workstation runs the integration's connection: the one named, or any when none is. */
  hostsHere(integrationId: string): boolean {
    const host = this.registry.config(integrationId).workstationId
    return !host || host === this.core.store.deviceId
  }

  /**
   * The message for an order or a cancel, queued here when this workstation runs the lab's
   * connection; otherwise the order syncs to the workstation that does (pickUp there sends it).
   */
  private queueHere(order: LabOrderRow, control: 'NW' | 'CA'): void {
    const integration = this.registry.row(order.integrationId)
    const config = this.registry.config(order.integrationId)
    if (this.hostsHere(order.integrationId)) return this.enqueue(order, control, integration.kind, config.lab!)
    this.event(order.id, 'waiting', `Waiting for ${config.workstationName ?? 'the workstation that runs it'} to send ${control === 'NW' ? 'it' : 'the cancel'} to ${integration.name}`, null)
  }

  /**
   * On the workstation that runs a lab's connection: orders and cancels placed on other
   * workstations (they arrive by sync) that have no message here yet get one. Orders whose patient
   * has not arrived yet wait for the next call. Returns the integrations that got messages.
   */
  pickUp(): string[] {
    const { store } = this.core
    const hosted = this.registry.list().filter((i) => i.enabled && i.config.workstationId === store.deviceId && this.encoders.has(i.kind)).map((i) => i.id)
    if (hosted.length === 0) return []
    // An order cancelled on another workstation before it left: its message here must not go.
    store.sqlite.prepare("UPDATE outbound_messages SET status = 'cancelled', done_at = ? WHERE status = 'pending' AND kind = 'order' AND order_id IN (SELECT id FROM lab_orders WHERE status = 'cancelled')").run(store.nowIso())
    const waiting = store.sqlite
      .prepare(
        `SELECT id FROM lab_orders o WHERE o.integration_id IN (${hosted.map(() => '?').join(',')}) AND o.status IN ('queued', 'cancel_requested') AND o.deleted_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM outbound_messages m WHERE m.order_id = o.id AND m.kind = CASE o.status WHEN 'queued' THEN 'order' ELSE 'cancel' END AND m.status IN ('pending', 'sent', 'acked'))`
      )
      .pluck()
      .all(...hosted) as string[]
    const woken = new Set<string>()
    for (const id of waiting) {
      const order = this.row(id)
      try {
        store.tx(() => this.queueHere(order, order.status === 'queued' ? 'NW' : 'CA'))
        woken.add(order.integrationId)
      } catch {
        // Its patient, owner or vet has not arrived by sync yet: the next sync batch calls again.
      }
    }
    return [...woken]
  }

  private enqueue(order: LabOrderRow, control: 'NW' | 'CA', kind: string, profile: LabProfile): void {
    const { store } = this.core
    const controlId = newId().replace(/-/g, '').slice(-20)
    const payload = this.encoders.get(kind)!.encode(profile, this.messageInput(order, control, controlId))
    store.db
      .insert(outboundMessages)
      .values({ id: newId(), integrationId: order.integrationId, orderId: order.id, kind: control === 'NW' ? 'order' : 'cancel', controlId, payload, categories: JSON.stringify(ORDER_CATEGORIES), status: 'pending', attempts: 0, nextAttemptAt: store.nowIso(), lastError: null, response: null, createdAt: store.nowIso(), sentAt: null, doneAt: null })
      .run()
  }
}
