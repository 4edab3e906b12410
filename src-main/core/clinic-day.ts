/**
 * The clinic's calendar day. Times are stored in UTC; "today", a day's visits and the end of a day
 * are the clinic's own (its IANA timezone), so an evening in Chicago is still today at the desk.
 */

const formats = new Map<string, Intl.DateTimeFormat>()
const format = (tz: string) => {
  let f = formats.get(tz)
  if (!f) formats.set(tz, (f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })))
  return f
}

/** The wall-clock parts of an instant in the timezone. */
function parts(ms: number, tz: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const p = Object.fromEntries(format(tz).formatToParts(new Date(ms)).map((x) => [x.type, x.value]))
  return { y: +p.year, mo: +p.month, d: +p.day, h: +p.hour, mi: +p.minute, s: +p.second }
}

/** YYYY-MM-DD of the instant in the timezone (an unknown timezone counts as UTC). */
export function localDay(ms: number, tz: string): string {
  try {
    const p = parts(ms, tz)
    return `${p.y}-${String(p.mo).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`
  } catch {
    return new Date(ms).toISOString().slice(0, 10)
  }
}

/** The UTC instant (ISO) at which the local day begins in the timezone. */
export function dayStart(day: string, tz: string): string {
  const [y, mo, d] = day.split('-').map(Number)
  const wall = Date.UTC(y, mo - 1, d)
  try {
    // The offset at the guess, then again at the corrected instant (a DST change on that day).
    let at = wall
    for (let k = 0; k < 2; k++) {
      const p = parts(at, tz)
      const offset = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - at
      at = wall - offset
    }
    return new Date(at).toISOString()
  } catch {
    return new Date(wall).toISOString()
  }
}

export const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

/** [start, end) of the local days from..to, as UTC ISO instants to compare stored times with. */
export function dayRange(from: string, to: string, tz: string): { start: string; end: string } {
  return { start: dayStart(from, tz), end: dayStart(nextDay(to), tz) }
}
