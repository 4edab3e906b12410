/**
 * Today's rules that need no database (domain/today.ts), and what a key press asks of the app's
 * shortcuts (src-renderer/src/keys.ts): the cases a clinic would trip over, not only the happy one.
 */
import { describe, expect, it } from 'vitest'
import { needsCheckout, stuckReason, visitGroup } from '../../src-main/domain/today'
import { altDigit, isTyping, shortcutOf, type KeyPress } from '../../src-renderer/src/keys'

describe('the group a visit of the day sits in', () => {
  it('keeps the visit’s own status until it is completed', () => {
    expect(visitGroup('booked', null)).toBe('booked')
    expect(visitGroup('checked_in', null)).toBe('checked_in')
    // an invoice started during the visit does not make it ready for checkout
    expect(visitGroup('in_progress', { state: 'draft' })).toBe('in_progress')
  })

  it('is ready for checkout while anything is left to settle, done once nothing is', () => {
    expect(visitGroup('completed', null)).toBe('ready_for_checkout')
    for (const state of ['draft', 'open', 'partially_paid']) expect(visitGroup('completed', { state })).toBe('ready_for_checkout')
    for (const state of ['paid', 'written_off']) expect(visitGroup('completed', { state })).toBe('done')
    expect(needsCheckout(null)).toBe(true)
  })
})

describe('a stuck lab order', () => {
  const on = { integrationEnabled: true, pendingError: null, linkState: 'connected' }
  it('names a rejection and a failure to send', () => {
    expect(stuckReason({ ...on, status: 'rejected' })).toBe('rejected')
    expect(stuckReason({ ...on, status: 'error' })).toBe('failed')
  })
  it('is not stuck while it waits its turn on a working link, or once it went out', () => {
    expect(stuckReason({ ...on, status: 'queued' })).toBeNull()
    for (const status of ['sent', 'accepted', 'in_progress', 'preliminary', 'final', 'reviewed', 'cancelled']) expect(stuckReason({ ...on, status, linkState: 'error' })).toBeNull()
  })
  it('waits on a link that is down: a failed try, the connection in error, or switched off', () => {
    expect(stuckReason({ ...on, status: 'queued', pendingError: 'connect ECONNREFUSED' })).toBe('link_down')
    expect(stuckReason({ ...on, status: 'queued', linkState: 'error' })).toBe('link_down')
    expect(stuckReason({ ...on, status: 'queued', integrationEnabled: false })).toBe('link_down')
    // a cancellation that cannot reach the lab is stuck too
    expect(stuckReason({ ...on, status: 'cancel_requested', pendingError: 'timeout' })).toBe('link_down')
  })
})

describe('what a key press asks of the app', () => {
  const press = (p: Partial<KeyPress>): KeyPress => ({ altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, code: '', key: '', target: null, ...p })
  const input = { tagName: 'INPUT', isContentEditable: false }
  const editable = { tagName: 'DIV', isContentEditable: true }

  it('opens a sidebar screen with Alt+digit, in a text box too, by the physical key', () => {
    expect(shortcutOf(press({ altKey: true, code: 'Digit2', key: '2', target: input }))).toEqual({ kind: 'nav', digit: '2' })
    // macOS: Option+2 types "™", the key is still Digit2
    expect(altDigit(press({ altKey: true, code: 'Digit2', key: '™' }))).toBe('2')
    expect(altDigit(press({ altKey: true, code: 'Numpad0', key: '0' }))).toBe('0')
  })

  it('leaves Ctrl+Alt, Alt+Shift (AltGr and symbols on some keyboards) and plain digits alone', () => {
    expect(altDigit(press({ altKey: true, ctrlKey: true, code: 'Digit2', key: '@' }))).toBeNull()
    expect(altDigit(press({ altKey: true, shiftKey: true, code: 'Digit2', key: '"' }))).toBeNull()
    expect(shortcutOf(press({ code: 'Digit2', key: '2' }))).toBeNull()
  })

  it('takes "/" and "?" as shortcuts only when nobody is typing', () => {
    expect(shortcutOf(press({ key: '/', code: 'Slash' }))).toEqual({ kind: 'search' })
    expect(shortcutOf(press({ key: '?', code: 'Slash', shiftKey: true }))).toEqual({ kind: 'help' })
    for (const target of [input, { tagName: 'TEXTAREA' }, { tagName: 'select' }, editable]) {
      expect(shortcutOf(press({ key: '/', target }))).toBeNull()
      expect(shortcutOf(press({ key: '?', shiftKey: true, target }))).toBeNull()
    }
    // Ctrl+/ and Alt+/ belong to others (the browser, the system)
    expect(shortcutOf(press({ key: '/', ctrlKey: true }))).toBeNull()
    expect(isTyping({ tagName: 'BUTTON' })).toBe(false)
    expect(isTyping(null)).toBe(false)
  })
})
