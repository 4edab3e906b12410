/**
 * The one place contract errors become what a person reads: zod's own wording never reaches a
 * form ("Too big: expected number to be <=2000"), every issue of a refused call is kept (all at
 * once), each lands beside its field, and what has no field is said above the buttons.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { contract } from '../../src-preload/contract'
import { fieldLabel, issueSentence, issuesMessage, plainMessage } from '../../src-preload/contract/plain-errors'
import { fieldErrors, formProblems, sentence } from '../../src-renderer/src/components/forms'
import type { ApiErrorBody } from '../../src-preload/contract'
import { createDispatcher } from '../../src-main/api/dispatch'

const ZOD_WORDS = /Too big|Too small|expected|Invalid input|Invalid option|<=|>=|received/

const plain = (schema: z.ZodType, input: unknown) => (schema.safeParse(input).error?.issues ?? []).map(plainMessage)

describe('contract errors in plain words', () => {
  it('words zod’s defaults plainly, whatever the type', () => {
    expect(plain(z.number().max(2000), 3000)).toEqual(['must be 2,000 or less'])
    expect(plain(z.number().positive(), 0)).toEqual(['must be more than zero'])
    expect(plain(z.number().min(1), 0)).toEqual(['must be 1 or more'])
    expect(plain(z.string().min(1), '')).toEqual(['is required'])
    expect(plain(z.string().max(3), 'abcd')).toEqual(['must be at most 3 characters'])
    expect(plain(z.number(), 'twelve')).toEqual(['must be a number'])
    expect(plain(z.object({ a: z.string() }), {})).toEqual(['is required'])
    expect(plain(z.enum(['kg', 'lb']), 'stone')).toEqual(['must be one of kg, lb'])
    expect(plain(z.email(), 'nope')).toEqual(['must be an email address'])
    expect(plain(z.iso.date(), '2020-13-45')).toEqual(['must be a date (YYYY-MM-DD)'])
    expect(plain(z.array(z.string()).max(1), ['a', 'b'])).toEqual(['may have at most 1 entries'])
    expect(plain(z.object({}).strict(), { x: 1 })[0]).toMatch(/does not know: x/)
  })

  it('keeps the contract’s own messages', () => {
    expect(plain(z.string().min(1, 'is required'), '')).toEqual(['is required'])
    expect(plain(z.number().positive('must be more than zero'), -1)).toEqual(['must be more than zero'])
  })

  it('answers a refused patients.create with every issue, none in zod’s words', () => {
    const dispatch = createDispatcher({ handlers: {} as never, resolveSession: () => ({ id: 'x', name: 'X', role: 'front_desk' }) as never, onInternalError: () => {} })
    const r = dispatch('patients.create', { clientId: 'not-an-id', name: '', species: 'dragon', sex: 'm', weightKg: 5000, dateOfBirth: 'yesterday', extra: true }, 't') as { ok: false; error: { code: string; message: string; issues: { path: string; message: string }[] } }
    expect(r.error.code).toBe('invalid-input')
    expect(r.error.issues.map((i) => i.path).sort()).toEqual(['(input)', 'clientId', 'dateOfBirth', 'name', 'sex', 'species', 'weightKg'])
    for (const i of r.error.issues) expect(i.message).not.toMatch(ZOD_WORDS)
    expect(r.error.message).not.toMatch(ZOD_WORDS)
  })

  it('says every problem of a refused call in its message, each naming its field as a person would', () => {
    const dispatch = createDispatcher({ handlers: {} as never, resolveSession: () => ({ id: 'x', name: 'X', role: 'front_desk' }) as never, onInternalError: () => {} })
    const r = dispatch('clients.create', { firstName: '', lastName: 'x'.repeat(200), email: 'nope', phones: [{ number: 'abc' }] }, 't') as { ok: false; error: { message: string } }
    expect(r.error.message).toMatch(/First name is required\./)
    expect(r.error.message).toMatch(/Last name must be at most \d+ characters\./)
    expect(r.error.message).toMatch(/Email must be an email address\./)
    expect(r.error.message).toMatch(/Phone 1 number /)
    expect(r.error.message).not.toMatch(/firstName|lastName|phones\.0|\(and \d+ more\)/)
  })

  it('counts rather than says problems past the tenth, so a hostile request cannot make a huge message', () => {
    const many = Array.from({ length: 500 }, (_, k) => ({ path: `lines.${k}.quantityMilli`, message: 'must be a number' }))
    const message = issuesMessage(many)
    expect(message).toMatch(/^Line 1 quantity must be a number\. Line 2 quantity/)
    expect(message).toMatch(/Line 10 quantity must be a number\. And 490 more problems\.$/)
  })

  it('names fields the way the form labels them, not the way the API stores them', () => {
    expect(fieldLabel('unitPriceMinor')).toBe('unit price')
    expect(fieldLabel('weightKg')).toBe('weight')
    expect(fieldLabel('clientId')).toBe('client')
    expect(fieldLabel('lines.2.quantityMilli')).toBe('line 3 quantity')
    expect(fieldLabel('categories.0')).toBe('category 1')
    expect(fieldLabel('status')).toBe('status')
    expect(fieldLabel('(input)')).toBe('the request')
    expect(issueSentence({ path: 'amountMinor', message: 'must be more than zero' })).toBe('Amount must be more than zero')
    // the core's own sentences are kept as written
    expect(issueSentence({ path: 'weightKg', message: '1,999 kg is not possible for a dog' })).toBe('1,999 kg is not possible for a dog')
  })

  it('words every input schema of the contract without zod’s defaults for a wrong type', () => {
    for (const [name, def] of Object.entries(contract)) {
      const issues = def.input.safeParse({ __nonsense__: 1 }).error?.issues ?? []
      for (const i of issues) expect(plainMessage(i), `${name} ${i.path.join('.')}`).not.toMatch(ZOD_WORDS)
    }
  })
})

describe('the form side', () => {
  const error = (body: ApiErrorBody) => body

  it('turns follow-on phrases into sentences', () => {
    expect(sentence('is required')).toBe('Required')
    expect(sentence('must be at most 80 characters')).toBe('Must be at most 80 characters')
  })

  it('puts each issue beside its field, all of them, and the rest above the buttons', () => {
    const e = error({
      code: 'invalid-input',
      message: 'name is required (and 3 more)',
      issues: [
        { path: 'name', message: 'is required' },
        { path: 'weightKg', message: '1,999 kg is not possible for a dog (at most 160 kg): check the number and the unit' },
        { path: 'dateOfBirth', message: 'A date of birth cannot be in the future' },
        { path: '(input)', message: 'has a field this form does not know: x' }
      ]
    })
    const p = formProblems(e, ['name', 'weight', 'dateOfBirth'], { weightKg: 'weight' })
    expect(p.fields).toEqual({ name: 'Required', weight: '1,999 kg is not possible for a dog (at most 160 kg): check the number and the unit', dateOfBirth: 'A date of birth cannot be in the future' })
    expect(p.general).toEqual(['The request has a field this form does not know: x'])
    expect(p.needsConfirmation).toBe(false)
  })

  it('says two problems with one field together, once each', () => {
    const e = error({ code: 'needs-confirmation', message: '…', issues: [{ path: 'weight', message: 'a' }, { path: 'weight', message: 'b' }, { path: 'weight', message: 'a' }] })
    expect(fieldErrors(e)).toEqual({ weight: 'A B' })
  })

  it('carries a needs-confirmation refusal’s duplicates, not as a field error', () => {
    const dup = { kind: 'client' as const, id: '0190', label: 'Théo Marchand', reason: 'already a client with the same name and phone (475) 555-0199' }
    const p = formProblems(error({ code: 'needs-confirmation', message: 'Please confirm', issues: [{ path: '(duplicate)', message: 'Théo Marchand: …' }], duplicates: [dup] }), ['firstName'])
    expect(p).toEqual({ fields: {}, general: [], needsConfirmation: true, duplicates: [dup] })
  })

  it('shows a refusal without issues (a conflict) as one sentence', () => {
    expect(formProblems(error({ code: 'conflict', message: 'microchip 985… is already recorded for Bella' }), ['microchip']).general).toEqual(['Microchip 985… is already recorded for Bella'])
    expect(formProblems(null, ['x'])).toEqual({ fields: {}, general: [], needsConfirmation: false, duplicates: [] })
  })
})
