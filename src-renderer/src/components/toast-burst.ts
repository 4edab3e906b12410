import { useEffect, useRef } from 'react'
import { notifications as toast } from '@mantine/notifications'
import type { Notification } from '../../../src-preload/contract'

const TOAST_COLOR = { critical: 'red', warning: 'yellow', info: 'teal' } as const
/** After a toast, others within this window are gathered into one summary instead of stacking up. */
const BURST_MS = 4000

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

/**
 * Shows a notification as a toast. A critical one always shows; the others in a burst (an
 * analyzer run, a lab's batch) become one summary that names what it holds; the bell lists each.
 */
export function useToastBurst(): (n: Notification) => void {
  const burst = useRef<{ held: Notification[]; timer: ReturnType<typeof setTimeout> } | null>(null)
  useEffect(() => () => clearTimeout(burst.current?.timer), [])
  return (n) => {
    const show = () => toast.show({ title: n.title, message: n.body ?? '', color: TOAST_COLOR[n.severity] })
    if (n.severity === 'critical') return show()
    if (burst.current) {
      burst.current.held.push(n)
      return
    }
    show()
    const state = {
      held: [] as Notification[],
      timer: setTimeout(() => {
        burst.current = null
        if (state.held.length > 0) toast.show({ title: burstSummary(state.held), message: 'The bell lists each of them.', color: state.held.some((h) => h.severity === 'warning') ? 'yellow' : 'teal' })
      }, BURST_MS)
    }
    burst.current = state
  }
}
