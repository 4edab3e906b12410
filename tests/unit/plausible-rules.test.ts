/**
 * The plausibility rule (src-main/core/plausible.ts) on its own and through the API of a real app:
 * impossible weights and ages are refused for every caller, unusual ones and big changes need an
 * explicit confirm, typed weights are read exactly (pounds too) and never guessed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LB_IN_KG, WEIGHT_KG, LIFESPAN_YEARS, checkBirthDate, checkWeight, readWeight } from '../../src-main/core/plausible'
import { SPECIES } from '../../src-preload/contract'
import { makeApp, type TestApp } from '../helpers/app'

describe('reading a typed weight', () => {
  it('reads plain decimals, and pounds exactly', () => {
    expect(readWeight('12.5', 'kg')).toEqual({ kg: 12.5 })
    expect(readWeight(' 0.03 ', 'kg')).toEqual({ kg: 0.03 })
    expect(readWeight('.5', 'kg')).toEqual({ kg: 0.5 })
    expect(readWeight('22', 'lb')).toEqual({ kg: 22 * 0.45359237 })
    expect(readWeight('1', 'lb')).toEqual({ kg: LB_IN_KG })
  })
  it.each([
    ['1e5', /plain number/],
    ['1E5', /plain number/],
    ['2.5e-1', /plain number/],
    ['1,999', /point for decimals/],
    ['2,5', /point for decimals/],
    ['-4', /negative/],
    ['0', /more than zero/],
    ['0.0000', /more than zero/],
    ['12kg', /only the number/],
    ['Infinity', /only the number/],
    ['NaN', /only the number/],
    ['1.2.3', /plain number/],
    ['0x10', /only the number|plain number/],
    ['', /Type the weight/],
    ['   ', /Type the weight/],
    ['0.0001', /less than a gram/]
  ])('refuses %j in plain words', (text, message) => {
    const r = readWeight(text, 'kg')
    expect(r).toHaveProperty('error')
    expect((r as { error: string }).error).toMatch(message)
  })
})

describe('a weight for a species', () => {
  it('refuses what the species cannot weigh, whatever the confirmation', () => {
    expect(checkWeight(1999, 'canine')).toMatchObject([{ severity: 'refuse', message: expect.stringMatching(/1,999 kg is not possible for a dog/) }])
    expect(checkWeight(850, 'rabbit')).toMatchObject([{ severity: 'refuse' }])
    expect(checkWeight(5, 'avian', { unit: 'kg' })).toEqual([])
    expect(checkWeight(0.0001, 'feline')).toMatchObject([{ severity: 'refuse', message: expect.stringMatching(/at least/) }])
  })
  it('asks about what is possible but unusual: a 120 kg dog, a 1,200 kg horse', () => {
    expect(checkWeight(90, 'canine')).toEqual([])
    expect(checkWeight(120, 'canine')).toMatchObject([{ severity: 'confirm', message: expect.stringMatching(/unusual for a dog/) }])
    expect(checkWeight(1000, 'equine')).toEqual([])
    expect(checkWeight(1200, 'equine')).toMatchObject([{ severity: 'confirm' }])
    expect(checkWeight(0.03, 'avian')).toEqual([])
  })
  it('asks about a change of more than half from the last weight, either way', () => {
    const last = { kg: 20, at: '2026-01-10T10:00:00Z' }
    expect(checkWeight(29.9, 'canine', { last })).toEqual([])
    expect(checkWeight(10.1, 'canine', { last })).toEqual([])
    expect(checkWeight(31, 'canine', { last, name: 'Apollo' })).toMatchObject([{ severity: 'confirm', message: expect.stringMatching(/55% more than Apollo’s last weight \(20 kg on 2026-01-10\)/) }])
    expect(checkWeight(9, 'canine', { last })).toMatchObject([{ severity: 'confirm', message: expect.stringMatching(/55% less/) }])
  })
  it('says weights back in the clinic’s unit', () => {
    expect(checkWeight(1999 * LB_IN_KG, 'canine', { unit: 'lb' })[0].message).toMatch(/^1,999 lb is not possible for a dog \(at most 352\.7 lb\)/)
  })
  it('has generous, ordered ranges for every species', () => {
    for (const s of SPECIES) {
      const r = WEIGHT_KG[s]
      expect(r.possible[0]).toBeLessThan(r.usual[0])
      expect(r.usual[0]).toBeLessThan(r.usual[1])
      expect(r.usual[1]).toBeLessThan(r.possible[1])
      expect(LIFESPAN_YEARS[s].usual).toBeLessThan(LIFESPAN_YEARS[s].longest)
    }
    // the brief's yardsticks
    expect(WEIGHT_KG.canine.usual[1]).toBeGreaterThanOrEqual(90)
    expect(WEIGHT_KG.equine.usual[1]).toBeGreaterThanOrEqual(1000)
    expect(WEIGHT_KG.avian.usual[0]).toBeLessThanOrEqual(0.03)
  })
})

describe('a date of birth', () => {
  const today = '2026-12-02'
  it('refuses the future, even by a day', () => {
    expect(checkBirthDate('2026-12-03', 'canine', today)).toMatchObject([{ severity: 'refuse', message: 'A date of birth cannot be in the future' }])
    expect(checkBirthDate('2026-12-02', 'canine', today)).toEqual([])
  })
  it('refuses an age past any of the species, asks past the usual span', () => {
    expect(checkBirthDate('1986-01-01', 'canine', today)).toMatchObject([{ severity: 'refuse', message: expect.stringMatching(/40 years old, older than a dog lives/) }])
    expect(checkBirthDate('2004-01-01', 'canine', today)).toMatchObject([{ severity: 'confirm' }])
    expect(checkBirthDate('2010-01-01', 'canine', today)).toEqual([])
    expect(checkBirthDate('1950-01-01', 'reptile', today)).toEqual([])
    expect(checkBirthDate('1970-01-01', 'avian', today)).toEqual([])
  })
  it('knows a hamster is not a chinchilla', () => {
    expect(checkBirthDate('2014-06-01', 'rodent', today, 'Syrian hamster')).toMatchObject([{ severity: 'refuse', message: expect.stringMatching(/12 years old, older than a hamster lives/) }])
    expect(checkBirthDate('2014-06-01', 'rodent', today, 'Chinchilla')).toEqual([])
  })
  it('counts whole years (a birthday tomorrow is not yet a year)', () => {
    expect(checkBirthDate('1995-12-03', 'canine', today)[0].message).toMatch(/30 years old/)
    expect(checkBirthDate('1995-12-02', 'canine', today)[0].message).toMatch(/31 years old/)
  })
})

describe('the API enforces it for every caller', () => {
  let t: TestApp
  let owner: string
  beforeAll(() => {
    t = makeApp()
    t.signIn('front_desk')
    owner = t.call('clients.create', { firstName: 'Odile', lastName: 'Prentiss', phones: [{ label: 'mobile', number: '(475) 555-0110' }] }).id
  })
  afterAll(() => t?.close())
  const weights = (id: string) => t.call('patients.get', { id }).weights.map((w) => w.weightKg)

  it('refuses 1,999 kg for a poodle even with confirm, and "1e5" as typed', () => {
    const p = t.call('patients.create', { clientId: owner, name: 'Noisette', species: 'canine', breed: 'Poodle', sex: 'female', neuterStatus: 'neutered', dobEstimated: false, weightKg: 20 })
    for (const confirm of [false, true]) {
      expect(t.raw('patients.recordWeight', { patientId: p.id, weightKg: 1999, confirm })).toMatchObject({ ok: false, error: { code: 'invalid-input', issues: [{ path: 'weightKg', message: expect.stringMatching(/not possible for a dog/) }] } })
      expect(t.raw('patients.recordWeight', { patientId: p.id, weight: { text: '1e5', unit: 'kg' }, confirm })).toMatchObject({ ok: false, error: { code: 'invalid-input', issues: [{ path: 'weight', message: expect.stringMatching(/plain number/) }] } })
    }
    expect(weights(p.id)).toEqual([20])
  })

  it('saves a big change only with confirm, and stores pounds in exact grams', () => {
    const p = t.call('patients.create', { clientId: owner, name: 'Biscuit', species: 'canine', sex: 'male', neuterStatus: 'intact', dobEstimated: false, weight: { text: '44', unit: 'lb' } })
    expect(weights(p.id)).toEqual([19.958])
    expect(t.raw('patients.recordWeight', { patientId: p.id, weight: { text: '95', unit: 'kg' } })).toMatchObject({ ok: false, error: { code: 'needs-confirmation', issues: [{ path: 'weight', message: expect.stringMatching(/376% more than Biscuit’s last weight/) }] } })
    expect(weights(p.id)).toEqual([19.958])
    t.call('patients.recordWeight', { patientId: p.id, weight: { text: '95', unit: 'kg' }, confirm: true })
    expect(weights(p.id)).toEqual([95, 19.958])
    // A correction of the unlikely entry is compared with the one before it, not with itself.
    const last = t.call('patients.get', { id: p.id }).weights[0]
    t.call('patients.recordWeight', { patientId: p.id, weightKg: 19.5, correctsId: last.id })
    expect(weights(p.id)).toEqual([19.5, 19.958])
  })

  it('refuses an 850 kg rabbit at creation, and writes nothing', () => {
    const before = t.call('clients.get', { id: owner }).patients.length
    expect(t.raw('patients.create', { clientId: owner, name: 'Pompon', species: 'rabbit', sex: 'female', neuterStatus: 'intact', dobEstimated: false, weightKg: 850, confirm: true })).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(t.call('clients.get', { id: owner }).patients.length).toBe(before)
  })

  it('answers every problem at once, the schema’s and the core’s together, in plain words', () => {
    const r = t.raw('patients.create', { clientId: owner, name: '', species: 'canine', sex: 'male', neuterStatus: 'intact', dobEstimated: false, dateOfBirth: '2099-01-01', microchip: '12AB', weight: { text: '1e5', unit: 'kg' } }) as { ok: false; error: { code: string; issues: { path: string; message: string }[] } }
    expect(r.ok).toBe(false)
    expect(r.error.code).toBe('invalid-input')
    const paths = r.error.issues.map((i) => i.path).sort()
    expect(paths).toEqual(['dateOfBirth', 'microchip', 'name', 'weight'])
    for (const i of r.error.issues) expect(i.message).not.toMatch(/expected|Too big|Too small|<=|>=/)
  })

  it('keeps a birth date already on record out of later edits', () => {
    const p = t.call('patients.create', { clientId: owner, name: 'Ancienne', species: 'feline', sex: 'female', neuterStatus: 'neutered', dobEstimated: true, dateOfBirth: '2000-01-01', confirm: true })
    expect(t.call('patients.update', { id: p.id, name: 'Ancienne', species: 'feline', sex: 'female', neuterStatus: 'neutered', dobEstimated: true, dateOfBirth: '2000-01-01', color: 'grey' }).color).toBe('grey')
    expect(t.raw('patients.update', { id: p.id, name: 'Ancienne', species: 'feline', sex: 'female', neuterStatus: 'neutered', dobEstimated: true, dateOfBirth: '1980-01-01' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
  })

  it('lets an administrator choose pounds for the clinic', () => {
    const admin = t.signIn('admin')
    expect(t.call('clinic.update', { weightUnit: 'lb' }, admin).weightUnit).toBe('lb')
    expect(t.raw('clinic.update', { weightUnit: 'stone' }, admin)).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(t.call('clinic.update', { weightUnit: 'kg' }, admin).weightUnit).toBe('kg')
  })
})
