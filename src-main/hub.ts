/** The headless hub: `npm run hub -- --data-dir DIR [--demo] [--http-port N]`. */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApp, type App } from './app'
import { defaultHubDataDir, parseHostFlags, USAGE } from './config'
import { startHub } from './hub/server'
import { onStopSignal } from '../src-server/cli/on-stop'
import { startSimulators } from './simulators'
import { FirstRun, isNewDataFolder, joinClinic } from './first-run'

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
  const config = { dataDir, demo: flags.demo, host: 'hub' as const, version: process.env.npm_package_version, labs: { hl7: flags.hl7, analyzer: flags.analyzer }, imaging: { dicom: flags.dicom }, syncUrl: flags.syncUrl }
  const rendererDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer')
  let app: App | null = null
  // --setup on a new data folder: the browser asks first, and the app opens once the person chose.
  const firstRun =
    flags.setup && !flags.demo && !flags.enroll && isNewDataFolder(dataDir)
      ? new FirstRun(dataDir, { create: (join) => createApp({ ...config, join }), ready: (opened) => void (app = opened), log: (line) => console.error(line) })
      : null
  if (!firstRun) {
    const joined = flags.enroll ? await joinClinic(dataDir, flags.syncUrl!, flags.enroll) : undefined
    app = createApp({ ...config, join: joined })
    await app.start()
    if (joined) console.log(`Joined the clinic at ${flags.syncUrl}: its staff and records arrive by sync.`)
  }
  const hub = await startHub(() => app, { host: flags.httpHost, port: flags.httpPort, rendererDir, token: flags.token, firstRun: firstRun?.dispatch })
  const readyMs = Math.round(performance.now() - started)
  console.log(`VetOS hub ready in ${readyMs} ms (data: ${dataDir})`)
  if (firstRun) console.log('New data folder: open the address below to join your clinic or start a new one.')
  if (app?.firstRunAdminPin) console.log(`First start: sign in as Administrator with PIN ${app.firstRunAdminPin}, then change it in Settings.`)
  if (app?.services.info.demo) console.log('Demo clinic: every staff PIN is 1234.')
  const hl7 = app?.services.labs.listener
  if (hl7) console.log(`Lab results (HL7/MLLP) on ${flags.hl7!.host}:${hl7.port}`)
  const dicom = app?.services.imaging.node
  if (dicom) console.log(`DICOM node ${dicom.opts.aeTitle} on ${flags.dicom!.host}:${dicom.port}`)
  const simulators = flags.simulators && app ? await startSimulators(app, (line) => console.log(line)) : null
  console.log(`Open ${hub.url}?token=${hub.token}`)

  onStopSignal(async () => {
    await simulators?.stop()
    await hub.close()
    await app?.close()
  })
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
