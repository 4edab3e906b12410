import { describe, expect, it } from 'vitest'
import { findWorklist, keyMatches, narrowing, type WorklistItem } from '../../src-main/imaging/worklist'

const item = (accession: string, name: string, date: string, station = '', modality = 'DX'): WorklistItem => ({
  top: { PatientName: name, PatientID: `id-${accession}`, AccessionNumber: accession, StudyInstanceUID: `2.25.10${accession.slice(1)}` },
  step: { Modality: modality, ScheduledStationAETitle: station, ScheduledProcedureStepStartDate: date, ScheduledProcedureStepStartTime: '103000' }
})
const items = [item('A1', 'Clark^Bella', '20261128', 'DRROOM'), item('A2', 'Nguyen^Milo', '20261201', '', 'US'), item('A3', 'Clarkson^Rex', '20261115', 'DRROOM')]
const accessions = (q: Record<string, unknown>) => findWorklist(q, items).map((r) => r.AccessionNumber)

describe('Modality Worklist matching (PS3.4 C.2.2.2)', () => {
  it('treats an empty key as "return it" and returns only the keys asked for', () => {
    const r = findWorklist({ PatientName: '', AccessionNumber: '' }, items)
    expect(r).toHaveLength(3)
    expect(Object.keys(r[0]).sort()).toEqual(['AccessionNumber', 'PatientName'])
    expect(r[0].PatientName).toEqual([{ Alphabetic: 'Clark^Bella' }])
  })

  it('matches wildcards, person names without regard to case', () => {
    expect(accessions({ PatientName: 'clark*', AccessionNumber: '' })).toEqual(['A1', 'A3'])
    expect(accessions({ PatientName: 'Clar?^Bella', AccessionNumber: '' })).toEqual(['A1'])
    expect(accessions({ PatientName: [{ Alphabetic: 'NGUYEN^MILO' }], AccessionNumber: '' })).toEqual(['A2'])
    expect(keyMatches('AccessionNumber', 'a1', 'A1')).toBe(false) // other values are case-sensitive
  })

  it('matches date ranges and times inside the scheduled step, and the station', () => {
    const step = (k: Record<string, unknown>) => accessions({ AccessionNumber: '', ScheduledProcedureStepSequence: [k] })
    expect(step({ ScheduledProcedureStepStartDate: '20261120-20261130' })).toEqual(['A1'])
    expect(step({ ScheduledProcedureStepStartDate: '20261128-' })).toEqual(['A1', 'A2'])
    expect(step({ ScheduledProcedureStepStartDate: '-20261120' })).toEqual(['A3'])
    expect(step({ ScheduledProcedureStepStartTime: '1000-1100' })).toHaveLength(3)
    expect(step({ ScheduledProcedureStepStartTime: '1030' })).toHaveLength(3)
    expect(step({ ScheduledProcedureStepStartTime: '1100-' })).toHaveLength(0)
    expect(step({ ScheduledStationAETitle: 'DRROOM', Modality: 'DX' })).toEqual(['A1', 'A3'])
    expect(step({ Modality: 'US' })).toEqual(['A2'])
  })

  it('returns the requested keys of the step item, or all of them for an empty sequence', () => {
    const [r] = findWorklist({ AccessionNumber: 'A1', ScheduledProcedureStepSequence: [{ Modality: '' }] }, items)
    expect(r.ScheduledProcedureStepSequence).toEqual([{ Modality: 'DX' }])
    const [all] = findWorklist({ AccessionNumber: 'A1', ScheduledProcedureStepSequence: [] }, items)
    expect(Object.keys((all.ScheduledProcedureStepSequence as object[])[0])).toContain('ScheduledStationAETitle')
  })

  it('does not match on keys it does not keep, and returns them empty', () => {
    const r = findWorklist({ AccessionNumber: 'A1', PregnancyStatus: 0, PatientWeight: null, Allergies: 'none' }, items)
    expect(r).toHaveLength(1)
    expect(r[0]).toMatchObject({ AccessionNumber: 'A1', Allergies: '' })
  })

  it('matches a list of UIDs', () => {
    expect(accessions({ AccessionNumber: '', StudyInstanceUID: `${items[0].top.StudyInstanceUID}\\${items[1].top.StudyInstanceUID}` }).sort()).toEqual(['A1', 'A2'])
  })
  it('narrows the rows it reads by exact keys and the scheduled dates, never by wildcards', () => {
    expect(narrowing({ AccessionNumber: 'A1', PatientID: 'p*' })).toMatchObject({ accessionNumber: 'A1', patientId: undefined })
    expect(narrowing({ ScheduledProcedureStepSequence: [{ ScheduledProcedureStepStartDate: '20261128-20261130' }] })).toMatchObject({ from: '2026-11-28T00:00:00.000Z', before: '2026-12-01T00:00:00.000Z' })
    const open = narrowing({ ScheduledProcedureStepSequence: [{ ScheduledProcedureStepStartDate: '-20261231' }] })
    expect(open.from).toBeUndefined()
    expect(open.before).toBe('2027-01-01T00:00:00.000Z')
    expect(narrowing({ ScheduledProcedureStepSequence: [{ ScheduledProcedureStepStartDate: '20261128' }] })).toMatchObject({ from: '2026-11-28T00:00:00.000Z', before: '2026-11-29T00:00:00.000Z' })
  })
})
