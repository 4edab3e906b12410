/**
 * A change of owner through the API of a real app (the demo clinic's staff), as the patient page's
 * dialog makes it: the patient moves to another client in one transaction (one sync mutation) with
 * its audit entry naming both owners and the reason, and the same 'changed' event a patient update
 * emits; what was billed stays with the earlier owner; a new owner with no patient yet is found by
 * the client search. Refused, with nothing written: an unknown or removed client, the same owner,
 * no reason, a deceased patient, a role without access, no session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clients } from '../../src-main/db/schema'
import { makeApp, type TestApp } from '../helpers/app'
import type { Client, Patient, ServerEvent } from '../../src-preload/contract'

describe('patients.changeOwner', () => {
  let t: TestApp
  let desk: string
  let n = 0

  beforeAll(() => {
    t = makeApp()
    desk = t.signIn('front_desk')
  })
  afterAll(() => t?.close())

  const SURNAMES = ['Quennell', 'Arbuthnot', 'Featherstone', 'Lindqvist', 'Okonkwo', 'Marchetti', 'Zabłocki', 'Halvorsen', 'Ferreira', 'Nakashima', 'Oyelaran', 'Brannigan']
  const surname = () => SURNAMES[n++ % SURNAMES.length]
  /** An owner with a pet, and another client with no patient yet (the adopter). */
  const fresh = (): { pet: Patient; from: Client; to: Client } => {
    // Each pair its own phone numbers: the surnames come round again, and the same name with the
    // same phone is a likely duplicate that clients.create asks about.
    const from = t.call('clients.create', { firstName: 'Ana', lastName: surname(), phones: [{ label: 'mobile', number: `(475) 555-${1000 + n}` }] }, desk)
    const to = t.call('clients.create', { firstName: 'Ben', lastName: surname(), phones: [{ label: 'mobile', number: `(475) 556-${1000 + n}` }], email: `ben${n}@example.com` }, desk)
    const pet = t.call('patients.create', { clientId: from.id, name: 'Tiko', species: 'canine', sex: 'male', neuterStatus: 'neutered', dobEstimated: false }, desk)
    return { pet, from, to }
  }
  const sql = () => t.app.core.store.sqlite
  const ownerChanges = (patientId: string) => sql().prepare("SELECT count(*) FROM audit_log WHERE action = 'patient.owner_changed' AND patient_id = ?").pluck().get(patientId) as number
  const clientOf = (patientId: string) => sql().prepare('SELECT client_id FROM patients WHERE id = ?').pluck().get(patientId) as string

  it('moves the patient to the new owner in one transaction, with the event a patient update emits', () => {
    const { pet, from, to } = fresh()
    const events: ServerEvent[] = []
    const sub = t.app.core.events.subscribe(({ event }) => events.push(event))
    const outboxBefore = sql().prepare('SELECT max(seq) FROM outbox').pluck().get() as number
    const moved = t.call('patients.changeOwner', { id: pet.id, clientId: to.id, reason: 'Adopted by a neighbour' }, desk)
    sub.unsubscribe()

    expect(moved).toMatchObject({ id: pet.id, name: 'Tiko', clientId: to.id })
    expect(t.call('patients.get', { id: pet.id }, desk).owner).toMatchObject({ id: to.id, firstName: 'Ben', lastName: to.lastName })
    expect(t.call('clients.get', { id: from.id }, desk).patients).toEqual([])
    expect(t.call('clients.get', { id: to.id }, desk).patients.map((p) => p.id)).toEqual([pet.id])
    // The same event as patients.update: PetLifeLog and the open screens follow it.
    expect(events).toContainEqual({ type: 'changed', payload: { entity: 'patient', id: pet.id, patientId: pet.id } })
    // One sync mutation, carrying the patient's new client.
    const mutations = sql().prepare('SELECT changes FROM outbox WHERE seq > ? ORDER BY seq').pluck().all(outboxBefore) as string[]
    expect(mutations).toHaveLength(1)
    expect(JSON.parse(mutations[0])).toContainEqual(['patients', pet.id, 'update', expect.any(String), expect.objectContaining({ clientId: to.id })])
  })

  it('is in the audit log with the person, both owners and the reason', () => {
    const { pet, from, to } = fresh()
    t.call('patients.changeOwner', { id: pet.id, clientId: to.id, reason: 'Filed under the wrong family member' }, desk)
    const entry = t.call('audit.list', { patientId: pet.id, limit: 20 }, desk).find((e) => e.action === 'patient.owner_changed')
    expect(entry).toMatchObject({ actorName: 'Priya Nair', direction: 'internal', entityType: 'patient', entityId: pet.id, outcome: 'ok' })
    expect(entry!.summary).toBe(`Tiko's owner changed from Ana ${from.lastName} to Ben ${to.lastName}: Filed under the wrong family member`)
    expect(JSON.parse(entry!.details!)).toEqual({
      from: { clientId: from.id, name: `Ana ${from.lastName}` },
      to: { clientId: to.id, name: `Ben ${to.lastName}` },
      reason: 'Filed under the wrong family member'
    })
    expect(t.call('audit.verify', {}, desk).ok).toBe(true)
  })

  it('leaves what was billed with the earlier owner', () => {
    const { pet, from, to } = fresh()
    const invoice = t.call('billing.createInvoice', { clientId: from.id, patientId: pet.id }, desk)
    const estimate = t.call('billing.createInvoice', { clientId: from.id, patientId: pet.id, kind: 'estimate' }, desk)
    t.call('patients.changeOwner', { id: pet.id, clientId: to.id, reason: 'Sold to a new family' }, desk)
    expect(t.call('billing.clientAccount', { clientId: from.id }, desk).invoices.map((i) => i.id)).toEqual(expect.arrayContaining([invoice.id, estimate.id]))
    expect(t.call('billing.clientAccount', { clientId: to.id }, desk).invoices).toEqual([])
  })

  it('finds a new owner with no patient yet by name and by phone', () => {
    const { to } = fresh()
    expect(t.call('clients.search', { query: to.lastName }, desk).map((c) => c.id)).toContain(to.id)
    expect(t.call('clients.search', { query: `Ben ${to.lastName}` }, desk).map((c) => c.id)).toContain(to.id)
    expect(t.call('clients.search', { query: to.contacts[0].value.slice(-8) }, desk).map((c) => c.id)).toContain(to.id)
  })

  it('may be made by a veterinarian and an administrator too', () => {
    for (const role of ['veterinarian', 'admin'] as const) {
      const { pet, to } = fresh()
      const token = t.signIn(role)
      expect(t.call('patients.changeOwner', { id: pet.id, clientId: to.id, reason: 'Surrendered and adopted' }, token).clientId).toBe(to.id)
    }
  })

  describe('refusals, with nothing written', () => {
    const refused = (pet: Patient, from: Client) => {
      expect(clientOf(pet.id)).toBe(from.id)
      expect(ownerChanges(pet.id)).toBe(0)
    }

    it('refuses a client the clinic does not have, or has removed', () => {
      const { pet, from, to } = fresh()
      expect(t.raw('patients.changeOwner', { id: pet.id, clientId: crypto.randomUUID(), reason: 'Rehomed' }, desk)).toMatchObject({
        ok: false,
        error: { code: 'not-found', issues: [{ path: 'clientId', message: expect.stringContaining('not in the clinic’s records') }] }
      })
      const { store } = t.app.core
      store.tx(() => store.remove(clients, to.id))
      expect(t.raw('patients.changeOwner', { id: pet.id, clientId: to.id, reason: 'Rehomed' }, desk)).toMatchObject({ ok: false, error: { code: 'not-found', issues: [{ path: 'clientId' }] } })
      refused(pet, from)
    })

    it('refuses the same owner', () => {
      const { pet, from } = fresh()
      expect(t.raw('patients.changeOwner', { id: pet.id, clientId: from.id, reason: 'Rehomed' }, desk)).toMatchObject({
        ok: false,
        error: { code: 'conflict', message: `Tiko already belongs to Ana ${from.lastName}`, issues: [{ path: 'clientId' }] }
      })
      refused(pet, from)
    })

    it('requires a reason', () => {
      const { pet, from, to } = fresh()
      for (const input of [{ id: pet.id, clientId: to.id }, { id: pet.id, clientId: to.id, reason: '' }, { id: pet.id, clientId: to.id, reason: '   ' }]) {
        expect(t.raw('patients.changeOwner', input, desk)).toMatchObject({ ok: false, error: { code: 'invalid-input', issues: [{ path: 'reason' }] } })
      }
      refused(pet, from)
    })

    it('refuses a deceased patient', () => {
      const { pet, from, to } = fresh()
      t.call('patients.update', { id: pet.id, name: 'Tiko', species: 'canine', sex: 'male', neuterStatus: 'neutered', dobEstimated: false, deceasedAt: '2026-01-15' }, desk)
      expect(t.raw('patients.changeOwner', { id: pet.id, clientId: to.id, reason: 'Rehomed' }, desk)).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('deceased') } })
      refused(pet, from)
    })

    it('refuses a role without access (a technician) and a call without a session', () => {
      const { pet, from, to } = fresh()
      const tech = t.signIn('technician')
      expect(t.raw('patients.changeOwner', { id: pet.id, clientId: to.id, reason: 'Rehomed' }, tech)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      expect(t.raw('patients.changeOwner', { id: pet.id, clientId: to.id, reason: 'Rehomed' }, null)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
      refused(pet, from)
    })

    it('refuses an unknown patient', () => {
      const { to } = fresh()
      expect(t.raw('patients.changeOwner', { id: crypto.randomUUID(), clientId: to.id, reason: 'Rehomed' }, desk)).toMatchObject({ ok: false, error: { code: 'not-found' } })
    })
  })
})
