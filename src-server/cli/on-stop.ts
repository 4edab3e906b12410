/**
 * Runs stop once on the first SIGINT or SIGTERM and ignores the rest. One Ctrl+C or kill reaches
 * the process more than once (the terminal's process group, then npm and tsx relaying it): a
 * once-only listener let the repeat kill the process halfway through closing, leaving its
 * database folder locked.
 */
export function onStopSignal(stop: () => Promise<void>): void {
  let stopping = false
  const once = () => {
    if (stopping) return
    stopping = true
    console.log('stopping')
    stop().then(
      () => {
        console.log('stopped')
        process.exit(0)
      },
      (e) => {
        console.error(`while stopping: ${(e as Error).message}`)
        process.exit(1)
      }
    )
  }
  process.on('SIGINT', once)
  process.on('SIGTERM', once)
}
