/**
 * The one place forms turn an API refusal into what a person reads: every problem at once, each
 * beside its field, in plain words. The dispatcher already words the contract's (zod) issues
 * plainly (src-preload/contract/plain-errors.ts) and the core words its own (plausible weights and
 * ages, microchips, duplicates); here they become sentences keyed by form field, and whatever has no
 * field on the form is listed above the buttons instead of being lost.
 */
import type { ApiErrorBody, DuplicateRecord } from '../../../src-preload/contract'
import { issueSentence } from '../../../src-preload/contract/plain-errors'

/** A refused call as the API client throws it (ApiClientError), or as the API answers it. */
type Refusal = Pick<ApiErrorBody, 'code' | 'message' | 'issues' | 'duplicates'>

/** "is required" → "Required"; "must be at most 80 characters" → "Must be at most 80 characters". */
export function sentence(message: string): string {
  const m = message.trim()
  if (m === 'is required') return 'Required'
  return m.charAt(0).toUpperCase() + m.slice(1)
}

/**
 * Field messages by form field path (several problems with one field are all said); `alias` maps
 * an API path to the form's field (weightKg → weight).
 */
export function fieldErrors(error: Refusal | null | undefined, alias: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {}
  for (const i of error?.issues ?? []) {
    const path = alias[i.path] ?? i.path
    const text = sentence(i.message)
    out[path] = out[path] ? (out[path].includes(text) ? out[path] : `${out[path]} ${text}`) : text
  }
  return out
}

export interface FormProblems {
  /** beside each field */
  fields: Record<string, string>
  /** what no field on this form shows: said together above the buttons */
  general: string[]
  /** the core asks for a yes (an unusual weight or age, a likely duplicate) */
  needsConfirmation: boolean
  duplicates: DuplicateRecord[]
}

/** Everything a form shows for a refusal: `fields` are the paths the form has a place for. */
export function formProblems(error: Refusal | null | undefined, fields: readonly string[], alias: Record<string, string> = {}): FormProblems {
  const all = fieldErrors(error, alias)
  const shown: Record<string, string> = {}
  for (const [path, text] of Object.entries(all)) if (fields.includes(path)) shown[path] = text
  // Away from its field a problem names the field ("Unit price must be 2,000 or less").
  const general: string[] = []
  for (const i of error?.issues ?? []) {
    if (fields.includes(alias[i.path] ?? i.path) || i.path === '(duplicate)') continue
    const text = issueSentence(i)
    if (!general.includes(text)) general.push(text)
  }
  if (error && !error.issues?.length) general.push(sentence(error.message))
  return { fields: shown, general, needsConfirmation: error?.code === 'needs-confirmation', duplicates: error?.duplicates ?? [] }
}
