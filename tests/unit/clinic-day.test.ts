/** The clinic's day: an evening in Chicago is still today at the desk, across daylight-saving changes. */
import { describe, expect, it } from 'vitest'
import { dayRange, dayStart, localDay } from '../../src-main/core/clinic-day'

describe("the clinic's calendar day", () => {
  it('puts an evening after midnight UTC on the clinic’s own date', () => {
    expect(localDay(Date.parse('2026-12-03T02:00:00Z'), 'America/Chicago')).toBe('2026-12-02')
    expect(localDay(Date.parse('2026-12-03T02:00:00Z'), 'Europe/Berlin')).toBe('2026-12-03')
    expect(localDay(Date.parse('2026-12-03T02:00:00Z'), 'Not/AZone')).toBe('2026-12-03')
  })

  it('starts a day at the clinic’s midnight, on daylight-saving days too', () => {
    expect(dayStart('2026-12-02', 'America/Chicago')).toBe('2026-12-02T06:00:00.000Z')
    expect(dayStart('2026-03-08', 'America/Chicago')).toBe('2026-03-08T06:00:00.000Z')
    expect(dayStart('2026-03-09', 'America/Chicago')).toBe('2026-03-09T05:00:00.000Z')
    expect(dayStart('2026-07-01', 'Australia/Sydney')).toBe('2026-06-30T14:00:00.000Z')
    // A whole day is 23 hours when the clocks spring forward.
    const r = dayRange('2026-03-08', '2026-03-08', 'America/Chicago')
    expect((Date.parse(r.end) - Date.parse(r.start)) / 3_600_000).toBe(23)
  })
})
