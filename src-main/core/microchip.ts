/**
 * Microchip numbers (ISO 11784/11785 and the older non-ISO systems still found in pets).
 * We keep what was typed or scanned, a normalized form for search and matching, and the type.
 * A non-ISO number is never forced into 15 digits.
 */
export type MicrochipType = 'iso' | 'fdx-a' | 'avid' | 'unknown'

export interface Microchip {
  raw: string
  normalized: string
  type: MicrochipType
  /** ISO only: ISO 3166 numeric country or 900-998 manufacturer code. */
  countryOrManufacturer?: string
}

export class MicrochipError extends Error {}

const MANUFACTURERS: Record<string, string> = {
  '981': 'Datamars',
  '956': 'Trovan',
  '977': 'AVID',
  '982': 'Allflex',
  '985': 'HomeAgain',
  '999': 'test transponder'
}

export function manufacturerName(code: string | undefined): string | undefined {
  return code ? MANUFACTURERS[code] : undefined
}

export function parseMicrochip(input: string): Microchip {
  const raw = input.trim()
  // Scanners add prefixes such as "FDX-B", "FDXB:" or "AVID" and separators such as spaces,
  // underscores or asterisks ("AVID*012*345*678", Allflex's "982_000001088420").
  const stripped = raw.replace(/^(fdx-?b|fdx-?a|fecava|hdx|iso|avid)[:\s]*/i, '').replace(/[\s\-*_]/g, '')
  if (stripped.length === 0) throw new MicrochipError('Microchip number is empty')

  if (/^\d{15}$/.test(stripped)) {
    return { raw, normalized: stripped, type: 'iso', countryOrManufacturer: stripped.slice(0, 3) }
  }
  // "985.141000123456": the decimal country/manufacturer code, a dot, the 12-digit national id.
  const decimalDotted = /^(\d{3})\.(\d{12})$/.exec(stripped)
  if (decimalDotted) return { raw, normalized: decimalDotted[1] + decimalDotted[2], type: 'iso', countryOrManufacturer: decimalDotted[1] }
  // "3E7.1CBE991A14": hex country/manufacturer code, dot, hex national id (38 bits).
  const dotted = /^([0-9a-f]{3})\.([0-9a-f]{1,10})$/i.exec(stripped)
  if (dotted) {
    const country = parseInt(dotted[1], 16)
    const national = BigInt('0x' + dotted[2])
    if (country > 999 || national >= 1n << 38n) throw new MicrochipError(`Microchip ${raw} is out of the ISO range`)
    const normalized = String(country).padStart(3, '0') + national.toString().padStart(12, '0')
    return { raw, normalized, type: 'iso', countryOrManufacturer: normalized.slice(0, 3) }
  }
  if (/^\d{9}$/.test(stripped)) return { raw, normalized: stripped, type: 'avid' }
  if (/^[0-9a-f]{10}$/i.test(stripped)) return { raw, normalized: stripped.toUpperCase(), type: 'fdx-a' }
  if (/^[0-9a-z]{6,16}$/i.test(stripped)) return { raw, normalized: stripped.toUpperCase(), type: 'unknown' }
  throw new MicrochipError(`"${raw}" is not a microchip number: a microchip has 15 digits (ISO), 9 digits (AVID) or 10 letters and digits (FECAVA)`)
}
