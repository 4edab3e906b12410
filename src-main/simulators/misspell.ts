import { normalizeName } from '../core/normalize'

/**
 * A pet's name as a lab's data entry gets it wrong: one letter dropped ("Bella" → "Bela"), or for a
 * name too short to lose one, a letter doubled ("Max" → "Maxx"). The result always differs from the
 * name after VetOS's normalization (case, accents, punctuation), so it really goes to review; a
 * misspelling that normalizes back to the name would attach by itself and show nothing.
 */
export function misspell(name: string): string {
  const differs = (candidate: string) => candidate.trim() !== '' && normalizeName(candidate) !== normalizeName(name)
  const chars = [...name]
  const letters = chars.map((c, i) => (/\p{L}/u.test(c) ? i : -1)).filter((i) => i >= 0)
  // Dropping a letter after the first two: how "Bella" has long become "Bela".
  if (letters.length > 3)
    for (const i of letters.slice(2)) {
      const candidate = [...chars.slice(0, i), ...chars.slice(i + 1)].join('')
      if (differs(candidate)) return candidate
    }
  // A short name doubles its last letter.
  const last = letters.at(-1)
  if (last !== undefined) {
    const candidate = [...chars.slice(0, last + 1), chars[last], ...chars.slice(last + 1)].join('')
    if (differs(candidate)) return candidate
  }
  // No letter at all ("007"): a letter more is still a misspelling a person sees.
  return `${name}x`
}
