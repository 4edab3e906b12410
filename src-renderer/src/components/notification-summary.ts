import type { Notification } from '../../../src-preload/contract'

/** How a kind of notification is named in a summary, and whether its patients are named. */
const GROUPS: { kinds: string[]; words: (n: number) => string; names: boolean }[] = [
  { kinds: ['lab.final'], words: () => 'final results', names: true },
  { kinds: ['lab.corrected'], words: () => 'corrected results', names: true },
  { kinds: ['lab.preliminary'], words: () => 'critical preliminary results', names: true },
  { kinds: ['lab.rejected'], words: (n) => `${n} rejected order${n === 1 ? '' : 's'}`, names: false },
  { kinds: ['lab.review', 'imaging.review'], words: (n) => `${n} to review`, names: false },
  { kinds: ['imaging.study'], words: (n) => `${n} ${n === 1 ? 'study' : 'studies'}`, names: false },
  { kinds: ['visit.checked_in'], words: () => 'checked in', names: true }
]

/** The patient a title names: "Final results: Bella — CBC" → Bella; "Images for Max: Thorax" → Max. */
export function subjectOf(title: string): string | null {
  const m = /^[^:—]*?:\s*(.+?)\s+—\s/.exec(title) ?? /^Images for (.+?):/.exec(title) ?? /^(.+?) is checked in/.exec(title)
  return m ? m[1] : null
}

/**
 * One line for the notifications a burst held, saying what they are: "3 more: final results for
 * Bella, Max; 1 study". Kinds it does not know are counted as "other".
 */
export function burstSummary(notes: Pick<Notification, 'kind' | 'title'>[]): string {
  const parts: string[] = []
  let other = notes.length
  for (const g of GROUPS) {
    const mine = notes.filter((n) => g.kinds.includes(n.kind))
    if (mine.length === 0) continue
    other -= mine.length
    const names = [...new Set(mine.map((n) => subjectOf(n.title)).filter((s): s is string => !!s))]
    parts.push(g.names && names.length ? `${g.words(mine.length)} for ${names.join(', ')}` : g.names ? `${mine.length} ${g.words(mine.length)}` : g.words(mine.length))
  }
  if (other > 0) parts.push(`${other} other`)
  return `${notes.length} more: ${parts.join('; ')}`
}
