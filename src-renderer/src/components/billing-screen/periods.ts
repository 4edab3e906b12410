/** Report periods: the presets a manager asks for, and the period keys the API groups by. */
import { utcToday } from '../billing-shared'
import { addDays, addMonths, isoDay, parseDay } from './shared'

export type Preset = 'this_month' | 'last_month' | 'this_quarter' | 'this_year' | 'last_12_months' | 'custom'
export type GroupBy = 'day' | 'week' | 'month'

export const PRESETS: { value: Preset; label: string }[] = [
  { value: 'this_month', label: 'This month' },
  { value: 'last_month', label: 'Last month' },
  { value: 'this_quarter', label: 'This quarter' },
  { value: 'this_year', label: 'This year' },
  { value: 'last_12_months', label: 'Last 12 months' },
  { value: 'custom', label: 'Custom range' }
]

/** The days a preset covers, up to today for the current ones. */
export function presetRange(p: Exclude<Preset, 'custom'>, today = utcToday()): { from: string; to: string } {
  const t = parseDay(today)
  const y = t.getFullYear()
  const m = t.getMonth()
  switch (p) {
    case 'this_month':
      return { from: isoDay(new Date(y, m, 1)), to: today }
    case 'last_month':
      return { from: isoDay(new Date(y, m - 1, 1)), to: isoDay(new Date(y, m, 0)) }
    case 'this_quarter':
      return { from: isoDay(new Date(y, m - (m % 3), 1)), to: today }
    case 'this_year':
      return { from: isoDay(new Date(y, 0, 1)), to: today }
    case 'last_12_months':
      return { from: isoDay(new Date(y, m - 11, 1)), to: today }
  }
}

/** The grouping that reads best for a preset. */
export function defaultGroup(p: Preset): GroupBy {
  return p === 'this_month' || p === 'last_month' ? 'day' : p === 'this_quarter' ? 'week' : 'month'
}

/** The Monday a week starts on, as the API names weeks. */
const monday = (d: string) => {
  const day = parseDay(d).getDay() // 0 Sunday
  return addDays(d, -((day + 6) % 7))
}

/** Every period key from `from` to `to` (so the chart shows quiet periods as gaps, not as missing bars); null past 400. */
export function periodKeys(from: string, to: string, groupBy: GroupBy): string[] | null {
  const out: string[] = []
  if (groupBy === 'month') {
    for (let d = from.slice(0, 7) + '-01'; d.slice(0, 7) <= to.slice(0, 7) && out.length <= 400; d = addMonths(d, 1)) out.push(d.slice(0, 7))
  } else {
    const step = groupBy === 'week' ? 7 : 1
    for (let d = groupBy === 'week' ? monday(from) : from; d <= to && out.length <= 400; d = addDays(d, step)) out.push(d)
  }
  return out.length > 400 ? null : out
}

/** "Mar 2026", "Wk of Mar 2", "Mar 2" */
export function periodLabel(key: string, groupBy: GroupBy, long = false): string {
  if (groupBy === 'month') return parseDay(`${key}-01`).toLocaleDateString(undefined, { month: 'short', year: 'numeric' })
  const d = parseDay(key).toLocaleDateString(undefined, { month: 'short', day: 'numeric', ...(long ? { year: 'numeric' } : {}) })
  return groupBy === 'week' ? `Week of ${d}` : d
}
