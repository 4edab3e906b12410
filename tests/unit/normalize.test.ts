import { describe, expect, it } from 'vitest'
import { normalizeName, phoneDigits, reverse } from '../../src-main/core/normalize'
import { Hlc, clockTag, parseHlc } from '../../src-main/core/hlc'
import { v7 as uuidv7 } from 'uuid'

describe('name normalization (search and the matching rule)', () => {
  it('ignores case, accents, spacing and apostrophes', () => {
    expect(normalizeName('  Zoë  ')).toBe('zoe')
    expect(normalizeName("O'Brien")).toBe('obrien')
    expect(normalizeName('Van der  Berg')).toBe('van der berg')
    expect(normalizeName('Müller-Lüdenscheidt')).toBe('muller ludenscheidt')
  })

  it('keeps letters that differ: a misspelling stays a different name', () => {
    expect(normalizeName('Bella')).not.toBe(normalizeName('Bela'))
  })
})

describe('phone numbers', () => {
  it('are searched by their digits, reversed so a suffix is a prefix', () => {
    expect(phoneDigits('(475) 555-0145')).toBe('4755550145')
    expect(reverse(phoneDigits('555-0145'))).toBe('5410555')
  })
})

describe('hybrid logical clock', () => {
  it('tells apart workstations set up in the same millisecond', () => {
    const at = Date.now()
    const a = uuidv7({ msecs: at })
    const b = uuidv7({ msecs: at })
    expect(a.slice(0, 8)).toBe(b.slice(0, 8))
    expect(clockTag(a)).not.toBe(clockTag(b))
    expect(new Hlc(clockTag(a), () => at).tick()).not.toBe(new Hlc(clockTag(b), () => at).tick())
  })


  it('never goes backwards when the wall clock does', () => {
    let now = 1_700_000_000_000
    const clock = new Hlc('dev1', () => now)
    const a = clock.tick()
    now -= 5_000
    const b = clock.tick()
    expect(b > a).toBe(true)
    expect(parseHlc(b).ms).toBe(parseHlc(a).ms)
  })

  it('moves ahead of a clock value received from another device', () => {
    const now = 1_700_000_000_000
    const clock = new Hlc('dev1', () => now)
    const remote = new Hlc('dev2', () => now + 60_000).tick()
    clock.receive(remote)
    expect(clock.tick() > remote).toBe(true)
  })
})
