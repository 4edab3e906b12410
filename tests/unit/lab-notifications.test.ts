import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import type { App, Session } from 'electron'
import { resultNotice, valuesHash, type ResultNoticeInput } from '../../src-main/labs/result-notice'
import { burstSummary, subjectOf } from '../../src-renderer/src/components/notification-summary'
import { isPrintableUrl, lockDown } from '../../src-main/electron/security'

const v = (code: string, valueNum: number, flag: string | null = 'N') => ({ code, subId: null, valueNum, valueText: null, flag })
const input = (over: Partial<ResultNoticeInput> = {}): ResultNoticeInput => ({
  reportId: 'r1',
  title: 'Complete blood count',
  patientId: 'p1',
  patientName: 'Bella',
  order: { id: 'o1', orderNumber: 'L-1001' },
  state: 'final',
  correction: false,
  values: [v('WBC', 12), v('HCT', 29, 'L'), v('PLT', 90, 'L')],
  ...over
})

describe('what a vet is told when results attach', () => {
  it('says final, names the patient and the panel, counts the abnormal values, and opens the order', () => {
    expect(resultNotice(input())).toEqual({
      kind: 'lab.final',
      severity: 'warning',
      title: 'Final results: Bella — Complete blood count, 2 abnormal',
      body: '3 values, 2 outside the reference range · order L-1001',
      link: '/patients/p1?tab=labs&order=o1',
      dedupeKey: 'lab:order:o1:final'
    })
  })

  it('says when everything is within range, and marks critical values critical', () => {
    expect(resultNotice(input({ values: [v('WBC', 12)] }))).toMatchObject({ severity: 'info', title: 'Final results: Bella — Complete blood count (all within range)', body: '1 value, all within range · order L-1001' })
    expect(resultNotice(input({ values: [v('K', 7.9, 'HH'), v('NA', 150, 'H')] }))).toMatchObject({ severity: 'critical', title: 'Final results: Bella — Complete blood count, 2 abnormal (1 critical)' })
  })

  it('keeps a routine preliminary report quiet, but not a critical value in it', () => {
    expect(resultNotice(input({ state: 'preliminary' }))).toBeNull()
    expect(resultNotice(input({ state: 'preliminary', values: [v('K', 1.9, 'LL')] }))).toMatchObject({ kind: 'lab.preliminary', severity: 'critical', title: expect.stringMatching(/^Critical preliminary results: Bella/), dedupeKey: 'lab:order:o1:preliminary' })
  })

  it('announces no state that is not a result (in progress, cancelled)', () => {
    expect(resultNotice(input({ state: 'in_progress' }))).toBeNull()
    expect(resultNotice(input({ state: 'cancelled' }))).toBeNull()
  })

  it('tells a correction once per set of values: the same message again is the same key, other values another', () => {
    const a = resultNotice(input({ correction: true }))!
    expect(a).toMatchObject({ kind: 'lab.corrected', title: expect.stringMatching(/^Corrected results: Bella — Complete blood count/) })
    expect(resultNotice(input({ correction: true, values: [...input().values].reverse() }))!.dedupeKey).toBe(a.dedupeKey)
    expect(resultNotice(input({ correction: true, values: [v('WBC', 12), v('HCT', 31, 'L'), v('PLT', 90, 'L')] }))!.dedupeKey).not.toBe(a.dedupeKey)
    expect(a.dedupeKey).not.toBe(resultNotice(input())!.dedupeKey)
  })

  it('keys a result attached without an order on its report, and opens the Labs tab', () => {
    expect(resultNotice(input({ order: null }))).toMatchObject({ dedupeKey: 'lab:report:r1:final', link: '/patients/p1?tab=labs', body: '3 values, 2 outside the reference range' })
  })

  it('hashes values, not their order, and tells a text value from a number', () => {
    expect(valuesHash([v('A', 1), v('B', 2)])).toBe(valuesHash([v('B', 2), v('A', 1)]))
    expect(valuesHash([v('A', 1)])).not.toBe(valuesHash([{ code: 'A', valueNum: null, valueText: 'positive' }]))
    expect(valuesHash([{ code: 'A', subId: '1', valueNum: 1, valueText: null }])).not.toBe(valuesHash([{ code: 'A', subId: '2', valueNum: 1, valueText: null }]))
  })
})

describe('a burst of notifications in one line', () => {
  const n = (kind: string, title: string) => ({ kind, title })
  it('names what it holds: final results by patient, studies and reviews by count', () => {
    expect(burstSummary([n('lab.final', 'Final results: Bella — CBC, 2 abnormal'), n('lab.final', 'Final results: Max — Chemistry panel (all within range)'), n('imaging.study', 'Images for Luna: Thorax')])).toBe('3 more: final results for Bella, Max; 1 study')
    expect(burstSummary([n('lab.review', 'Needs review: Bela (Smith) — CBC'), n('imaging.review', 'Needs review: Rex (Doe) — Thorax'), n('imaging.study', 'Images for Luna: Thorax'), n('imaging.study', 'Images for Max: Abdomen')])).toBe('4 more: 2 to review; 2 studies')
  })
  it('names a patient once, and counts kinds it does not know as other', () => {
    expect(burstSummary([n('lab.final', 'Final results: Bella — CBC (all within range)'), n('lab.corrected', 'Corrected results: Bella — CBC, 1 abnormal'), n('lab.final', 'Final results: Bella — T4 (all within range)'), n('consent.refused', 'Outbound data refused')])).toBe('4 more: final results for Bella; corrected results for Bella; 1 other')
  })
  it('reads the patient from the titles the app writes, and nothing from others', () => {
    expect(subjectOf('Final results: Mr. Whiskers — Total T4, 1 abnormal')).toBe('Mr. Whiskers')
    expect(subjectOf('Images for Bella: Thorax, 2 views')).toBe('Bella')
    expect(subjectOf('Athena is checked in')).toBe('Athena')
    expect(subjectOf('Outbound data refused')).toBeNull()
  })
})

describe('the Electron print window', () => {
  const openHandler = () => {
    const app = new EventEmitter()
    let open: ((d: { url: string }) => { action: string; overrideBrowserWindowOptions?: { webPreferences: Record<string, unknown> } }) | null = null
    const session = { setPermissionRequestHandler: () => {}, setPermissionCheckHandler: () => {}, webRequest: { onHeadersReceived: () => {} } }
    lockDown(app as unknown as App, session as unknown as Session, '/app/out/preload/index.cjs')
    app.emit('web-contents-created', {}, Object.assign(new EventEmitter(), { setWindowOpenHandler: (h: typeof open) => (open = h) }))
    return open!
  }

  it("opens a report or a receipt as the app, with the same preload, sandboxed", () => {
    const open = openHandler()
    for (const url of ['app://vetos/index.html#/reports/0190a1b2-c3d4', 'app://vetos/#/receipts/p1,p2']) {
      const r = open({ url })
      expect(r.action).toBe('allow')
      expect(r.overrideBrowserWindowOptions!.webPreferences).toMatchObject({ preload: '/app/out/preload/index.cjs', sandbox: true, contextIsolation: true, nodeIntegration: false })
    }
  })

  it('opens nothing else of the app, and no other origin dressed as a report', () => {
    const open = openHandler()
    for (const url of ['app://vetos/index.html#/patients', 'app://vetos/index.html#/reports/', 'app://vetos/index.html#/reports/x/../../audit', 'app://vetos/reports/x', 'app://vetos/index.html?token=t#/reports/x', 'app://vetos.evil/index.html#/reports/x', 'https://example.com/#/reports/x', 'file:///index.html#/reports/x']) {
      expect(isPrintableUrl(url), url).toBe(false)
      expect(open({ url }).action, url).toBe('deny')
    }
  })
})
