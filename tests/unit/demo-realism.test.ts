/**
 * The demo clinic as a receptionist reads it (issue 13, point 11): animals of plausible weight for
 * their species, breed and age, ages and dates that can be, visits and notes that fit the animal,
 * imaging that fits the species (no dental radiograph on a leopard gecko), and a lab misspelling
 * that really misspells every name. The limits here are written independently of the generator's
 * tables, so a table gone wrong fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApp, type TestApp } from '../helpers/app'
import { misspell } from '../../src-main/simulators/misspell'
import { normalizeName } from '../../src-main/core/normalize'
import { studyMisfit } from '../../src-main/demo/realism'
import { PET_NAMES } from '../../src-main/demo/people'

const DAY = 86_400_000
const YEAR = 365.25 * DAY

/** Adult weight in kg a vet would not question, by species, and narrower for some breeds. */
const ADULT_KG: Record<string, [number, number]> = { canine: [1, 80], feline: [2, 10], rabbit: [1, 8], avian: [0.02, 0.7], rodent: [0.05, 1.6], reptile: [0.03, 3], ferret: [0.5, 2.5], equine: [150, 800] }
const BREED_KG: Record<string, [number, number]> = {
  Chihuahua: [1, 4], 'Shih Tzu': [3, 10], 'Labrador Retriever': [18, 45], 'German Shepherd': [18, 50], Boxer: [18, 40], 'Cavalier King Charles Spaniel': [4, 10],
  'Maine Coon': [4, 10], Siamese: [2, 7], 'Netherland Dwarf': [1, 1.6], Budgerigar: [0.02, 0.06], Cockatiel: [0.07, 0.14], 'Syrian hamster': [0.08, 0.25],
  'Guinea pig': [0.5, 1.5], 'Fancy rat': [0.2, 0.7], 'Leopard gecko': [0.03, 0.12], 'Bearded dragon': [0.2, 0.7], 'Ball python': [0.7, 3], 'Welsh Pony': [150, 400]
}
/** No animal of the species in a clinic's records is older (years). */
const MAX_AGE: Record<string, number> = { canine: 20, feline: 25, rabbit: 13, avian: 40, rodent: 9, reptile: 35, ferret: 11, equine: 35 }
const SHORT_LIVED: Record<string, number> = { 'Syrian hamster': 4, 'Fancy rat': 4, Budgerigar: 15 }
/** Adult from this age (years) for the weight limits; younger animals may only weigh less. */
const ADULT_AT: Record<string, number> = { canine: 2, feline: 2, equine: 4, reptile: 3 }

describe('the demo clinic looks like a real clinic', () => {
  let t: TestApp
  const all = <T>(sql: string, ...args: unknown[]) => t.app.core.store.sqlite.prepare(sql).all(...args) as T[]
  const now = Date.now()
  beforeAll(() => {
    t = makeApp({ demo: true })
  }, 120_000)
  afterAll(() => t?.close())

  it('weighs every animal within what its species and breed weigh, for its age, without jumps between visits', () => {
    const rows = all<{ patient_id: string; species: string; breed: string; dob: string; grams: number; at: string }>(
      `SELECT w.patient_id, p.species, p.breed, p.date_of_birth AS dob, w.weight_grams AS grams, w.measured_at AS at
       FROM patient_weights w JOIN patients p ON p.id = w.patient_id ORDER BY w.patient_id, w.measured_at`
    )
    expect(rows.length).toBeGreaterThan(500)
    const wrong: string[] = []
    let last = null as { patient: string; kg: number; age: number } | null
    for (const r of rows) {
      const kg = r.grams / 1000
      const age = (Date.parse(r.at) - Date.parse(r.dob)) / YEAR
      const [lo, hi] = BREED_KG[r.breed] ?? ADULT_KG[r.species]
      if (kg <= 0 || kg > hi) wrong.push(`${r.breed} ${kg} kg at ${age.toFixed(1)} y`)
      if (age >= (ADULT_AT[r.species] ?? 1) && kg < lo) wrong.push(`adult ${r.breed} only ${kg} kg`)
      if (last?.patient === r.patient_id && last.age >= (ADULT_AT[r.species] ?? 1) && Math.abs(kg / last.kg - 1) > 0.25) wrong.push(`${r.breed} jumped ${last.kg} → ${kg} kg`)
      last = { patient: r.patient_id, kg, age }
    }
    expect(wrong).toEqual([])
  })

  it('has no impossible dates: births in the past, ages within the species’ life span, no visit before birth, after death or done in the future', () => {
    const patients = all<{ id: string; name: string; species: string; breed: string; dob: string; deceased: string | null; created: string }>('SELECT id, name, species, breed, date_of_birth AS dob, deceased_at AS deceased, created_at AS created FROM patients')
    const wrong: string[] = []
    for (const p of patients) {
      const born = Date.parse(p.dob)
      if (born > now) wrong.push(`${p.name} born in the future (${p.dob})`)
      const age = (now - born) / YEAR
      if (age > (SHORT_LIVED[p.breed] ?? MAX_AGE[p.species])) wrong.push(`${p.name} the ${p.breed} is ${age.toFixed(1)} years old`)
      if (p.deceased && Date.parse(p.deceased) < born) wrong.push(`${p.name} died before being born`)
      if (p.deceased && Date.parse(p.deceased) > now) wrong.push(`${p.name} dies in the future`)
      if (Date.parse(p.created) < born - DAY) wrong.push(`${p.name} was registered before birth`)
    }
    const visits = all<{ name: string; dob: string; deceased: string | null; status: string; started: string | null; ended: string | null; created: string }>(
      `SELECT p.name, p.date_of_birth AS dob, p.deceased_at AS deceased, v.status, v.started_at AS started, v.ended_at AS ended, v.created_at AS created FROM visits v JOIN patients p ON p.id = v.patient_id`
    )
    for (const v of visits) {
      const at = Date.parse(v.started ?? v.created)
      if (at < Date.parse(v.dob)) wrong.push(`${v.name} visited before birth`)
      if (v.deceased && at > Date.parse(v.deceased) + DAY) wrong.push(`${v.name} visited after death`)
      if (v.status === 'completed' && (Date.parse(v.ended ?? v.started ?? '') > now || Number.isNaN(Date.parse(v.ended ?? '')))) wrong.push(`${v.name}: a completed visit ending ${v.ended}`)
      if (v.deceased && v.status !== 'completed' && v.status !== 'cancelled') wrong.push(`${v.name} is dead but in the waiting room`)
    }
    expect(wrong).toEqual([])
  })

  it('files every study on an animal it fits, on a visit of that animal: dental for dogs and cats, never a gecko', () => {
    const studies = all<{ description: string; modality: string; species: string; breed: string; visit: string | null; visitPatient: string | null; patient: string }>(
      `SELECT s.description, (SELECT i.modality FROM imaging_instances i WHERE i.study_id = s.id LIMIT 1) AS modality, p.species, p.breed, l.visit_id AS visit, v.patient_id AS visitPatient, p.id AS patient
       FROM imaging_study_links l JOIN imaging_studies s ON s.id = l.study_id JOIN patients p ON p.id = l.patient_id LEFT JOIN visits v ON v.id = l.visit_id WHERE l.action = 'attach'`
    )
    const requests = all<{ description: string; modality: string; species: string; breed: string }>('SELECT r.description, r.modality, p.species, p.breed FROM imaging_requests r JOIN patients p ON p.id = r.patient_id')
    expect(studies.length).toBeGreaterThanOrEqual(4)
    expect(studies.filter((s) => s.modality === 'IO').map((s) => s.species)).toEqual(expect.arrayContaining([expect.stringMatching(/^(canine|feline)$/)]))
    for (const s of [...studies, ...requests]) {
      const text = `${s.modality} ${s.description}`
      if (/\bIO\b|dental/i.test(text)) expect(['canine', 'feline', 'rabbit', 'ferret', 'rodent'], `${text} on a ${s.breed}`).toContain(s.species)
      if (/abdomen/i.test(text)) expect(['reptile', 'avian'], `${text} on a ${s.breed}`).not.toContain(s.species)
      expect(studyMisfit(s.species, s.modality, s.description)).toBeNull()
    }
    for (const s of studies) expect(s.visitPatient, `${s.description} has no visit of its patient`).toBe(s.patient)
  })

  it('writes visits, notes, colours and neutering that fit the animal', () => {
    const wrong: string[] = []
    const visits = all<{ species: string; sex: string; reason: string }>('SELECT p.species, p.sex, v.reason FROM visits v JOIN patients p ON p.id = v.patient_id')
    for (const v of visits) {
      if (/\bspay\b/i.test(v.reason) && v.sex !== 'female') wrong.push(`a ${v.sex} ${v.species} in for a spay`)
      if (/\bneuter\b/i.test(v.reason) && v.sex !== 'male') wrong.push(`a ${v.sex} ${v.species} in for a neuter`)
      if (/vaccin/i.test(v.reason) && ['reptile', 'avian', 'rodent'].includes(v.species)) wrong.push(`a ${v.species} in for vaccines`)
      if (/dental|teeth/i.test(v.reason) && ['reptile', 'avian'].includes(v.species)) wrong.push(`a ${v.species} in for its teeth`)
    }
    const notes = all<{ species: string; subjective: string; objective: string; assessment: string; plan: string }>('SELECT p.species, n.subjective, n.objective, n.assessment, n.plan FROM clinical_notes n JOIN patients p ON p.id = n.patient_id')
    for (const n of notes) {
      const all = `${n.subjective} ${n.objective} ${n.assessment} ${n.plan}`
      if (/vomit/i.test(all) && ['rabbit', 'equine', 'rodent'].includes(n.species)) wrong.push(`a ${n.species} that vomits (it cannot)`)
      if (/°C/.test(all) && n.species === 'reptile') wrong.push('a reptile’s body temperature, as if it were a mammal’s')
      if (/dental|teeth|muzzle/i.test(all) && ['reptile', 'avian'].includes(n.species)) wrong.push(`a ${n.species}’s teeth: ${all}`)
      const hr = /HR (\d+) bpm/.exec(n.objective)
      if (hr && n.species === 'equine' && Number(hr[1]) > 60) wrong.push(`a horse at rest with HR ${hr[1]}`)
      if (hr && n.species === 'canine' && Number(hr[1]) > 180) wrong.push(`a dog at rest with HR ${hr[1]}`)
    }
    const patients = all<{ name: string; species: string; breed: string; sex: string; neuter: string; color: string; dob: string }>('SELECT name, species, breed, sex, neuter_status AS neuter, color, date_of_birth AS dob FROM patients')
    for (const p of patients) {
      if (/calico|tortoiseshell|tabby/.test(p.color) && p.species !== 'feline') wrong.push(`a ${p.color} ${p.breed}`)
      if (/merle|brindle/.test(p.color) && p.species !== 'canine') wrong.push(`a ${p.color} ${p.breed}`)
      if (p.neuter === 'neutered' && ['avian', 'reptile', 'rodent'].includes(p.species)) wrong.push(`a neutered ${p.breed}`)
      if (p.neuter === 'neutered' && p.species === 'equine' && p.sex === 'female') wrong.push('a spayed mare')
      if (p.neuter === 'neutered' && now - Date.parse(p.dob) < 150 * DAY) wrong.push(`${p.name}, neutered before 5 months`)
      if (['Bella', 'Luna', 'Daisy', 'Athena', 'Molly'].includes(p.name) && p.sex !== 'female') wrong.push(`${p.name} is ${p.sex}`)
      if (['Max', 'Milo', 'Apollo', 'Duke', 'Buddy'].includes(p.name) && p.sex !== 'male') wrong.push(`${p.name} is ${p.sex}`)
    }
    expect(wrong).toEqual([])
  })

  it('gives clients phones in the clinic’s own area and addresses in its towns', () => {
    const clinic = t.app.services.clinic.get()
    const area = /^\(\d{3}\)/.exec(clinic.phone ?? '')![0]
    const phones = all<{ value: string }>("SELECT value FROM client_contacts WHERE kind = 'phone'")
    expect(phones.length).toBeGreaterThan(100)
    expect(phones.filter((p) => !p.value.startsWith(area)).map((p) => p.value)).toEqual([])
    const towns = new Set(all<{ address: string }>('SELECT address FROM clients').map((c) => c.address.split(', ').pop()))
    expect(towns.size).toBeLessThanOrEqual(8)
  })

  it('reports a cat’s lab results against a cat’s reference ranges', () => {
    const ranges = all<{ species: string; high: number }>(
      `SELECT DISTINCT p.species, o.ref_high AS high FROM lab_observations o JOIN lab_report_links l ON l.report_id = o.report_id AND l.action = 'attach' JOIN patients p ON p.id = l.patient_id WHERE o.code = 'CREA'`
    )
    expect(ranges).toEqual(expect.arrayContaining([{ species: 'canine', high: 1.8 }, { species: 'feline', high: 2.4 }]))
    expect(ranges.filter((r) => r.species === 'feline' && r.high !== 2.4)).toEqual([])
  })

  it('misspells every name the lab can get, short ones too, so the result really goes to review', () => {
    const names = [...PET_NAMES, 'Max', 'Bo', 'A', 'Zoë', 'Jo Jo', "D'Artagnan", 'Ann', 'Mr. Bigglesworth', 'Señor Paws', 'Lulu', 'Ööö', '007']
    for (const name of names) {
      const wrong = misspell(name)
      expect(normalizeName(wrong), `${name} → ${wrong}`).not.toBe(normalizeName(name))
      // A typo, not another name: one letter more or less.
      expect(Math.abs([...wrong].length - [...name].length), `${name} → ${wrong}`).toBe(1)
    }
    expect(misspell('Max')).toBe('Maxx')
    expect(misspell('Bella')).toBe('Bela')
  })

  it('adds nothing when the demo starts again on the same folder', async () => {
    const count = () => Object.fromEntries(['clients', 'patients', 'visits', 'patient_weights', 'imaging_studies', 'imaging_requests', 'lab_orders'].map((table) => [table, t.app.core.store.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get()]))
    const before = count()
    const dir = t.dir
    await t.app.close()
    t = makeApp({ demo: true, dir })
    expect(count()).toEqual(before)
  }, 120_000)
})
