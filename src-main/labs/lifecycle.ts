/** A lab order's life. Status only moves forward, except that a correction reopens a reviewed order. */
export const ORDER_STATUSES = ['queued', 'sent', 'accepted', 'in_progress', 'preliminary', 'final', 'reviewed', 'cancel_requested', 'cancelled', 'rejected', 'error'] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

const RANK: Record<OrderStatus, number> = { queued: 0, error: 0, sent: 1, accepted: 2, in_progress: 3, preliminary: 4, final: 5, reviewed: 6, cancel_requested: 7, cancelled: 8, rejected: 8 }

/** Results can still arrive (and corrections attach) until the order is cancelled or the lab rejected it. */
export function isOpen(status: string): boolean {
  return status !== 'cancelled' && status !== 'rejected'
}

/** The status after an event, or null when the event must not move the order (a late ACK, a stale status). */
export function advance(current: OrderStatus, next: OrderStatus, opts: { correction?: boolean; resubmit?: boolean } = {}): OrderStatus | null {
  if (current === next) return null
  // A person resubmits a failed or rejected order: it goes back to the queue.
  if (opts.resubmit && (current === 'error' || current === 'rejected') && next === 'queued') return next
  if (!isOpen(current)) return null
  if (next === 'error' || next === 'rejected' || next === 'cancelled') return next
  if (current === 'error' && next === 'queued') return next
  if (opts.correction && current === 'reviewed' && next === 'final') return next
  // results still arrive for a cancel the lab has not confirmed
  if (current === 'cancel_requested') return null
  return RANK[next] > RANK[current] ? next : null
}

/** Report status (HL7 OBR-25 / ASTM report type) → the order status it implies. */
export function statusFromReport(reportStatus: string, observationStatuses: string[]): OrderStatus {
  if (reportStatus === 'X') return 'cancelled'
  if (reportStatus === 'I' || reportStatus === 'O' || reportStatus === 'S') return 'in_progress'
  if (reportStatus === 'P' || observationStatuses.some((s) => s === 'P' || s === 'I')) return 'preliminary'
  return 'final'
}
