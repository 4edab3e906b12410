/**
 * Opens a printable page of the app (a lab report, a receipt) in a window of its own, signed in
 * like this one. Nothing secret travels in its address: window.open with an opener (not
 * 'noopener', which a target="_blank" link implies) gives the new tab a copy of this tab's
 * sessionStorage, where the hub token and the session live (api/client inheritFromOpener reads the
 * opener's when a browser did not copy it). In Electron, the main process lets exactly these routes
 * open, with the same preload (electron/security isPrintableUrl).
 */
export function openPrintable(path: string): void {
  const url = new URL(location.href)
  url.search = ''
  url.hash = `#${path}`
  window.open(url.toString(), '_blank')
}
