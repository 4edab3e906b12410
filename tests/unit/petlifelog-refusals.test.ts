/**
 * PetLifeLog before anything reaches a service: what a clinic is told when it is not set up, when
 * the patient has no chip or the owner no way to be reached, and for input that is no chip number.
 * Each refusal is clear, audited where something was asked to leave, and leaves nothing waiting to
 * go by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApp, type TestApp } from '../helpers/app'

let t: TestApp

beforeAll(async () => {
  // A new clinic: no integration set up at all.
  t = makeApp({ demo: false })
  await t.app.start()
  t.signIn('admin')
})

afterAll(async () => {
  await t?.close()
})

const sql = () => t.app.core.store.sqlite

describe('PetLifeLog refusals', () => {
  it('refuses to register while PetLifeLog is not set up, says what to do, and audits it', async () => {
    const owner = t.call('clients.create', { firstName: 'Ada', lastName: 'Stone', phones: [{ label: 'mobile', number: '555 0111' }] })
    const p = t.call('patients.create', { clientId: owner.id, name: 'Biscuit', species: 'canine', sex: 'male', neuterStatus: 'neutered', dobEstimated: false, microchip: '985000000000042' })
    const before = t.call('petlifelog.status', { patientId: p.id })
    expect(before).toMatchObject({ state: 'not-registered', approval: { configured: false, problem: expect.stringContaining('not set up') } })
    const r = await t.raw('petlifelog.register', { patientId: p.id, shareContact: false })
    expect(r).toMatchObject({ ok: false, error: { code: 'consent-refused', message: expect.stringContaining('administrator adds it under Integrations') } })
    expect(sql().prepare("SELECT count(*) FROM audit_log WHERE action = 'petlifelog.refused' AND patient_id = ?").pluck().get(p.id)).toBe(1)
    // Kept as refused, not retried: nothing pending.
    expect(t.call('petlifelog.status', { patientId: p.id })).toMatchObject({ state: 'failed', outbox: [expect.objectContaining({ state: 'failed' })] })
  })

  it('refuses a patient without a chip and an owner nobody can reach, in plain words', async () => {
    const client = t.call('clients.create', { firstName: 'Nora', lastName: 'Vale', phones: [] })
    const chipless = t.call('patients.create', { clientId: client.id, name: 'Fig', species: 'feline', sex: 'female', neuterStatus: 'neutered', dobEstimated: false })
    expect(await t.raw('petlifelog.register', { patientId: chipless.id, shareContact: false })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: 'Fig has no microchip number: scan or type it on the patient first' } })
    expect(t.call('petlifelog.status', { patientId: chipless.id }).state).toBe('no-chip')
    const chipped = t.call('patients.create', { clientId: client.id, name: 'Olive', species: 'canine', sex: 'female', neuterStatus: 'intact', dobEstimated: false, microchip: '985 121 212 121 212' })
    expect(await t.raw('petlifelog.register', { patientId: chipped.id, shareContact: true })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('Nora Vale has no phone number or e-mail') } })
    expect(sql().prepare('SELECT count(*) FROM petlifelog_outbox WHERE patient_id IN (?, ?)').pluck().get(chipless.id, chipped.id)).toBe(0)
  })

  it('answers input that is no chip number, or no patient, with a clear error', async () => {
    for (const chip of ['', 'x', '12345', '\u0007985000000000001', 'a'.repeat(65)]) {
      const r = await t.raw('petlifelog.lookup', { chip })
      expect(r, JSON.stringify(chip)).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    }
    expect(await t.raw('petlifelog.lookup', { chip: 12 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(t.raw('petlifelog.status', { patientId: '019a0000-0000-7000-8000-000000000000' })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    expect(t.raw('petlifelog.setOptOut', { patientId: 'nope', optOut: true })).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    // A lookup with nothing set up says so rather than guessing.
    expect(await t.raw('petlifelog.lookup', { chip: '985000000000001' })).toMatchObject({ ok: false, error: { code: 'consent-refused', message: expect.stringContaining('PetLifeLog is not set up') } })
  })
})
