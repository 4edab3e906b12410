import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { distance } from 'fastest-levenshtein'
import { makeApp, type TestApp } from '../helpers/app'
import { chipFragment, MIN_FUZZY_LENGTH, oneEditVariants } from '../../src-main/core/spelling'
import { normalizeName } from '../../src-main/core/normalize'

/** Optimal string alignment distance (Levenshtein plus swapping two neighbours), the rule "one edit" means. */
function osa(a: string, b: string): number {
  const x = [...a]
  const y = [...b]
  const d = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= x.length; i++)
    for (let j = 1; j <= y.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  return d[x.length][y.length]
}

describe('one-edit spellings and chip fragments (core/spelling)', () => {
  it('lists exactly the names one edit away, each a normalized name', () => {
    for (const word of ['bela', 'bella', 'obrien', 'chloe', 'van der berg', 'zoe']) {
      const variants = oneEditVariants(word)
      expect(variants).not.toContain(word)
      for (const v of variants) {
        expect(osa(word, v)).toBe(1)
        expect(normalizeName(v)).toBe(v)
      }
    }
    // every single slip of the kind people make is among them
    const name = 'persephone'
    const slips = ['persphone', 'perssephone', 'prsephone', 'pesrephone', 'persephome', 'persephonee', 'ersephone', 'persephon', 'pers ephone']
    for (const s of slips) {
      expect(distance(name, s) <= 2 && osa(name, s)).toBe(1)
      expect(oneEditVariants(s)).toContain(name)
    }
  })

  it('forgives nothing under four letters: a short query would match half the names', () => {
    expect(MIN_FUZZY_LENGTH).toBe(4)
    expect(oneEditVariants('max')).toEqual([])
    expect(oneEditVariants('jo')).toEqual([])
    expect(oneEditVariants('')).toEqual([])
    expect(oneEditVariants('bela').length).toBeGreaterThan(0)
  })

  it('forgives letters outside a–z within what was typed (Bjørn, Łukasz)', () => {
    expect(oneEditVariants('bjorn')).toContain('bjørn')
    expect(oneEditVariants('ukasz')).toContain('łukasz')
  })

  it('reads 6 to 14 digits, spaced or dotted, as a piece of a chip, and nothing else', () => {
    expect(chipFragment('000 987 65')).toBe('00098765')
    expect(chipFragment('141.000.98')).toBe('14100098')
    expect(chipFragment('141-000')).toBe('141000')
    expect(chipFragment('98765')).toBeNull() // five digits: too short to tell one chip from thousands
    expect(chipFragment('985141000987654')).toBeNull() // a whole chip is found whole
    expect(chipFragment('bella 123456')).toBeNull()
    expect(chipFragment('12a456789')).toBeNull()
  })
})

describe('patient and client search forgive, and rank what they forgive last', () => {
  let t: TestApp
  beforeEach(() => {
    t = makeApp({ demo: false })
    t.signIn('admin')
  })
  afterEach(() => t.close())

  const client = (firstName: string, lastName: string, phone = '(608) 555-0100') => t.call('clients.create', { firstName, lastName, phones: [{ label: 'mobile', number: phone }] })
  const pet = (clientId: string, name: string, microchip?: string, species: 'canine' | 'feline' = 'canine') => t.call('patients.create', { clientId, name, species, ...(microchip ? { microchip } : {}) })
  const names = (query: string, kind: 'auto' | 'name' | 'owner' | 'phone' | 'microchip' = 'auto') => t.call('patients.search', { query, kind }).map((r) => r.name)
  const hits = (query: string, kind: 'auto' | 'name' | 'owner' | 'phone' | 'microchip' = 'auto') => t.call('patients.search', { query, kind }).map((r) => `${r.name}:${r.match}`)

  it('ranks as typed, then starting with it, then one edit away', () => {
    const c = client('Ada', 'Nguyen')
    pet(c.id, 'Bella')
    pet(c.id, 'Belami')
    pet(c.id, 'Bela')
    pet(c.id, 'Stella') // two edits from "bela": not found
    expect(hits('bela')).toEqual(['Bela:exact', 'Belami:prefix', 'Bella:similar'])
    expect(hits('bella')).toEqual(['Bella:exact', 'Bela:similar'])
    expect(names('stela')).toEqual(['Stella'])
  })

  it('finds by one inserted, left-out, replaced or swapped letter, in the pet’s and the owner’s names', () => {
    const c = client('Henrietta', 'Quillfeather')
    const p = pet(c.id, 'Persephone')
    for (const q of ['persphone', 'perssephone', 'persephine', 'pesrephone', 'quilfeather', 'quillfaether', 'henrieta', 'henrietta quilfeather', 'henreitta quillfeather']) {
      expect(t.call('patients.search', { query: q }).map((r) => r.id), q).toContain(p.id)
    }
    expect(t.call('patients.search', { query: 'quilfeather' })[0]).toMatchObject({ id: p.id, matchedOn: 'owner', match: 'similar' })
    // kinds are kept apart: a misspelt owner is no patient name
    expect(names('quilfeather', 'name')).toEqual([])
    expect(names('persphone', 'owner')).toEqual([])
    // two edits are not one
    expect(names('persfone')).toEqual([])
    expect(names('qillfeathr')).toEqual([])
  })

  it('finds "Bella the Smiths’" with a slip in either name', () => {
    const smith = client('Ann', 'Smith')
    const jones = client('Bob', 'Jones')
    pet(smith.id, 'Bella')
    pet(jones.id, 'Bella')
    expect(t.call('patients.search', { query: 'bela smith' }).map((r) => r.ownerName)).toEqual(['Ann Smith'])
    expect(t.call('patients.search', { query: 'bella smtih' }).map((r) => r.ownerName)).toEqual(['Ann Smith'])
  })

  it('does not let a short query match everything by one edit', () => {
    const c = client('Li', 'Wu')
    for (const n of ['Max', 'Mia', 'Mo', 'Ace', 'Lux']) pet(c.id, n)
    expect(names('ma')).toEqual(['Max'])
    expect(names('mxa')).toEqual([]) // three letters: as typed or starting with it only
    expect(names('xq')).toEqual([])
    expect(names('wo')).toEqual([]) // the owner Wu is not "wo"
  })

  it('treats accents and apostrophes as the same letters, and forgives past them', () => {
    const obrien = client('Siobhán', "O'Brien")
    const zoe = client('Zoë', 'Müller', '(608) 555-0101')
    pet(obrien.id, 'Chloé')
    pet(zoe.id, 'Señor Paws')
    expect(hits('obrien')).toEqual(['Chloé:exact'])
    expect(hits("o'brein")).toEqual(['Chloé:similar'])
    expect(hits('o brien')).toEqual(['Chloé:similar'])
    expect(hits('obrian')).toEqual(['Chloé:similar'])
    expect(hits('chole')).toEqual(['Chloé:similar'])
    expect(hits('chloe')).toEqual(['Chloé:exact'])
    expect(hits('zoey')).toEqual(['Señor Paws:similar'])
    expect(hits('senor paw')).toEqual(['Señor Paws:prefix'])
    expect(hits('senr paws')).toEqual(['Señor Paws:similar'])
    expect(hits('mueller')).toEqual(['Señor Paws:similar'])
  })

  it('finds a chip by 6 to 14 of its digits anywhere, after phone numbers and whole chips', () => {
    const c = client('Ada', 'Nguyen', '(608) 555-1122')
    const persephone = pet(c.id, 'Persephone', '985 141 000 987 654', 'feline')
    const other = client('Ben', 'Okafor', '(312) 400-0987') // this phone ends in 0987
    pet(other.id, 'Otis', '981 020 000 111 222')
    expect(hits('00098765')).toEqual(['Persephone:fragment'])
    expect(hits('000 987 65')).toEqual(['Persephone:fragment'])
    expect(hits('000.987.654')).toEqual(['Persephone:fragment'])
    expect(hits('985141')).toEqual(['Persephone:prefix']) // the start of a chip is a prefix
    expect(hits('0987654', 'microchip')).toEqual(['Persephone:fragment'])
    // a phone's trailing digits rank before a piece of a chip
    expect(hits('4000987')).toEqual(['Otis:prefix'])
    expect(hits('000987')).toEqual(['Otis:prefix', 'Persephone:fragment'])
    // under six digits a chip is not searched inside: 98765 is no one's phone either
    expect(names('98765')).toEqual([])
    // a whole chip is exact, and a chip with one wrong digit is not forgiven (a chip is read, not spelt)
    expect(hits('985141000987654')).toEqual(['Persephone:exact'])
    expect(names('985141000987655')).toEqual([])
    expect(persephone.microchip).toBe('985 141 000 987 654')
  })

  it('finds a chip piece at once after a chip is added, changed or removed (the copy searched is never stale)', () => {
    const c = client('Ada', 'Nguyen')
    const p = pet(c.id, 'Persephone', '985 141 000 987 654')
    expect(names('00098765')).toEqual(['Persephone'])
    t.call('patients.update', { id: p.id, name: 'Persephone', species: 'canine', microchip: '985 141 000 123 456' })
    expect(names('00098765')).toEqual([])
    expect(names('41000123')).toEqual(['Persephone'])
    pet(c.id, 'Otis', '981 020 000 987 650')
    expect(names('00098765')).toEqual(['Otis'])
    t.call('patients.update', { id: p.id, name: 'Persephone', species: 'canine', microchip: null })
    expect(names('41000123')).toEqual([])
    // a write that bypasses the services (sync, an import) is seen too
    t.app.core.store.sqlite.prepare("UPDATE patients SET microchip_norm = '900000041000123' WHERE id = ?").run(p.id)
    expect(names('41000123')).toEqual(['Persephone'])
  })

  it('keeps a name search and a chip search apart: digits among letters are letters', () => {
    const c = client('Ada', 'Nguyen')
    pet(c.id, 'Bella', '985 141 000 987 654')
    expect(names('b3lla')).toEqual(['Bella']) // a slip onto the digit row is one edit
    expect(names('bella 141000')).toEqual([]) // no chip search inside a name query
  })

  it('leaves out the deceased when asked, and the deleted always, when forgiving too', () => {
    const c = client('Ada', 'Nguyen')
    const p = pet(c.id, 'Persephone', '985 141 000 987 654')
    t.call('patients.update', { id: p.id, name: 'Persephone', species: 'canine', microchip: '985 141 000 987 654', deceasedAt: '2025-01-01' })
    expect(t.call('patients.search', { query: 'persphone', includeDeceased: false })).toEqual([])
    expect(t.call('patients.search', { query: '00098765', includeDeceased: false })).toEqual([])
    expect(names('persphone')).toEqual(['Persephone'])
  })

  it('the client picker forgives the same way: owners with and without pets, exact ones first', () => {
    const henrietta = client('Henrietta', 'Quillfeather')
    pet(henrietta.id, 'Persephone')
    const quill = client('Hugo', 'Quilfeather', '(608) 555-0199') // no pet yet, and spelt so
    const found = (q: string) => t.call('clients.search', { query: q }).map((c) => `${c.firstName} ${c.lastName}`)
    expect(found('quilfeather')).toEqual(['Hugo Quilfeather', 'Henrietta Quillfeather'])
    expect(found('quillfeather')).toEqual(['Henrietta Quillfeather', 'Hugo Quilfeather'])
    expect(found('hugo quillfeather')).toEqual(['Hugo Quilfeather'])
    expect(found('persphone')).toEqual(['Henrietta Quillfeather'])
    expect(found('qu')).toEqual(['Henrietta Quillfeather', 'Hugo Quilfeather'])
    expect(t.call('clients.search', { query: 'quilfeathr' }).map((c) => c.id)).toEqual([quill.id]) // two edits from Quillfeather
  })
})
