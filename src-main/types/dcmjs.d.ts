/** The part of dcmjs (a dependency of dcmjs-dimse) VetOS uses: the DICOM data dictionary. */
declare module 'dcmjs' {
  interface DictionaryEntry {
    tag: string
    vr: string
    vm: string
    /** the attribute's keyword, PatientName */
    name: string
  }
  const dcmjs: {
    data: {
      DicomMetaDictionary: {
        /** keyed "(0010,0010)", upper-case hex */
        dictionary: Record<string, DictionaryEntry | undefined>
      }
    }
  }
  export default dcmjs
}
