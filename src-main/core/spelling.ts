/**
 * Forgiving search: the spellings one edit away from a normalized name, and the digits of a
 * piece of a microchip. Search looks the variants up by equality on the indexed *_norm columns
 * (one statement, an index probe per variant) instead of measuring a distance to every name, so
 * it costs the same at 80,000 patients as at 80.
 */

/** Below this many characters a one-edit variant is another common name ("max" → "mac", "may", "ax"…): no forgiveness. */
export const MIN_FUZZY_LENGTH = 4

/** A chip fragment shorter than this would be found in thousands of chips (and in phone numbers). */
export const MIN_CHIP_FRAGMENT = 6

/** Full ISO chips have 15 digits: a 15-digit query is a whole chip, never a fragment of a longer one. */
const ISO_CHIP_DIGITS = 15

// Letters a normalized name can hold (normalizeName strips accents and punctuation, keeps letters,
// digits and single spaces), plus letters NFKD does not decompose. The query's own characters are
// added per query, so a name in another script is forgiven within what was typed.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz øæœßłđðþı'

/**
 * Every string one edit from `norm` (a character left out, added, replaced, or two neighbours
 * swapped), without `norm` itself. Empty for a name shorter than MIN_FUZZY_LENGTH.
 */
export function oneEditVariants(norm: string): string[] {
  const s = [...norm]
  if (s.length < MIN_FUZZY_LENGTH) return []
  const alphabet = [...new Set([...ALPHABET, ...s])]
  const out = new Set<string>()
  const join = (xs: string[]) => xs.join('')
  for (let i = 0; i <= s.length; i++) {
    const head = s.slice(0, i)
    const tail = s.slice(i)
    for (const c of alphabet) out.add(join([...head, c, ...tail])) // insertion
    if (i < s.length) {
      out.add(join([...head, ...tail.slice(1)])) // deletion
      for (const c of alphabet) if (c !== s[i]) out.add(join([...head, c, ...tail.slice(1)])) // substitution
      if (i + 1 < s.length && s[i] !== s[i + 1]) out.add(join([...head, s[i + 1], s[i], ...tail.slice(2)])) // transposition
    }
  }
  out.delete(norm)
  // A variant that starts or ends in a space, or holds two, is no normalized name.
  return [...out].filter((v) => v.length > 0 && v === v.trim() && !v.includes('  '))
}

/**
 * The digits of a piece of a microchip as typed or read out ("000 987 65", "141.000.98"), or null
 * when the text is not one: letters, fewer than MIN_CHIP_FRAGMENT digits, or a whole ISO chip.
 */
export function chipFragment(query: string): string | null {
  if (!/^[\d\s.\-*]+$/.test(query)) return null
  const digits = query.replace(/\D/g, '')
  return digits.length >= MIN_CHIP_FRAGMENT && digits.length < ISO_CHIP_DIGITS ? digits : null
}
