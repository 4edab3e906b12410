/**
 * A modality's own species and sex codes (its profile, built from a capture) over DICOM's: the
 * profile wins for the value it maps and for the code it uses; DICOM's other codes still read.
 */
import { describe, expect, it } from 'vitest'
import { imagingCodes } from '../../src-main/imaging/studies'
import { sexFromCode, speciesFromCode } from '../../src-main/matching/rule'

describe("an imaging integration's identity codes", () => {
  it('are DICOM’s without a profile', () => {
    expect(sexFromCode('FS', imagingCodes())).toEqual({ sex: 'female', neuter: 'neutered' })
    expect(speciesFromCode('K9', imagingCodes())).toBeNull()
  })

  it('add the profile’s species codes', () => {
    expect(speciesFromCode('k9', imagingCodes({ speciesCodes: { canine: 'K9' } }))).toBe('canine')
  })

  it('let the profile win: a code it uses reads as the profile says, a value it maps is coded its way', () => {
    // this modality writes MN for an intact male (DICOM's MN is a neutered male)
    const codes = imagingCodes({ sexCodes: { 'male/intact': 'MN', 'male/neutered': 'MC' } })
    expect(sexFromCode('MN', codes)).toEqual({ sex: 'male', neuter: 'intact' })
    expect(sexFromCode('MC', codes)).toEqual({ sex: 'male', neuter: 'neutered' })
    // DICOM's codes the profile does not touch are still understood
    expect(sexFromCode('FS', codes)).toEqual({ sex: 'female', neuter: 'neutered' })
    expect(codes.sexCodes['male/neutered']).toBe('MC')
  })
})
