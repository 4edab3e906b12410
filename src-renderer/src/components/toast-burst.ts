import { useEffect, useRef } from 'react'
import { notifications as toast } from '@mantine/notifications'
import type { Notification } from '../../../src-preload/contract'
import { burstSummary } from './notification-summary'

const TOAST_COLOR = { critical: 'red', warning: 'yellow', info: 'teal' } as const
/** After a toast, others within this window are gathered into one summary instead of stacking up. */
const BURST_MS = 4000

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
