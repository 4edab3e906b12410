/**
 * The identifying words found in one message (names, ids, phone numbers, street lines), and their
 * removal from free text wherever they occur, whatever the case or accents ("Zoë" finds "ZOE"),
 * as whole words only (a dog named "Max" does not take "Maximum" with it).
 */
export const REMOVED = 'REMOVED'

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase()
const WORDISH = /[\p{L}\p{N}]/u

/** A run of digits with the separators people write phone numbers with. */
const PHONE_RUN = /\+?\d[\d\s().\/-]{5,}\d/g
const digits = (s: string) => s.replace(/\D/g, '')

export class Identifiers {
  private terms = new Set<string>()
  /** the last seven digits of each phone number found */
  private phones = new Set<string>()

  /** A person's name: kept whole (at least 2 characters) and, when it has several words, word by word (3 or more). */
  addName(value: string): void {
    const v = fold(value).trim().replace(/\s+/g, ' ')
    this.addId(v)
    for (const w of v.split(/[^\p{L}\p{N}]+/u)) if (w.length >= 3 && w !== v) this.terms.add(w)
  }

  /** An id, a date or a street line: only as a whole (a lab value of 1001 is not the patient P-1001). */
  addId(value: string): void {
    const v = fold(value).trim().replace(/\s+/g, ' ')
    if (v.length >= 2 && WORDISH.test(v)) this.terms.add(v)
  }

  /** A phone number: found again however it is written (spaces, dashes, brackets, a country code). */
  addPhone(value: string): void {
    const d = digits(value)
    if (d.length >= 7) this.phones.add(d.slice(-7))
    else this.addId(value)
  }

  get size(): number {
    return this.terms.size + this.phones.size
  }

  /** Whether the text holds any found value. */
  found(text: string): boolean {
    return this.ranges(text).length > 0
  }

  /** The text with every found value replaced by REMOVED. */
  scrub(text: string): string {
    const ranges = this.ranges(text)
    if (!ranges.length) return text
    let out = ''
    let at = 0
    for (const [s, e] of ranges) {
      out += text.slice(at, s) + REMOVED
      at = e
    }
    return out + text.slice(at)
  }

  /** [start, end) ranges of the original text that hold a found value, merged and in order. */
  private ranges(text: string): [number, number][] {
    if (!this.size || !text) return []
    // The folded text, with where each folded character came from in the original.
    let folded = ''
    const from: number[] = []
    const to: number[] = []
    let i = 0
    for (const ch of text) {
      const f = fold(ch)
      for (let k = 0; k < f.length; k++) {
        from.push(i)
        to.push(i + ch.length)
      }
      folded += f
      i += ch.length
    }
    const hits: [number, number][] = []
    if (this.phones.size)
      for (const m of text.matchAll(PHONE_RUN)) {
        // The number may sit among other digits ("0412345678 2024", two numbers with a slash): its tail anywhere in the run counts.
        const d = digits(m[0])
        if (d.length >= 7 && [...this.phones].some((p) => d.includes(p))) hits.push([m.index, m.index + m[0].length])
      }
    for (const term of this.terms) {
      let p = folded.indexOf(term)
      while (p >= 0) {
        const before = p > 0 ? folded[p - 1] : ''
        const after = folded[p + term.length] ?? ''
        if (!(before && WORDISH.test(before)) && !(after && WORDISH.test(after))) hits.push([from[p], to[p + term.length - 1]])
        p = folded.indexOf(term, p + 1)
      }
    }
    hits.sort((a, b) => a[0] - b[0] || b[1] - a[1])
    const merged: [number, number][] = []
    for (const h of hits) {
      const last = merged[merged.length - 1]
      if (last && h[0] <= last[1]) last[1] = Math.max(last[1], h[1])
      else merged.push([...h])
    }
    return merged
  }
}

/** E-mail addresses in free text: never needed to profile a device. */
export const scrubEmails = (text: string) => text.replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, REMOVED)
