/** The headless hub: `npm run hub -- --data-dir DIR [--demo] [--http-port N]`. */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApp } from './app'
import { defaultHubDataDir, parseHostFlags, USAGE } from './config'
import { startHub } from './hub/server'
import { startSimulators } from './simulators'
import { existsSync } from 'node:fs'
import { newId } from './core/ids'
import { enrollWorkstation } from './sync/enroll'

async function main(): Promise<void> {
  const started = performance.now()
  let flags
  try {
    flags = parseHostFlags(process.argv.slice(2))
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`)
    process.exit(2)
  }
  if (flags === 'help') {
    console.log(USAGE)
    return
  }
  const dataDir = flags.dataDir ?? defaultHubDataDir(flags.demo)
  const joined = flags.enroll ? await joinClinic(dataDir, flags.syncUrl!, flags.enroll) : undefined
  const app = createApp({ dataDir, demo: flags.demo, host: 'hub', version: process.env.npm_package_version, labs: { hl7: flags.hl7, analyzer: flags.analyzer }, imaging: { dicom: flags.dicom }, join: joined, syncUrl: flags.syncUrl })
  await app.start()
  const rendererDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer')
  const hub = await startHub(app, { host: flags.httpHost, port: flags.httpPort, rendererDir, token: flags.token })
  const readyMs = Math.round(performance.now() - started)
  console.log(`VetOS hub ready in ${readyMs} ms (data: ${dataDir})`)
  if (app.firstRunAdminPin) console.log(`First start: sign in as Administrator with PIN ${app.firstRunAdminPin}, then change it in Settings.`)
  if (app.services.info.demo) console.log('Demo clinic: every staff PIN is 1234.')
  if (joined) console.log(`Joined the clinic at ${flags.syncUrl}: its staff and records arrive by sync.`)
  const hl7 = app.services.labs.listener
  if (hl7) console.log(`Lab results (HL7/MLLP) on ${flags.hl7!.host}:${hl7.port}`)
  const dicom = app.services.imaging.node
  if (dicom) console.log(`DICOM node ${dicom.opts.aeTitle} on ${flags.dicom!.host}:${dicom.port}`)
  const simulators = flags.simulators ? await startSimulators(app, (line) => console.log(line)) : null
  console.log(`Open ${hub.url}?token=${hub.token}`)

  const stop = async () => {
    await simulators?.stop()
    await hub.close()
    await app.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

/** --enroll on a data folder's first start: the server gives this workstation its credential. */
async function joinClinic(dataDir: string, syncUrl: string, code: string) {
  if (existsSync(join(dataDir, 'vetos.db'))) throw new Error(`${dataDir} already holds a clinic database; --enroll joins a new data folder only`)
  const deviceId = newId()
  const { clinicId, deviceToken } = await enrollWorkstation(syncUrl, code, deviceId)
  return { deviceId, clinicId, syncUrl, token: deviceToken }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
