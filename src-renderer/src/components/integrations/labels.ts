/** How the Integrations screen and its catalog name kinds of integration and categories of data. */
import type { DataCategory, IntegrationKind } from '../../../../src-preload/contract'

export const KIND_LABEL: Record<IntegrationKind, string> = {
  reference_lab: 'Reference lab (HL7)',
  analyzer: 'In-house analyzer (ASTM)',
  imaging: 'Imaging (DICOM)',
  payments: 'Card payments',
  petmayday: 'PetMayday lost-pet alerts',
  petlifelog: 'PetLifeLog microchip registry',
  support: 'VetOS support'
}

export const CATEGORY_LABEL: Record<DataCategory, string> = {
  patient_identity: 'Patient identity (name, species, breed, sex, age)',
  owner_contact: 'Owner name and contact details',
  lab_orders: 'Lab orders',
  clinical_notes: 'Clinical notes',
  imaging: 'Images and imaging requests',
  payments: 'Payment amounts',
  microchip: 'Microchip numbers',
  lost_pet_reports: 'Lost and found pet reports',
  device_samples: 'Sample device messages, patient identity removed, and the clinic’s notes about them'
}

/** The catalog's groups, in the order a clinic meets them. */
export const KIND_GROUP: Record<IntegrationKind, string> = {
  reference_lab: 'Reference labs',
  analyzer: 'In-house analyzers',
  imaging: 'Imaging modalities',
  payments: 'Payment processors',
  petmayday: 'PROVENIQ network',
  petlifelog: 'PROVENIQ network',
  support: 'VetOS support'
}
