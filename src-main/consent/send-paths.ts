/**
 * Every module of VetOS that can put bytes on a wire or a cable, and what it sends there. A module
 * under `data` sends patient or clinic data: each of its sends takes a Permit from the consent gate
 * and spends it right before the bytes leave (Permit.spend checks consent again at that moment).
 * A module under `clinic` talks only to the clinic's own central server. A module under `noData`
 * only answers inside a protocol (acknowledgements, link control), carries bytes a `data` module
 * handed it, or serves this workstation. tests/unit/send-paths.test.ts reads
 * src-main for network and device modules and fails on any not listed here, so a new connector
 * (payments, PROVENIQ) cannot send around the gate unnoticed.
 */
export const SEND_PATHS = {
  data: {
    'src-main/hl7/transmitter.ts': 'HL7 orders and cancels to a reference lab (MllpTransmitter, through the outbound queue)',
    'src-main/astm/connector.ts': 'ASTM order lists (through the outbound queue) and answers to host queries, to an analyzer',
    'src-main/imaging/node.ts': 'Modality Worklist answers to a modality',
    'src-main/billing/stripe-gateway.ts': 'card payments to the payment service (Stripe Terminal, server-driven): amounts, the clinic’s currency, the local payment and refund ids, the terminal; never a patient or a client',
    'src-main/support/transmitter.ts': 'requests for a new integration to the VetOS support desk (through its own outbound queue): the form, and captured device messages with patient identity removed unless the administrator kept it (then approved for patient_identity and owner_contact too, and imaging for a DICOM object); never to a redirected address',
    'src-main/proveniq/client.ts': 'PetMayday reports, sightings and list queries, and PetLifeLog registrations, transfers and lookups, to the PROVENIQ service with the clinic’s member key: only the categories each call names'
  },
  /**
   * Within the clinic: the clinic's own central server, which an administrator set up and this
   * workstation joined with an enrollment code. It holds the clinic's records, so sync is not an
   * outside integration and takes no permit; nothing in it ever goes to a lab, a modality or a
   * third party except through the `data` paths above, on the workstation that hosts them.
   */
  clinic: {
    'src-main/sync/client.ts': 'the outbox pushed to the clinic’s central server, and its shapes read from there, with this device’s credential',
    'src-main/sync/enroll.ts': 'the enrollment code, this device’s id and host name, to the clinic’s central server',
    'src-main/sync/audit.ts': 'this workstation’s audit log entries to the clinic’s central server, which anchors them, and its head read back',
    'src-main/sync/blobs.ts': 'DICOM files and documents this workstation filed, to the clinic’s central server, and files of synced rows fetched from it',
    'src-main/audit-verify.ts': 'asks the clinic’s central server for this workstation’s audit anchor',
    'src-main/sync/devices.ts': 'the clinic’s list of workstations read from its central server, and a revocation (the workstation, the administrator’s id and re-typed PIN, the reason) sent to it',
    'src-main/imaging/index.ts': 'asks the clinic’s central server for the file of a synced image the first time it is shown',
    'src-main/media/documents.ts': 'asks the clinic’s central server for the file of a synced document (by its hash) the first time it is opened'
  },
  noData: {
    'src-main/hl7/listener.ts': 'acknowledgements of received results: sender names and their control id, nothing of a patient',
    'src-main/astm/transport.ts': 'the bytes of its connector’s link (the connector spends the permit for data); ENQ/ACK/NAK/EOT',
    'src-main/hub/server.ts': 'the renderer and its API, to this workstation on loopback with the access token',
    'src-main/index.ts': 'the Electron host: net.fetch reads the renderer’s own files (file://) for the app:// protocol',
    'src-main/core/net.ts': 'binds a listening server; sends nothing',
    'src-main/proveniq/missing-list.ts': 'reads PetMayday’s active missing-pet list (its shape) with the clinic’s member key; sends no patient or client data, only while approved for lost_pet_reports',
    'src-main/scanners/': 'reads a microchip scanner on a serial port; never writes to it, and sends nothing anywhere',
    'src-main/demo/proveniq.ts': 'runs the demo’s PROVENIQ service (embedded PGlite) and its simulated members on this machine: it plays the outside network, not VetOS; it only probes for a free port',
    'src-main/simulators/': 'the demo’s simulated reference lab and analyzer: they play the outside world, not VetOS'
  }
} as const
