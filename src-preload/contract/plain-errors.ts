/**
 * Zod's own wording ("Too big: expected number to be <=2000") in plain words, for every issue the
 * contract's schemas raise without a message of their own. The dispatcher sends these to every
 * caller; the renderer (components/forms.ts) puts them beside their fields. Messages the contract
 * words itself ("is required", "must be at most 80 characters") pass through unchanged.
 */
import type { z } from 'zod'

const n = (v: unknown): string => (typeof v === 'number' || typeof v === 'bigint' ? Number(v).toLocaleString('en-US') : String(v))
const ZOD_DEFAULT = /^(Too big|Too small|Invalid|Unrecognized|Expected)/

/** One issue's message, worded to follow the field's name ("Weight must be 2,000 or less"). */
export function plainMessage(issue: z.core.$ZodIssue): string {
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message
  const i = issue as z.core.$ZodIssue & { origin?: string; maximum?: unknown; minimum?: unknown; inclusive?: boolean; expected?: string; values?: unknown[]; keys?: string[]; format?: string }
  switch (i.code) {
    case 'too_big':
      if (i.origin === 'string') return `must be at most ${n(i.maximum)} characters`
      if (i.origin === 'array' || i.origin === 'set') return `may have at most ${n(i.maximum)} entries`
      return i.inclusive === false ? `must be less than ${n(i.maximum)}` : `must be ${n(i.maximum)} or less`
    case 'too_small':
      if (i.origin === 'string') return Number(i.minimum) <= 1 ? 'is required' : `must be at least ${n(i.minimum)} characters`
      if (i.origin === 'array' || i.origin === 'set') return `needs at least ${n(i.minimum)} ${Number(i.minimum) === 1 ? 'entry' : 'entries'}`
      if (Number(i.minimum) === 0 && i.inclusive === false) return 'must be more than zero'
      return i.inclusive === false ? `must be more than ${n(i.minimum)}` : `must be ${n(i.minimum)} or more`
    case 'invalid_type':
      // Zod keeps no input on its issues; its own message says what it received.
      if (/received (undefined|null)$/.test(i.message)) return 'is required'
      if (i.expected === 'number' || i.expected === 'int') return 'must be a number'
      if (i.expected === 'boolean') return 'must be yes or no'
      if (i.expected === 'string') return 'must be text'
      return 'is not in the expected form'
    case 'invalid_value':
      return i.values && i.values.length <= 6 ? `must be one of ${i.values.map(String).join(', ')}` : 'is not one of the choices'
    case 'invalid_format':
      if (i.format === 'email') return 'must be an email address'
      if (i.format === 'date') return 'must be a date (YYYY-MM-DD)'
      if (i.format === 'uuid') return 'must be an id'
      return 'is not in the expected form'
    case 'unrecognized_keys':
      return `${i.keys && i.keys.length === 1 ? 'has a field this form does not know' : 'has fields this form does not know'}: ${(i.keys ?? []).join(', ')}`
    case 'not_multiple_of':
      return 'has too many decimals'
    default:
      return 'is not valid'
  }
}
