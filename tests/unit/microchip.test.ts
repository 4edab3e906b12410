import { describe, expect, it } from 'vitest'
import { parseMicrochip, MicrochipError } from '../../src-main/core/microchip'

describe('microchip numbers', () => {
  it('keeps a 15-digit ISO number and reads its manufacturer code', () => {
    expect(parseMicrochip('985 112 345 678 901')).toEqual({ raw: '985 112 345 678 901', normalized: '985112345678901', type: 'iso', countryOrManufacturer: '985' })
  })

  it('strips a scanner prefix', () => {
    expect(parseMicrochip('FDX-B 981020000123456').normalized).toBe('981020000123456')
  })

  it('converts the dotted hex scanner form to the 15-digit display form', () => {
    // 0x3E7 = 999 (test transponder), 0x1CBE991A14 = 123456789012
    expect(parseMicrochip('3E7.1CBE991A14')).toMatchObject({ normalized: '999123456789012', type: 'iso' })
  })

  it('never forces a 9-digit AVID or 10-character FECAVA number into 15 digits', () => {
    expect(parseMicrochip('AVID*123*456*789'.replace('AVID', ''))).toMatchObject({ normalized: '123456789', type: 'avid' })
    expect(parseMicrochip('0a1b2c3d4e')).toMatchObject({ normalized: '0A1B2C3D4E', type: 'fdx-a' })
  })

  it('refuses text that cannot be a microchip', () => {
    expect(() => parseMicrochip('   ')).toThrow(MicrochipError)
    expect(() => parseMicrochip('12')).toThrow(/not a microchip number/)
  })
})
