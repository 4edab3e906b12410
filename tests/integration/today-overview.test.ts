/**
 * Today's overview (domain/today.ts) on a real clinic database, through the API as a renderer
 * calls it: the clinic's day in its own timezone, what counts as ready for checkout, which lab
 * orders are stuck, review waiting, balances and missing-pet matches, and the live event behind
 * each thing the screen shows.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApp, type TestApp } from '../helpers/app'
import { REFLAB_PROFILE } from '../helpers/labs'
import type { ServerEvent, TodayOverview } from '../../src-preload/contract'

let t: TestApp
let vetId: string
let labId: string
const events: ServerEvent[] = []
const DAY = 86_400_000

const overview = (nowMs?: number, staffId: string | null = null): TodayOverview => t.app.services.today.overview(staffId, nowMs)
const sql = () => t.app.core.store.sqlite

let n = 0
function pet(extra: { microchip?: string; name?: string } = {}) {
  n++
  const client = t.call('clients.create', { firstName: 'Ana', lastName: `Owner${n}`, phones: [{ label: 'mobile', number: `(555) 010-${String(1000 + n)}` }] })
  return t.call('patients.create', { clientId: client.id, name: extra.name ?? `Pet${n}`, species: 'canine', sex: 'female', neuterStatus: 'neutered', ...(extra.microchip ? { microchip: extra.microchip } : {}) })
}
const groupOf = (o: TodayOverview, visitId: string) => o.visits.find((v) => v.visitId === visitId)?.group ?? null

beforeAll(() => {
  t = makeApp({ demo: false })
  t.signIn('admin')
  // The clinic is in Chicago: its day starts at 06:00 UTC in winter.
  t.call('clinic.update', { timezone: 'America/Chicago' })
  vetId = t.call('staff.create', { displayName: 'Dr. Ines Park', username: 'ipark', role: 'veterinarian', pin: '4321' }).id
  const lab = t.call('integrations.create', { kind: 'reference_lab', name: 'Test Reference Lab', config: { host: '127.0.0.1', port: 9, lab: REFLAB_PROFILE } })
  t.call('integrations.approve', { id: lab.id, categories: ['patient_identity', 'lab_orders'] })
  labId = lab.id
  t.app.events.subscribe((e) => events.push(e.event))
})

afterAll(async () => {
  await t?.close()
})

describe("the clinic's day", () => {
  it('counts an appointment at 23:30 in Chicago as today, and one at 00:30 as tomorrow’s', () => {
    // 22:30 on 2 December in Chicago (04:30 UTC on the 3rd)
    const now = Date.parse('2026-12-03T04:30:00Z')
    const late = t.call('visits.create', { patientId: pet().id, reason: 'Late appointment', status: 'booked', scheduledAt: '2026-12-03T05:30:00.000Z' })
    const tomorrow = t.call('visits.create', { patientId: pet().id, reason: 'Tomorrow', status: 'booked', scheduledAt: '2026-12-03T06:30:00.000Z' })
    const yesterday = t.call('visits.create', { patientId: pet().id, reason: 'Yesterday', status: 'booked', scheduledAt: '2026-12-02T05:30:00.000Z' })
    const o = overview(now)
    expect(o.day).toBe('2026-12-02')
    expect(o.timezone).toBe('America/Chicago')
    expect(groupOf(o, late.id)).toBe('booked')
    expect(groupOf(o, tomorrow.id)).toBeNull()
    // a booking from yesterday that never came is not today's work
    expect(groupOf(o, yesterday.id)).toBeNull()
    // and at the clinic's midnight the day turns over
    expect(groupOf(overview(Date.parse('2026-12-03T06:00:00Z')), tomorrow.id)).toBe('booked')
  })

  it('carries over a visit still open from an earlier day, for a week, but not a finished or cancelled one', () => {
    const open = t.call('visits.create', { patientId: pet().id, reason: 'Hospitalised overnight', status: 'checked_in' })
    const finished = t.call('visits.create', { patientId: pet().id, reason: 'Done yesterday', status: 'checked_in' })
    t.call('visits.setStatus', { id: finished.id, status: 'completed' })
    const cancelled = t.call('visits.create', { patientId: pet().id, reason: 'Cancelled', status: 'checked_in' })
    t.call('visits.setStatus', { id: cancelled.id, status: 'cancelled' })
    const opened = Date.parse(open.createdAt)
    expect(groupOf(overview(opened), open.id)).toBe('checked_in')
    expect(groupOf(overview(opened), cancelled.id)).toBeNull()
    expect(groupOf(overview(opened + 2 * DAY), open.id)).toBe('checked_in')
    expect(groupOf(overview(opened + 2 * DAY), finished.id)).toBeNull()
    expect(groupOf(overview(opened + 9 * DAY), open.id)).toBeNull()
  })
})

describe('ready for checkout and done', () => {
  it('keeps a completed visit ready for checkout until its invoice is paid or written off', () => {
    const p = pet()
    const v = t.call('visits.create', { patientId: p.id, reason: 'Vaccines', status: 'checked_in' })
    const at = Date.parse(v.createdAt)
    t.call('visits.setStatus', { id: v.id, status: 'in_progress' })
    // an invoice started during the visit does not move it
    const inv = t.call('billing.createInvoice', { clientId: p.clientId, patientId: p.id, visitId: v.id, kind: 'invoice' })
    t.call('billing.addLine', { invoiceId: inv.id, description: 'Vaccine', category: 'pharmacy', unitPriceMinor: 4000 })
    expect(groupOf(overview(at), v.id)).toBe('in_progress')
    t.call('visits.setStatus', { id: v.id, status: 'completed' })
    // a draft is still to be finalized at the desk
    expect(groupOf(overview(at), v.id)).toBe('ready_for_checkout')
    const fin = t.call('billing.finalizeInvoice', { invoiceId: inv.id })
    expect(overview(at).visits.find((x) => x.visitId === v.id)!.invoice).toMatchObject({ id: inv.id, state: 'open', dueMinor: fin.dueMinor })
    // paid in part: still at the desk
    t.call('billing.takePayment', { clientId: p.clientId, method: 'cash', amountMinor: 1000, tenderedMinor: 1000, idempotencyKey: randomUUID(), allocations: [{ invoiceId: inv.id, amountMinor: 1000 }] })
    expect(groupOf(overview(at), v.id)).toBe('ready_for_checkout')
    t.call('billing.takePayment', { clientId: p.clientId, method: 'cash', amountMinor: fin.dueMinor - 1000, tenderedMinor: fin.dueMinor - 1000, idempotencyKey: randomUUID(), allocations: [{ invoiceId: inv.id, amountMinor: fin.dueMinor - 1000 }] })
    expect(groupOf(overview(at), v.id)).toBe('done')
  })

  it('treats a completed visit with no invoice, or only a void one, as not checked out; a written-off one as done', () => {
    const p = pet()
    const v = t.call('visits.create', { patientId: p.id, reason: 'Recheck', status: 'checked_in' })
    t.call('visits.setStatus', { id: v.id, status: 'completed' })
    const at = Date.parse(v.createdAt)
    expect(groupOf(overview(at), v.id)).toBe('ready_for_checkout')
    const draft = t.call('billing.createInvoice', { clientId: p.clientId, patientId: p.id, visitId: v.id, kind: 'invoice' })
    t.call('billing.voidInvoice', { invoiceId: draft.id, reason: 'Wrong client' })
    expect(overview(at).visits.find((x) => x.visitId === v.id)!.invoice).toBeNull()
    const inv = t.call('billing.createInvoice', { clientId: p.clientId, patientId: p.id, visitId: v.id, kind: 'invoice' })
    t.call('billing.addLine', { invoiceId: inv.id, description: 'Recheck exam', category: 'exam', unitPriceMinor: 3000 })
    t.call('billing.finalizeInvoice', { invoiceId: inv.id })
    t.call('billing.writeOffInvoice', { invoiceId: inv.id, reason: 'Hardship' })
    expect(groupOf(overview(at), v.id)).toBe('done')
  })
})

describe('lab orders and results', () => {
  const place = (patientId: string) => t.call('labs.placeOrder', { patientId, integrationId: labId, tests: ['CBC'] })
  const stuck = (orderId: string, nowMs?: number) => overview(nowMs).stuckOrders.items.find((s) => s.orderId === orderId) ?? null

  it('leaves an order waiting its turn alone, and names it once its link is down, off, or the lab refuses it', () => {
    const a = place(pet().id)
    // queued, nothing tried yet, nothing known to be wrong: on its way
    expect(stuck(a.id)).toBeNull()
    // its last try failed
    sql().prepare("UPDATE outbound_messages SET attempts = 1, last_error = 'connect ECONNREFUSED 127.0.0.1:9' WHERE order_id = ?").run(a.id)
    expect(stuck(a.id)).toMatchObject({ reason: 'link_down', detail: 'connect ECONNREFUSED 127.0.0.1:9', integrationName: 'Test Reference Lab' })

    const b = place(pet().id)
    t.app.services.integrations.setStatus(labId, 'error', 'lab unreachable')
    expect(stuck(b.id)).toMatchObject({ reason: 'link_down', detail: 'lab unreachable' })
    t.app.services.integrations.setStatus(labId, 'connected', null)
    expect(stuck(b.id)).toBeNull()
    t.call('integrations.update', { id: labId, enabled: false })
    expect(stuck(b.id)).toMatchObject({ reason: 'link_down' })
    t.call('integrations.update', { id: labId, enabled: true })

    const c = place(pet().id)
    t.app.services.labs.orders.applyStatus(c.id, 'sent', null, null)
    expect(stuck(c.id)).toBeNull()
    t.app.services.labs.orders.applyStatus(c.id, 'rejected', 'Specimen haemolysed', null)
    expect(stuck(c.id)).toMatchObject({ reason: 'rejected', detail: 'Specimen haemolysed' })
    // a month on, it is history in the patient's record, not today's work
    expect(stuck(c.id, Date.now() + 31 * DAY)).toBeNull()
    // resubmitted: on its way again
    t.call('labs.resubmitOrder', { orderId: c.id })
    expect(stuck(c.id)).toBeNull()

    const d = place(pet().id)
    t.app.services.labs.orders.applyStatus(d.id, 'error', 'Refused: not approved for lab_orders', null)
    expect(stuck(d.id)).toMatchObject({ reason: 'failed' })
    expect(overview().stuckOrders.count).toBe(overview().stuckOrders.items.length)
  })

  it('counts final results no vet has read, the ordering vet’s own apart, until marked reviewed', () => {
    const order = place(pet().id)
    sql().prepare('UPDATE lab_orders SET ordered_by = ? WHERE id = ?').run(vetId, order.id)
    t.app.services.labs.orders.applyStatus(order.id, 'preliminary', null, null)
    expect(overview(undefined, vetId).review.toRead.oldest.map((r) => r.orderId)).not.toContain(order.id)
    t.app.services.labs.orders.applyStatus(order.id, 'final', 'Final results', null)
    const mine = overview(undefined, vetId).review.toRead
    expect(mine.oldest[0]).toMatchObject({ orderId: order.id, mine: true, tests: 'Complete blood count' })
    expect(mine.mine).toBe(1)
    expect(overview(undefined, null).review.toRead.mine).toBe(0)
    const vet = t.call('auth.login', { staffId: vetId, pin: '4321' }, null).token
    t.call('labs.markReviewed', { orderId: order.id }, vet)
    expect(overview(undefined, vetId).review.toRead.mine).toBe(0)
  })

  it('counts results waiting in Lab Review, oldest first with who they claim to be for, and drops a rejected one', () => {
    const before = overview().review.lab.count
    const ingest = (pet: string) =>
      t.app.services.labs.results.ingest({ inboundId: randomUUID(), integrationId: labId, integrationName: 'Test Reference Lab' }, [
        { orderNumber: null, fillerNumber: `F-${pet}`, title: 'Complete blood count', status: 'F', observedAt: null, identifiers: { petName: pet, ownerLastName: 'Nobody' }, observations: [] }
      ])
    events.length = 0
    ingest('Stranger')
    ingest('Wanderer')
    // the queue's change is an event of its own, for every screen showing the count
    expect(events.some((e) => e.type === 'changed' && e.payload.entity === 'lab')).toBe(true)
    const o = overview()
    expect(o.review.lab.count).toBe(before + 2)
    const whos = o.review.lab.oldest.map((r) => r.who)
    expect(whos.indexOf('Stranger (Nobody)')).toBeLessThan(whos.indexOf('Wanderer (Nobody)'))
    const id = o.review.lab.oldest.find((r) => r.who === 'Stranger (Nobody)')!.id
    events.length = 0
    t.call('labs.reject', { reportId: id, reason: 'Not our patient' })
    expect(overview().review.lab.count).toBe(before + 1)
    expect(events.some((e) => e.type === 'changed' && e.payload.entity === 'lab')).toBe(true)
  })
})

describe('balances and missing pets', () => {
  it('adds up what clients owe on finalized invoices, largest first, and a payment lowers it', () => {
    const base = overview().balances
    const p = pet()
    const inv = t.call('billing.createInvoice', { clientId: p.clientId, patientId: p.id, kind: 'invoice' })
    t.call('billing.addLine', { invoiceId: inv.id, description: 'Surgery', category: 'procedure', unitPriceMinor: 900_000 })
    // a draft is not owed yet
    expect(overview().balances.owedMinor).toBe(base.owedMinor)
    const fin = t.call('billing.finalizeInvoice', { invoiceId: inv.id })
    const after = overview().balances
    expect(after.owedMinor).toBe(base.owedMinor + fin.dueMinor)
    expect(after.top[0]).toMatchObject({ clientId: p.clientId, owedMinor: fin.dueMinor })
    events.length = 0
    t.call('billing.takePayment', { clientId: p.clientId, method: 'check', amountMinor: 100_000, reference: '1042', idempotencyKey: randomUUID(), allocations: [{ invoiceId: inv.id, amountMinor: 100_000 }] })
    expect(overview().balances.owedMinor).toBe(base.owedMinor + fin.dueMinor - 100_000)
    expect(events.some((e) => e.type === 'changed' && e.payload.entity === 'payment')).toBe(true)
  })

  it('lists a patient whose chip matches an active missing-pet report, flags its visit today, and forgets it when the chip no longer matches', async () => {
    const chip = '985141000777001'
    const p = pet({ microchip: chip, name: 'Athena' })
    sql()
      .prepare(
        `INSERT INTO missing_pets (id, microchip_norm, microchip, species, breed, colour, sex, name, name_norm, area_norm, last_seen_area, last_seen_at, filed_by_name, filed_by_kind, updated_at)
         VALUES ('rep-1', ?, ?, 'canine', 'French Bulldog', 'fawn', 'female', 'Athena', 'athena', 'riverton', 'Riverton', '2026-11-30T10:00:00Z', 'Lakewood Animal Hospital', 'clinic', '2026-11-30T10:00:00Z')`
      )
      .run(chip, chip)
    events.length = 0
    t.app.services.missingAlerts.start()
    t.app.services.missingAlerts.checkPatient(p.id)
    expect(events.some((e) => e.type === 'changed' && e.payload.entity === 'missing')).toBe(true)
    expect(overview().missingPets.items.find((m) => m.patientId === p.id)).toMatchObject({ kind: 'exact', lastSeenArea: 'Riverton', visitToday: false })
    const v = t.call('visits.create', { patientId: p.id, reason: 'Found by a neighbour', status: 'checked_in' })
    const o = overview(Date.parse(v.createdAt))
    expect(o.missingPets.items.find((m) => m.patientId === p.id)?.visitToday).toBe(true)
    expect(o.visits.find((x) => x.visitId === v.id)?.missing).toBe('exact')
    // the chip was mistyped and is corrected: no longer this report's pet
    t.call('patients.update', { id: p.id, name: 'Athena', species: 'canine', sex: 'female', neuterStatus: 'neutered', microchip: '985141000777999' })
    expect(overview().missingPets.items.find((m) => m.patientId === p.id)).toBeUndefined()
    t.app.services.missingAlerts.stop()
  })

  it('emits a change for each thing Today shows: a visit moving, a lab order rejected', () => {
    const v = t.call('visits.create', { patientId: pet().id, reason: 'Itchy ears', status: 'booked', scheduledAt: new Date().toISOString() })
    events.length = 0
    t.call('visits.setStatus', { id: v.id, status: 'checked_in' })
    expect(events).toContainEqual(expect.objectContaining({ type: 'changed', payload: expect.objectContaining({ entity: 'visit', id: v.id }) }))
    const order = t.call('labs.placeOrder', { patientId: v.patientId, integrationId: labId, tests: ['T4'] })
    events.length = 0
    t.app.services.labs.orders.applyStatus(order.id, 'rejected', 'Wrong tube', null)
    expect(events).toContainEqual(expect.objectContaining({ type: 'changed', payload: expect.objectContaining({ entity: 'patient', patientId: v.patientId }) }))
  })

  it('answers today.overview through the API for every role', () => {
    for (const role of ['front_desk', 'technician', 'veterinarian', 'admin'] as const) {
      if (!t.app.services.staff.list().some((s) => s.role === role)) t.call('staff.create', { displayName: `Someone ${role}`, username: `u-${role}`, role, pin: '1234' })
    }
    const desk = t.call('auth.login', { staffId: t.app.services.staff.list().find((s) => s.role === 'front_desk')!.id, pin: '1234' }, null).token
    const o = t.call('today.overview', {}, desk)
    expect(o.day).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(t.raw('today.overview', {}, null)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
  })
})
