import { describe, expect, it } from 'vitest'
import { astmLabels, dissectAstm, dissectHl7, hl7Labels, relabel } from '../../src-main/integrations/dissect'

const at = (d: ReturnType<typeof dissectHl7>, position: string) => d.parts.flatMap((p) => p.fields).filter((f) => f.position === position)

describe('a captured message, field by field', () => {
  it('reads HL7 with the delimiters its MSH declares, unescaping values and splitting components', () => {
    const d = dissectHl7(Buffer.from('MSH#*~$&#NOVA#N1#VETOS##20261202##ORU*R01#C1#P#2.3.1\rPID#1##P-9##Ok$S$afor*Bis$F$cuit##20190301#M\rOBX#1#NM#GLU*Glucose##5.4~6.0#mmol/L\r'))
    expect(d.problem).toBeNull()
    expect(d.parts.map((p) => p.name)).toEqual(['MSH', 'PID', 'OBX'])
    expect(at(d, 'MSH-3')).toEqual([{ position: 'MSH-3', value: 'NOVA', label: 'Sending application (routes results to this lab)' }])
    // An escaped component separator is part of the name, not a new component.
    expect(at(d, 'PID-5.1')[0].value).toBe('Ok*afor')
    expect(at(d, 'PID-5.2')[0]).toMatchObject({ value: 'Bis#cuit', label: 'Pet name' })
    // A repeated field shows its first repetition; the whole line is in the text.
    expect(at(d, 'OBX-5')[0].value).toBe('5.4')
    expect(d.text.split('\n')).toHaveLength(3)
  })

  it('names the places a device’s profile reads, where that profile puts them', () => {
    // A v2.3.1 lab has no PID-35: its profile says species is in PID-10 and breed in PID-11.
    const raw = Buffer.from('MSH|^~\\&|OLD|L1|VETOS||20261202||ORU^R01|C1|P|2.3.1\rPID|1||P-9||Okafor^Biscuit||20190301|M||K9^Canine|LAB^Labrador\r')
    const standard = dissectHl7(raw)
    expect(at(standard, 'PID-10.1')[0]).toMatchObject({ value: 'K9', label: null })
    const v231 = relabel(standard, hl7Labels({ pidSpeciesField: 10, pidBreedField: 11 }))
    expect(at(v231, 'PID-10.1')[0]).toMatchObject({ value: 'K9', label: 'Species code' })
    expect(at(v231, 'PID-11.2')[0]).toMatchObject({ value: 'Labrador', label: 'Breed text' })
    expect(at(v231, 'PID-5.2')[0].label).toBe('Pet name')
    // The kept dissection is not changed by a relabelling.
    expect(at(standard, 'PID-10.1')[0].label).toBeNull()

    // An analyzer with its own layout: species in P-15, the sample id in O-4.
    const astm = dissectAstm(Buffer.from('1H|\\^&|||URI\r2P|1|P-9|||Okafor^Biscuit||20190301|1||||||CN\r3O|1||S-7|^^^USG\r4L|1|N\r', 'latin1'))
    const own = relabel(astm, astmLabels({ astmFields: { patientSpeciesField: 15, sampleIdField: 4 } }))
    const fields = own.parts.flatMap((p) => p.fields)
    expect(fields.find((f) => f.position === 'P-15')).toMatchObject({ value: 'CN', label: 'Species code' })
    expect(fields.find((f) => f.position === 'O-4')).toMatchObject({ value: 'S-7', label: 'Sample id (our order number)' })
  })

  it('keeps what cannot be read as HL7 as text, with the reason, instead of failing', () => {
    for (const junk of ['', 'HELLO', 'MSH|^~\\&|A|B|C|D|2026||ORU^R01||P|2.5', '\x00\x01\x02MSH']) {
      const d = dissectHl7(Buffer.from(junk))
      expect(d.parts).toEqual([])
      expect(d.problem).toEqual(expect.any(String))
    }
  })

  it('reads ASTM records with the delimiters the H record declares, frame numbers stripped', () => {
    const d = dissectAstm(Buffer.from('1H|\\^&|||CHEM^2.1\r2P|1|P-9|||Okafor^Bis&S&cuit||20190301|M||||||FEL\r3O|1|S-7||^^^T4\r4R|1|^^^T4|2.9|ug/dL|1.0-4.0|N||F\r5L|1|N\r', 'latin1'))
    expect(d.problem).toBeNull()
    expect(d.parts.map((p) => p.name)).toEqual(['H', 'P', 'O', 'R', 'L'])
    const fields = d.parts.flatMap((p) => p.fields)
    // An escaped component separator (&S&) is part of the name.
    expect(fields.find((f) => f.position === 'P-6.2')).toEqual({ position: 'P-6.2', value: 'Bis^cuit', label: 'Pet name' })
    expect(fields.find((f) => f.position === 'P-15')).toEqual({ position: 'P-15', value: 'FEL', label: null })
    expect(fields.find((f) => f.position === 'O-3')).toEqual({ position: 'O-3', value: 'S-7', label: 'Sample id (our order number)' })
    expect(fields.find((f) => f.position === 'R-3.4')).toEqual({ position: 'R-3.4', value: 'T4', label: 'Test code' })
    // The H record's delimiter declaration is not data.
    expect(fields.some((f) => f.position === 'H-2')).toBe(false)
  })

  it('keeps an ASTM transmission without a usable H record as text, with the reason', () => {
    for (const junk of ['P|1|X\rL|1', 'H||||\r', '\xff\xfe']) {
      const d = dissectAstm(Buffer.from(junk, 'latin1'))
      expect(d.parts).toEqual([])
      expect(d.problem).toMatch(/H record/)
    }
  })
})
