/**
 * What the vet is told when results attach: one notification per order state that matters, saying
 * which (final, with how many values are abnormal; corrected; critical values in a preliminary),
 * and opening the order. A routine preliminary report is not announced: it is on the chart, and the
 * final one follows within hours; a critical value is announced at once, preliminary or not.
 * Each notice has a key (order + state, or the values for a correction) so that the same state is
 * told once, also when the lab sends the same message again.
 */
import { createHash } from 'node:crypto'
import type { Notification } from '../../src-preload/contract'
import { isAbnormal, isCritical } from './normalize'

export interface ResultNoticeInput {
  reportId: string
  title: string | null
  patientId: string
  patientName: string
  order: { id: string; orderNumber: string } | null
  /** the order status the report implies (statusFromReport) */
  state: string
  correction: boolean
  values: { code: string; subId: string | null; valueNum: number | null; valueText: string | null; flag: string | null }[]
}

export interface ResultNotice {
  kind: string
  severity: Notification['severity']
  title: string
  body: string
  link: string
  dedupeKey: string
}

/** The notice for an attached report, or null when this state is not announced. */
export function resultNotice(r: ResultNoticeInput): ResultNotice | null {
  const abnormal = r.values.filter((v) => isAbnormal(v.flag)).length
  const critical = r.values.filter((v) => isCritical(v.flag)).length
  const state = r.correction ? 'corrected' : r.state
  if (state !== 'final' && state !== 'corrected' && !(state === 'preliminary' && critical > 0)) return null
  const label = state === 'final' ? 'Final results' : state === 'corrected' ? 'Corrected results' : 'Critical preliminary results'
  const what = r.title ?? 'Lab results'
  const outcome = abnormal ? `, ${abnormal} abnormal${critical ? ` (${critical} critical)` : ''}` : ' (all within range)'
  const about = r.order ? `order:${r.order.id}` : `report:${r.reportId}`
  // A correction may come more than once with other values: each set of values is told once.
  const key = state === 'corrected' ? `lab:${about}:corrected:${valuesHash(r.values)}` : `lab:${about}:${state}`
  return {
    kind: `lab.${state}`,
    severity: critical ? 'critical' : abnormal ? 'warning' : 'info',
    title: `${label}: ${r.patientName} — ${what}${outcome}`,
    body: `${r.values.length} value${r.values.length === 1 ? '' : 's'}${abnormal ? `, ${abnormal} outside the reference range` : ', all within range'}${r.order ? ` · order ${r.order.orderNumber}` : ''}`,
    link: labsLink(r.patientId, r.order?.id ?? null),
    dedupeKey: key
  }
}

/** The patient's Lab Orders tab, at one order when there is one. */
export function labsLink(patientId: string, orderId: string | null): string {
  return `/patients/${patientId}?tab=labs${orderId ? `&order=${orderId}` : ''}`
}

/** The same values (a message sent again) give the same hash; any other value another. */
export function valuesHash(values: { code: string; subId?: string | null; valueNum: number | null; valueText: string | null }[]): string {
  const text = values.map((v) => `${v.code}^${v.subId ?? ''}=${v.valueNum ?? v.valueText ?? ''}`).sort().join('|')
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}
