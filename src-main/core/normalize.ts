/**
 * Normalization used for search and, later, for the matching rule: two identifiers agree
 * when they are equal after this, and only then. Case, spacing, diacritics and
 * punctuation inside names do not make a difference; letters do.
 */
export function normalizeName(value: string | null | undefined): string {
  if (!value) return ''
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’`.]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/** Digits only; a phone is found by any trailing run of its digits. */
export function phoneDigits(value: string | null | undefined): string {
  return (value ?? '').replace(/\D+/g, '')
}

export function reverse(value: string): string {
  return [...value].reverse().join('')
}

/** Upper bound for a prefix range scan on an indexed text column: col >= p AND col < prefixEnd(p). */
export function prefixEnd(prefix: string): string {
  return prefix + '\uffff'
}

export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase()
}
