/**
 * Likely duplicates through the API of a real app, as every caller meets them: a second client
 * with the same name (case, accents, spacing aside) and a shared phone (any punctuation, a country
 * code) or e-mail is refused with needs-confirmation naming the existing client, and created only
 * with confirm; a namesake with other contacts is not a duplicate. The same for a pet of the same
 * name and species under the same owner. And a client with no pet yet is found by client search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApp, type TestApp } from '../helpers/app'

describe('likely duplicates', () => {
  let t: TestApp
  beforeAll(() => {
    t = makeApp()
    t.signIn('front_desk')
  })
  afterAll(() => t?.close())
  const count = (last: string) => t.app.core.store.sqlite.prepare('SELECT count(*) FROM clients WHERE last_name = ? AND deleted_at IS NULL').pluck().get(last) as number

  it('refuses a second client with the same name and phone, naming the first, until confirmed', () => {
    const first = t.call('clients.create', { firstName: 'Zoë', lastName: 'Ashdown-Pryce', phones: [{ label: 'mobile', number: '(475) 555-0161' }] })
    for (const variant of [
      { firstName: 'zoe', lastName: 'ASHDOWN PRYCE', phones: [{ label: 'home' as const, number: '475.555.0161' }] },
      { firstName: ' Zoë ', lastName: 'Ashdown-Pryce', phones: [{ label: 'mobile' as const, number: '+1 475 555 0161' }] },
      { firstName: 'Zoe', lastName: 'Ashdown–Pryce', phones: [{ label: 'work' as const, number: '555-0100' }, { label: 'mobile' as const, number: '4755550161' }] }
    ]) {
      expect(t.raw('clients.create', variant)).toMatchObject({
        ok: false,
        error: { code: 'needs-confirmation', duplicates: [{ kind: 'client', id: first.id, label: 'Zoë Ashdown-Pryce', reason: expect.stringMatching(/same name and phone \(475\) 555-0161/) }] }
      })
    }
    expect(count('Ashdown-Pryce')).toBe(1)
    t.call('clients.create', { firstName: 'Zoe', lastName: 'Ashdown-Pryce', phones: [{ label: 'mobile', number: '475 555 0161' }], confirm: true })
    expect(t.app.core.store.sqlite.prepare("SELECT count(*) FROM clients WHERE last_name_norm = 'ashdown pryce'").pluck().get()).toBe(2)
  })

  it('catches a shared e-mail in any case, and leaves namesakes with other contacts alone', () => {
    const first = t.call('clients.create', { firstName: 'Ivo', lastName: 'Kestrelton', email: 'ivo.k@example.com', phones: [] })
    expect(t.raw('clients.create', { firstName: 'IVO', lastName: 'kestrelton', email: 'Ivo.K@Example.com', phones: [{ label: 'mobile', number: '(475) 555-0999' }] })).toMatchObject({ ok: false, error: { code: 'needs-confirmation', duplicates: [{ id: first.id }] } })
    // Another Ivo Kestrelton, with his own phone and e-mail: a namesake, not a duplicate.
    expect(t.raw('clients.create', { firstName: 'Ivo', lastName: 'Kestrelton', email: 'ivo@elsewhere.example', phones: [{ label: 'mobile', number: '(475) 555-0998' }] })).toMatchObject({ ok: true })
    // The same phone under another name: a family member, not a duplicate.
    expect(t.raw('clients.create', { firstName: 'Mara', lastName: 'Kestrelton', email: 'ivo.k@example.com', phones: [] })).toMatchObject({ ok: true })
  })

  it('refuses a second pet of the same name and species under the same owner, until confirmed', () => {
    const owner = t.call('clients.create', { firstName: 'Lior', lastName: 'Vantongeren', phones: [{ label: 'mobile', number: '(475) 555-0171' }] })
    const other = t.call('clients.create', { firstName: 'Ada', lastName: 'Quillfeather', phones: [{ label: 'mobile', number: '(475) 555-0172' }] })
    const pet = { name: 'Biscotte', species: 'feline' as const, sex: 'female' as const, neuterStatus: 'neutered' as const, dobEstimated: false }
    const first = t.call('patients.create', { clientId: owner.id, ...pet })
    expect(t.raw('patients.create', { clientId: owner.id, ...pet, name: ' biscotte ' })).toMatchObject({
      ok: false,
      error: { code: 'needs-confirmation', duplicates: [{ kind: 'patient', id: first.id, label: 'Biscotte (Cat)' }] }
    })
    // Another owner's Biscotte, or a dog called Biscotte, is another animal.
    expect(t.raw('patients.create', { clientId: other.id, ...pet })).toMatchObject({ ok: true })
    expect(t.raw('patients.create', { clientId: owner.id, ...pet, species: 'canine' })).toMatchObject({ ok: true })
    expect(t.call('patients.create', { clientId: owner.id, ...pet, confirm: true }).name).toBe('Biscotte')
    expect(t.call('clients.get', { id: owner.id }).patients.map((p) => `${p.name}/${p.species}`).sort()).toEqual(['Biscotte/canine', 'Biscotte/feline', 'Biscotte/feline'])
  })

  it('does not count a deceased pet of the same name (a new puppy named after the old dog)', () => {
    const owner = t.call('clients.create', { firstName: 'Piet', lastName: 'Wilderbeek', phones: [{ label: 'mobile', number: '(475) 555-0173' }] })
    const pet = { name: 'Rex', species: 'canine' as const, sex: 'male' as const, neuterStatus: 'neutered' as const, dobEstimated: false }
    const old = t.call('patients.create', { clientId: owner.id, ...pet })
    t.call('patients.update', { id: old.id, ...pet, deceasedAt: '2026-01-05' })
    expect(t.raw('patients.create', { clientId: owner.id, ...pet })).toMatchObject({ ok: true })
  })

  it('finds a client with no pet yet by name and by phone', () => {
    const c = t.call('clients.create', { firstName: 'Ottilie', lastName: 'Brackenbury', phones: [{ label: 'mobile', number: '(475) 555-0188' }] })
    expect(t.call('clients.get', { id: c.id }).patients).toEqual([])
    for (const query of ['Brackenbury', 'brack', 'Ottilie Brackenbury', '555-0188', '0188']) {
      expect(t.call('clients.search', { query }).map((x) => x.id), query).toContain(c.id)
    }
  })
})
