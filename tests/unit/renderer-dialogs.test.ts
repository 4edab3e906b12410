import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/hub'

const RENDERER = join(ROOT, 'src-renderer', 'src')
// window.prompt/confirm/alert, called with or without "window.": Electron implements none of them.
const NATIVE_DIALOG = /(^|[^\w.$])(window\.)?(prompt|confirm|alert)\s*\(/

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []))
}

describe('renderer dialogs', () => {
  it('asks through askText (components/PromptHost), never window.prompt, confirm or alert, which Electron does not implement', () => {
    const found = sources(RENDERER).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line: line.replace(/\/\/.*$/, ''), where: `${relative(ROOT, file)}:${i + 1}` }))
        .filter(({ line }) => NATIVE_DIALOG.test(line))
        .map(({ where, line }) => `${where}: ${line.trim()}`)
    )
    expect(found).toEqual([])
  })
})
