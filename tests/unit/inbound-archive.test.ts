import { afterEach, describe, expect, it } from 'vitest'
import { makeApp, type TestApp } from '../helpers/app'

describe('the inbound archive', () => {
  let t: TestApp
  afterEach(() => t.close())

  it('keeps a transmission received frame by frame byte for byte, bytes over 0x7F included', () => {
    t = makeApp()
    const archive = t.app.services.labs.archive
    const first = Buffer.from('R|1|^^^CREA|88|', 'latin1')
    const second = Buffer.from('µmol/L|53-141\r', 'latin1')
    const row = archive.begin({ integrationId: null, transport: 'astm', peer: 'test', raw: first })
    archive.append(row.id, second)
    archive.append(row.id, Buffer.from([0xff, 0x00, 0xe9]))
    expect(archive.get(row.id)!.raw).toEqual(Buffer.concat([first, second, Buffer.from([0xff, 0x00, 0xe9])]))
  })
})
