import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { dirname, join } from 'node:path'
import { newId } from '../core/ids'

/**
 * Where DICOM files live: <data>/images/<aa>/<bb>/<sha1 of the SOP Instance UID>.dcm, a tree
 * like Orthanc's so no folder grows huge. A file is written to incoming/ first and only moved
 * into the tree, synced, once complete; a transfer cut off never leaves a half file indexed.
 * Files that could not be read go to rejected/, with the reason beside them, for inspection.
 */
export class ImageStorage {
  readonly root: string
  constructor(dataDir: string) {
    this.root = join(dataDir, 'images')
    mkdirSync(join(this.root, 'incoming'), { recursive: true })
    mkdirSync(join(this.root, 'rejected'), { recursive: true })
  }

  /** Left over from a stop in the middle of a transfer: never acknowledged, so the sender still has them. */
  clearIncoming(): number {
    const dir = join(this.root, 'incoming')
    const stale = readdirSync(dir)
    for (const f of stale) rmSync(join(dir, f), { force: true })
    return stale.length
  }

  incomingPath(): string {
    return join(this.root, 'incoming', `${newId()}.part`)
  }

  /** The file's place in the tree, relative to the data folder. */
  relativePathFor(sopInstanceUid: string): string {
    const h = createHash('sha1').update(sopInstanceUid).digest('hex')
    return join('images', h.slice(0, 2), h.slice(2, 4), `${h}.dcm`)
  }

  absolute(relative: string): string {
    return join(dirname(this.root), relative)
  }

  /** Syncs the finished file and moves it into the tree, syncing the folder so the rename survives a power cut. */
  commit(incoming: string, relative: string): void {
    const target = this.absolute(relative)
    mkdirSync(dirname(target), { recursive: true })
    syncFile(incoming)
    renameSync(incoming, target)
    syncFile(dirname(target))
  }

  reject(incoming: string, reason: string): string {
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${newId()}`
    const target = join(this.root, 'rejected', `${name}.dcm`)
    try {
      renameSync(incoming, target)
    } catch {
      writeFileSync(target, '')
    }
    writeFileSync(join(this.root, 'rejected', `${name}.txt`), `${reason}\n`)
    return target
  }

  discard(incoming: string): void {
    rmSync(incoming, { force: true })
  }
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
