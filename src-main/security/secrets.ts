/**
 * Sealing secrets kept on this workstation (a payment service's API key). The Electron host seals
 * with the OS keychain (safeStorage); where there is none (the headless hub, a Linux box without a
 * keyring) with AES-256-GCM under a key in the data folder readable by this user only. A sealed
 * value names its method, so a database moved between the two still says why it cannot open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface SecretSealer {
  /** how secrets are kept here, for the Settings screen */
  readonly method: 'os-keychain' | 'data-folder-key'
  seal(plain: string): string
  /** null when this sealer cannot open it (sealed elsewhere, or tampered with) */
  open(sealed: string): string | null
}

/** What Electron's safeStorage offers (kept as an interface so the core never imports electron). */
export interface OsKeychain {
  isEncryptionAvailable(): boolean
  encryptString(plain: string): Buffer
  decryptString(sealed: Buffer): string
}

export function keychainSealer(keychain: OsKeychain): SecretSealer {
  return {
    method: 'os-keychain',
    seal: (plain) => `os1:${keychain.encryptString(plain).toString('base64')}`,
    open(sealed) {
      if (!sealed.startsWith('os1:')) return null
      try {
        return keychain.decryptString(Buffer.from(sealed.slice(4), 'base64'))
      } catch {
        return null
      }
    }
  }
}

/** AES-256-GCM under `secrets.key` in the data folder (created 0600 on first use). */
export function dataFolderSealer(dataDir: string): SecretSealer {
  const file = join(dataDir, 'secrets.key')
  let key: Buffer | null = null
  const theKey = (): Buffer => {
    if (key) return key
    if (existsSync(file)) key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')
    else {
      key = randomBytes(32)
      writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' })
    }
    if (key.length !== 32) throw new Error(`${file} is not a 256-bit key`)
    return key
  }
  return {
    method: 'data-folder-key',
    seal(plain) {
      const iv = randomBytes(12)
      const c = createCipheriv('aes-256-gcm', theKey(), iv)
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()])
      return `dk1:${Buffer.concat([iv, c.getAuthTag(), body]).toString('base64')}`
    },
    open(sealed) {
      if (!sealed.startsWith('dk1:')) return null
      try {
        const raw = Buffer.from(sealed.slice(4), 'base64')
        const d = createDecipheriv('aes-256-gcm', theKey(), raw.subarray(0, 12))
        d.setAuthTag(raw.subarray(12, 28))
        return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8')
      } catch {
        return null
      }
    }
  }
}

/**
 * The keychain where the host has one, else the data folder's key. Chosen at first use: Electron
 * answers isEncryptionAvailable() only once the app is ready. Opening tries both, so a key sealed
 * before a keyring appeared still opens.
 */
export function chooseSealer(dataDir: string, keychain?: OsKeychain | null): SecretSealer {
  const folder = dataFolderSealer(dataDir)
  let chosen: SecretSealer | null = null
  const pick = () => (chosen ??= keychain?.isEncryptionAvailable() ? keychainSealer(keychain) : folder)
  return {
    get method() {
      return pick().method
    },
    seal: (plain) => pick().seal(plain),
    open: (sealed) => (sealed.startsWith('dk1:') ? folder.open(sealed) : pick().open(sealed))
  }
}
