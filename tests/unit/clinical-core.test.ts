import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeApp, type TestApp } from '../helpers/app'
import { clients } from '../../src-main/db/schema'
import type { Change } from '../../src-main/db/store'

describe('clients and patients', () => {
  let t: TestApp
  beforeEach(() => {
    t = makeApp()
    t.signIn('front_desk')
  })
  afterEach(() => t.close())

  const newClient = (lastName = 'Quintero', phone = '(312) 555-0199') => t.call('clients.create', { firstName: 'Lucía', lastName, email: 'lucia@example.com', phones: [{ label: 'mobile', number: phone }] })

  it('registers a client with contacts and a patient with a first weight, and audits both', () => {
    const c = newClient()
    expect(c.contacts.map((x) => [x.kind, x.value])).toEqual([['phone', '(312) 555-0199'], ['email', 'lucia@example.com']])
    const p = t.call('patients.create', { clientId: c.id, name: 'Pepita', species: 'feline', sex: 'female', neuterStatus: 'neutered', dateOfBirth: '2020-03-01', microchip: '985 112 345 678 901', weightKg: 4.2 })
    const d = t.call('patients.get', { id: p.id })
    expect(d.owner.lastName).toBe('Quintero')
    expect(d.patient).toMatchObject({ microchip: '985 112 345 678 901', microchipNormalized: '985112345678901', microchipType: 'iso' })
    expect(d.weights[0].weightKg).toBe(4.2)
    const actions = t.call('audit.list', { patientId: p.id, limit: 10 }).map((e) => e.action)
    expect(actions).toContain('patient.created')
    expect(t.call('audit.list', { limit: 20 }).map((e) => e.action)).toContain('client.created')
  })

  it('finds a patient by patient name, owner name, phone suffix, full phone with country code and microchip', () => {
    const c = newClient('Zwanenburg', '(312) 555-0199')
    const p = t.call('patients.create', { clientId: c.id, name: 'Queso', species: 'canine', microchip: '981020000999888' })
    const ids = (query: string, kind: 'auto' | 'name' | 'owner' | 'phone' | 'microchip' = 'auto') => t.call('patients.search', { query, kind }).map((r) => r.id)
    expect(ids('ques')).toContain(p.id)
    expect(ids('zwanen')).toContain(p.id)
    expect(ids('lucia zwanenburg')).toContain(p.id)
    expect(ids('queso zwan')).toContain(p.id)
    expect(ids('555-0199', 'phone')).toContain(p.id)
    expect(ids('0199')).toContain(p.id)
    expect(ids('+1 312 555 0199')).toContain(p.id)
    expect(ids('981020000999888')).toContain(p.id)
    expect(ids('981 020 000 999 888', 'microchip')).toContain(p.id)
    expect(t.call('patients.search', { query: '981020000999888' })[0]).toMatchObject({ id: p.id, matchedOn: 'microchip', ownerName: 'Lucía Zwanenburg', ownerPhone: '(312) 555-0199' })
    expect(ids('Zwänenburg')).toContain(p.id) // accents do not matter
    expect(ids('queso', 'owner')).not.toContain(p.id)
  })

  it('refuses a microchip that is already on another patient', () => {
    const c = newClient()
    t.call('patients.create', { clientId: c.id, name: 'One', species: 'canine', microchip: '981020000111222' })
    const r = t.raw('patients.create', { clientId: c.id, name: 'Two', species: 'canine', microchip: '981 020 000 111 222' })
    expect(r).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/already recorded for One/) } })
  })

  it('rejects a date of birth in the future with a field error', () => {
    const c = newClient()
    const r = t.raw('patients.create', { clientId: c.id, name: 'Future', species: 'canine', dateOfBirth: '2999-01-01' })
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input', issues: [{ path: 'dateOfBirth' }] } })
  })

  it('replaces contacts on edit and finds the client by the new number only', () => {
    const c = newClient('Achterberg', '(312) 555-0199')
    t.call('patients.create', { clientId: c.id, name: 'Moss', species: 'canine' })
    t.call('clients.update', { id: c.id, firstName: 'Lucía', lastName: 'Achterberg', phones: [{ label: 'home', number: '(773) 555-4242' }] })
    expect(t.call('clients.get', { id: c.id }).client.contacts.map((x) => x.value)).toEqual(['(773) 555-4242'])
    expect(t.call('patients.search', { query: '4242' }).some((r) => r.clientId === c.id)).toBe(true)
    expect(t.call('patients.search', { query: '555-0199', kind: 'phone' }).some((r) => r.clientId === c.id)).toBe(false)
  })

  it('writes each transaction and its outbox mutation together, one mutation listing every row it wrote', () => {
    const outbox = (after: number) => t.app.core.store.sqlite.prepare('SELECT changes FROM outbox WHERE seq > ? ORDER BY seq').all(after).map((r) => JSON.parse((r as { changes: string }).changes) as Change[])
    const lastSeq = () => (t.app.core.store.sqlite.prepare('SELECT coalesce(max(seq), 0) n FROM outbox').get() as { n: number }).n
    let before = lastSeq()
    const c = newClient()
    const [created] = outbox(before)
    expect(outbox(before)).toHaveLength(1)
    expect(created.map(([tbl, , op]) => `${tbl}:${op}`)).toEqual(['clients:insert', 'client_contacts:insert', 'client_contacts:insert'])
    // an insert points at the row; an update carries the fields it changed
    expect(created[0][1]).toBe(c.id)
    expect(created[0][4]).toBeNull()
    before = lastSeq()
    t.call('clients.update', { id: c.id, firstName: 'Lucía', lastName: 'Quintero', notes: 'Prefers text messages' })
    const update = outbox(before).flat().find(([tbl, , op]) => tbl === 'clients' && op === 'update')!
    expect(update[4]).toMatchObject({ notes: 'Prefers text messages' })

    // A savepoint that rolls back takes its changes out of the mutation; the rest commit together.
    const store = t.app.core.store
    before = lastSeq()
    store.tx(() => {
      store.update(clients, c.id, { notes: 'kept' })
      try {
        store.tx(() => {
          store.update(clients, c.id, { notes: 'rolled back' })
          throw new Error('no')
        })
      } catch {
        /* the savepoint is gone */
      }
    })
    const [kept] = outbox(before)
    expect(kept.map((ch) => ch[4])).toEqual([expect.objectContaining({ notes: 'kept' })])
  })
})

describe('the clinical record', () => {
  let t: TestApp
  let patientId: string
  beforeEach(() => {
    t = makeApp()
    t.signIn('veterinarian')
    const c = t.call('clients.create', { firstName: 'Ana', lastName: 'Ruiz', phones: [] })
    patientId = t.call('patients.create', { clientId: c.id, name: 'Toby', species: 'canine' }).id
  })
  afterEach(() => t.close())

  it('keeps the original note when it is amended', () => {
    const first = t.call('notes.add', { patientId, kind: 'soap', subjective: 'Limping', assessment: 'Sprain' })
    const second = t.call('notes.amend', { noteId: first.id, subjective: 'Limping', assessment: 'Cruciate tear' })
    const notes = t.call('patients.get', { id: patientId }).notes
    expect(notes.find((n) => n.id === first.id)).toMatchObject({ superseded: true, assessment: 'Sprain' })
    expect(notes.find((n) => n.id === second.id)).toMatchObject({ superseded: false, amendsId: first.id })
    expect(t.raw('notes.amend', { noteId: first.id, body: 'again' })).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect(() => t.app.core.store.sqlite.prepare('UPDATE clinical_notes SET assessment = ? WHERE id = ?').run('x', first.id)).toThrow(/append-only/)
  })

  it("lists a person's notifications with everyone's, newest first, only theirs, read per person", async () => {
    const svc = t.app.services.notifications
    const staff = t.app.services.staff.list()
    const [me, other] = staff.filter((s) => s.role === 'veterinarian')
    const mine = (title: string) => svc.notify({ recipientId: me.id, kind: 'test', severity: 'info', title })
    const all = (title: string) => svc.notify({ recipientId: null, kind: 'test', severity: 'info', title })
    const tick = () => new Promise((r) => setTimeout(r, 3))
    for (const make of [() => mine('m1'), () => all('a1'), () => svc.notify({ recipientId: other.id, kind: 'test', severity: 'info', title: 'theirs' }), () => mine('m2'), () => all('a2')]) {
      make()
      await tick()
    }
    const titles = (unreadOnly: boolean, limit: number) => svc.list(me.id, unreadOnly, limit).filter((n) => n.kind === 'test').map((n) => n.title)
    expect(titles(false, 50)).toEqual(['a2', 'm2', 'a1', 'm1'])
    expect(svc.list(me.id, false, 2).map((n) => n.title)).toEqual(['a2', 'm2'])
    svc.markRead(me.id, svc.list(me.id, false, 50).filter((n) => n.title === 'm2' || n.title === 'a1').map((n) => n.id))
    expect(titles(true, 50)).toEqual(['a2', 'm1'])
    expect(svc.list(me.id, false, 50).find((n) => n.title === 'm2')).toMatchObject({ kind: 'test', severity: 'info', body: null, patientId: null, readAt: expect.any(String) })
    // one person reading a notification for everyone does not read it for the others
    const theirs = (unreadOnly: boolean) => svc.list(other.id, unreadOnly, 50).filter((n) => n.kind === 'test').map((n) => n.title)
    expect(theirs(true)).toEqual(['a2', 'theirs', 'a1'])
    svc.markRead(other.id, svc.list(other.id, false, 50).filter((n) => n.kind === 'test').map((n) => n.id))
    expect(theirs(true)).toEqual([])
    expect(titles(true, 50)).toEqual(['a2', 'm1'])
    // and nobody marks another person's own notification
    svc.markRead(other.id, svc.list(me.id, false, 50).filter((n) => n.title === 'm1').map((n) => n.id))
    expect(titles(true, 50)).toEqual(['a2', 'm1'])
  })

  it('refuses an empty note', () => {
    expect(t.raw('notes.add', { patientId, kind: 'soap' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
  })

  it('corrects a weight with a new entry that hides the wrong one', () => {
    // A slip of the finger a person confirmed (95 for 25: possible for a dog, so it can be saved).
    const wrong = t.call('patients.recordWeight', { patientId, weightKg: 95, confirm: true })
    t.call('patients.recordWeight', { patientId, weightKg: 25, correctsId: wrong.id })
    expect(t.call('patients.get', { id: patientId }).weights.map((w) => w.weightKg)).toEqual([25])
    expect(() => t.app.core.store.sqlite.prepare('DELETE FROM patient_weights').run()).toThrow(/append-only/)
  })

  it('resolves an alert and keeps both entries', () => {
    const a = t.call('patients.addAlert', { patientId, kind: 'allergy', severity: 'critical', text: 'Penicillin' })
    expect(t.call('patients.get', { id: patientId }).alerts.map((x) => x.text)).toEqual(['Penicillin'])
    t.call('patients.resolveAlert', { alertId: a.id, reason: 'Entered on the wrong patient' })
    expect(t.call('patients.get', { id: patientId }).alerts).toEqual([])
    expect(t.raw('patients.resolveAlert', { alertId: a.id, reason: 'again' })).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect((t.app.core.store.sqlite.prepare('SELECT count(*) n FROM patient_alerts WHERE patient_id = ?').get(patientId) as { n: number }).n).toBe(2)
  })

  it('moves visits only along the allowed path and notifies the veterinarian at check-in', () => {
    const vet = t.app.services.staff.list().find((s) => s.role === 'veterinarian' && s.displayName.includes('Webb'))!
    const v = t.call('visits.create', { patientId, veterinarianId: vet.id, reason: 'Limping', status: 'booked' })
    expect(t.raw('visits.setStatus', { id: v.id, status: 'completed' })).toMatchObject({ ok: false, error: { code: 'conflict' } })
    t.call('visits.setStatus', { id: v.id, status: 'checked_in' })
    t.call('visits.setStatus', { id: v.id, status: 'in_progress' })
    const done = t.call('visits.setStatus', { id: v.id, status: 'completed' })
    expect(done.endedAt).not.toBeNull()
    expect(t.raw('visits.setStatus', { id: v.id, status: 'cancelled' })).toMatchObject({ ok: false, error: { code: 'conflict' } })
    const webb = t.app.services.notifications.list(vet.id, true, 10)
    expect(webb.some((n) => n.title === 'Toby is checked in' && n.body === 'Limping')).toBe(true)
  })

  it('refuses to assign a visit to someone who is not a veterinarian', () => {
    const tech = t.app.services.staff.list().find((s) => s.role === 'technician')!
    expect(t.raw('visits.create', { patientId, veterinarianId: tech.id, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
  })
})
