import { describe, expect, it } from 'vitest'
import { buildOrderMessage, parseOru, type OrderMessageInput } from '../../src-main/hl7/lab-messages'
import { Hl7Message } from '../../src-main/hl7/codec'
import { LabProfile } from '../../src-preload/contract'
import { readCatalog, findShippedCatalog } from '../../src-main/integrations/catalog'
import { tempDir } from '../helpers/app'

/** HL7 v2.3.1 labs: MSH-12 says so, and the species and breed go where the lab's profile puts them (v2.3.1 has no PID-35/36). */

const order: OrderMessageInput = {
  controlId: 'C1',
  control: 'NW',
  orderNumber: 'ORD-1',
  tests: [{ code: 'CBC', name: 'Complete blood count' }],
  priority: 'routine',
  specimen: null,
  note: null,
  orderedAt: new Date('2026-12-02T09:00:00Z'),
  patient: { id: 'P-1', name: 'Biscuit', species: 'canine', breed: 'Beagle', sex: 'male', neuterStatus: 'neutered', dateOfBirth: '2019-03-01' },
  owner: { firstName: 'Rosa', lastName: 'Okafor' },
  vet: null,
  now: new Date('2026-12-02T09:00:00Z')
}

const v231 = LabProfile.parse({ hl7Version: '2.3.1', pidSpeciesField: 10, pidBreedField: 22, speciesCodes: { canine: 'CANINE' }, sexCodes: { 'male/neutered': 'MN' } })

describe('HL7 version and where a lab wants species and breed', () => {
  it('writes a v2.3.1 order with the species and breed in the PID fields the profile names, and nothing at PID-35/36', () => {
    const m = Hl7Message.parse(buildOrderMessage(v231, order))
    expect(m.version).toBe('2.3.1')
    const pid = m.segment('PID')!
    expect(pid.get(10, 1)).toBe('CANINE')
    expect(pid.get(22, 1)).toBe('Beagle')
    expect(pid.get(35)).toBe('')
    expect(pid.get(5, 2)).toBe('Biscuit')
    expect(pid.get(8)).toBe('MN')
    expect(pid.fields.length - 1).toBe(22)
  })

  it('keeps v2.5 and PID-35/36 for a profile that says nothing', () => {
    const m = Hl7Message.parse(buildOrderMessage(LabProfile.parse({ speciesCodes: { canine: 'CANINE' } }), order))
    expect(m.version).toBe('2.5')
    expect(m.segment('PID')!.get(35, 1)).toBe('CANINE')
    expect(m.segment('PID')!.get(36, 1)).toBe('Beagle')
  })

  it('reads the species and breed of results from the same fields', () => {
    const oru = (pid: string) => Hl7Message.parse(`MSH|^~\\&|LAB|L1|VETOS|C|20261202||ORU^R01|R1|P|2.3.1\r${pid}\rOBR|1|ORD-1||CBC|||20261202\rOBX|1|NM|WBC||9.1|10*9/L|6-17|N|||F`)
    const msg = oru('PID|1||P-1||Okafor^Biscuit||20190301|MN||CANINE||||||||||||Beagle')
    expect(parseOru(msg, v231)[0].identifiers).toMatchObject({ species: 'CANINE', breed: 'Beagle' })
    // Read as v2.5, PID-10 is not the species.
    expect(parseOru(msg)[0].identifiers.species).toBeUndefined()
  })

  it('refuses a profile that cannot work', () => {
    const issues = (p: unknown) => (LabProfile.safeParse(p).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`)
    expect(issues({ hl7Version: '2.3.1', orderMessage: 'OML^O21' })).toEqual(['orderMessage: OML^O21 exists from HL7 v2.4: a v2.3.1 lab takes ORM^O01'])
    expect(issues({ pidSpeciesField: 5 })).toEqual(["pidSpeciesField: PID-5 holds the patient's name"])
    expect(issues({ pidSpeciesField: 10, pidBreedField: 10 })).toEqual(['pidBreedField: is the species field too'])
    expect(issues({ hl7Version: '2.4' })).toHaveLength(1)
  })

  it('ships a catalog entry for v2.3.1 labs that reads as a valid profile', () => {
    const { entries, problems } = readCatalog({ shipped: findShippedCatalog(), clinic: tempDir() })
    expect(problems).toEqual([])
    const entry = entries.find((e) => e.id === 'reference-lab-hl7-v231-orm')!
    expect(entry.connects).toMatch(/HL7 v2\.3\.1 over MLLP/)
    expect(entry.config.lab).toMatchObject({ hl7Version: '2.3.1', pidSpeciesField: 10, orderMessage: 'ORM^O01' })
  })
})
