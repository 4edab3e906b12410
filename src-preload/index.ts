/**
 * The preload bridge: exactly two functions, nothing else. The renderer calls the one API
 * contract through invoke; the main process validates every argument.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { ServerEvent, VetosBridge } from './contract'

const bridge: VetosBridge = {
  invoke: (method, input, token) => ipcRenderer.invoke('vetos:invoke', method, input, token),
  onEvent: (listener) => {
    const handler = (_e: IpcRendererEvent, event: ServerEvent) => listener(event)
    ipcRenderer.on('vetos:event', handler)
    return () => ipcRenderer.removeListener('vetos:event', handler)
  }
}

contextBridge.exposeInMainWorld('vetos', bridge)
