/** Secrets the server hands out: device tokens and enrollment codes. Only their hashes are stored. */
import { createHash, randomBytes, randomInt } from 'node:crypto'

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex')

/** A device credential: 32 random bytes, base64url. */
export const newDeviceToken = (): string => randomBytes(32).toString('base64url')

// Crockford's base32 without I, L, O and U: typed by a person from a printout, so nothing to confuse.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** An enrollment code: 20 characters (100 bits) in groups of four, e.g. 7K3M-…. */
export function newEnrollmentCode(): string {
  const chars = Array.from({ length: 20 }, () => ALPHABET[randomInt(ALPHABET.length)])
  return chars.join('').replace(/(.{4})(?!$)/g, '$1-')
}

/** The code as hashed: case, spaces and dashes do not matter, and the look-alikes O, I and L read as 0, 1 and 1. */
export const normalizeCode = (code: string): string => code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1')

/** A six-digit PIN. */
export const newPin = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0')
