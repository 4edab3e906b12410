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

/** Units and id suffixes are how the API stores a value, not what the person typed. */
const STORAGE_SUFFIX = /(Minor|Cents|Milli|Kg|Id|Ids|At)$/

/**
 * A field path as a person names it: 'unitPriceMinor' → 'unit price', 'phones.0.number' →
 * 'phone 1 number', 'clientId' → 'client'; the whole input ('(input)') is 'the request'.
 */
export function fieldLabel(path: string): string {
  if (!path || path === '(input)') return 'the request'
  const words: string[] = []
  for (const part of path.split('.')) {
    if (/^\d+$/.test(part)) {
      // an entry of a list: the list's name in the singular, counted from 1
      const list = words.pop() ?? 'entry'
      words.push(`${list.replace(/ies$/, 'y').replace(/(?<!s)s$/, '')} ${Number(part) + 1}`)
      continue
    }
    const bare = part.length > 3 ? part.replace(STORAGE_SUFFIX, '') : part
    words.push(bare.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase())
  }
  return words.join(' ')
}

/**
 * One issue as a sentence a form can show away from its field: a follow-on phrase ("must be 2,000
 * or less") gets the field's name in front; the core's own sentences stay as they are.
 */
export function issueSentence(issue: { path: string; message: string }): string {
  const m = issue.message.trim()
  const text = /^[a-z]/.test(m) ? `${fieldLabel(issue.path)} ${m}` : m
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** More than this many problems are counted, not said: the form's fields have them all (issues). */
const MESSAGE_ISSUES = 10

/** A refused call's message: each issue a sentence, so a caller that shows only the message loses none (up to ten; then how many more). */
export function issuesMessage(issues: readonly { path: string; message: string }[]): string {
  const said = issues.slice(0, MESSAGE_ISSUES).map((i) => issueSentence(i).replace(/[.]?$/, '.'))
  const more = issues.length - said.length
  return more > 0 ? `${said.join(' ')} And ${more} more ${more === 1 ? 'problem' : 'problems'}.` : said.join(' ')
}
