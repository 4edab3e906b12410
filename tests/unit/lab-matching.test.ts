import { describe, expect, it } from 'vitest'
import { disagreements, scoreCandidate, sexFromCode, sexToCode, speciesFromCode, type PatientFacts } from '../../src-main/matching/rule'
import { orderRecords } from '../../src-main/astm/connector'
import { advance, statusFromReport } from '../../src-main/labs/lifecycle'
import { effectiveFlag, parseRange } from '../../src-main/labs/normalize'
import { REFLAB_PROFILE } from '../helpers/labs'

const bella: PatientFacts = { id: 'p1', name: 'Bella', dateOfBirth: '2020-03-01', sex: 'female', neuterStatus: 'neutered', species: 'canine', breed: 'Labrador Retriever', ownerLastName: "O'Brien", ownerFirstName: 'Siobhan' }

describe('the matching rule', () => {
  it('agrees when every identifier present matches after normalization', () => {
    expect(disagreements({ patientId: 'p1', petName: ' BELLA ', ownerLastName: 'obrien', dateOfBirth: '2020-03-01', sex: 'FS', species: 'CAN' }, bella, REFLAB_PROFILE)).toEqual([])
    expect(disagreements({ petName: 'Bella' }, bella)).toEqual([])
  })

  it('names each identifier that differs', () => {
    expect(disagreements({ petName: 'Bela', ownerLastName: 'Brien', dateOfBirth: '2020-03-02', patientId: 'p2' }, bella)).toEqual([
      'patient id p2 is not this patient\'s',
      'pet name "Bela" differs from "Bella"',
      'owner name "Brien" differs from "O\'Brien"',
      'date of birth 2020-03-02 differs from 2020-03-01'
    ])
  })

  it('treats a code it cannot read as a disagreement, never as a match', () => {
    expect(disagreements({ sex: 'Q' }, bella, REFLAB_PROFILE)).toEqual(['sex code "Q" is not understood'])
    expect(disagreements({ species: 'XYZ' }, bella, REFLAB_PROFILE)).toEqual(['species code "XYZ" is not understood'])
    expect(disagreements({ sex: 'M' }, bella, REFLAB_PROFILE)).toEqual(['sex "M" differs from female/neutered'])
  })

  it('reads back species and sex codes through the lab profile, and our own species names', () => {
    expect(speciesFromCode('FEL', REFLAB_PROFILE)).toBe('feline')
    expect(speciesFromCode('reptile', REFLAB_PROFILE)).toBe('reptile')
    expect(sexFromCode('MN', REFLAB_PROFILE)).toEqual({ sex: 'male', neuter: 'neutered' })
  })

  it('reads back every sex code it sends as the same patient, with a lab profile and without', () => {
    for (const profile of [REFLAB_PROFILE, { sexCodes: {}, speciesCodes: {} }])
      for (const sex of ['male', 'female', 'unknown'])
        for (const neuterStatus of ['neutered', 'intact', 'unknown']) expect(disagreements({ sex: sexToCode(sex, neuterStatus, profile) }, { ...bella, sex, neuterStatus }, profile), `${sex}/${neuterStatus}`).toEqual([])
    // An analyzer is sent the same codes as a reference lab.
    const p = orderRecords(REFLAB_PROFILE, { orderNumber: 'A1', tests: [], priority: 'routine', control: 'NW', now: new Date(), owner: { firstName: 'S', lastName: "O'Brien" }, patient: { id: 'p1', name: 'Bella', species: 'canine', breed: null, sex: 'female', neuterStatus: 'neutered', dateOfBirth: '2020-03-01' } })[1]
    expect(p.split('|')[8]).toBe('FS')
  })

  it('ranks the right patient first and says why', () => {
    const c = scoreCandidate({ petName: 'Bela', ownerLastName: "O'Brien" }, bella, { id: 'o1', orderNumber: 'A1', matchesNumber: true })
    expect(c.reasons).toEqual(["order A1 is this patient's", 'pet name is 1 letter different ("Bela" / "Bella")', 'owner name matches'])
    const other = scoreCandidate({ petName: 'Bela', ownerLastName: "O'Brien" }, { ...bella, id: 'p9', name: 'Max', ownerLastName: 'Smith' }, null)
    expect(c.score).toBeGreaterThan(other.score)
  })
})

describe('order lifecycle', () => {
  it('moves forward only, and a correction reopens a reviewed order', () => {
    expect(advance('accepted', 'sent')).toBeNull()
    expect(advance('sent', 'final')).toBe('final')
    expect(advance('final', 'preliminary')).toBeNull()
    expect(advance('reviewed', 'final')).toBeNull()
    expect(advance('reviewed', 'final', { correction: true })).toBe('final')
    expect(advance('cancelled', 'final')).toBeNull()
    // only a resubmission takes a failed or rejected order back to the queue
    expect(advance('rejected', 'queued')).toBeNull()
    expect(advance('rejected', 'queued', { resubmit: true })).toBe('queued')
    expect(advance('error', 'queued', { resubmit: true })).toBe('queued')
    expect(advance('final', 'queued', { resubmit: true })).toBeNull()
  })

  it('reads the report status', () => {
    expect(statusFromReport('P', ['P'])).toBe('preliminary')
    expect(statusFromReport('F', ['F', 'F'])).toBe('final')
    expect(statusFromReport('F', ['F', 'P'])).toBe('preliminary')
  })
})

describe('result values', () => {
  it('parses reference ranges and derives a missing flag', () => {
    expect(parseRange('3.5 - 5.5')).toEqual({ low: 3.5, high: 5.5 })
    expect(parseRange('<1,0')).toEqual({ low: null, high: 1 })
    expect(parseRange('negative')).toEqual({ low: null, high: null })
    expect(effectiveFlag({ flag: null, valueNum: 6, refLow: 3.5, refHigh: 5.5 })).toBe('H')
    expect(effectiveFlag({ flag: 'LL', valueNum: 6, refLow: 3.5, refHigh: 5.5 })).toBe('LL')
  })
})
