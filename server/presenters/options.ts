// The options of a select or radios, as the view partials take them.

export type Option = { value: string; text: string }

/** Options for a fixed list of codes, each shown by its label. */
export const labelledOptions = <V extends string>(values: readonly V[], labels: Record<V, string>): Option[] =>
  values.map((value) => ({ value, text: labels[value] }))

/** A select's options with a first, empty choice ("Select a lead officer", "Not changed", "All tiers"). */
export const withBlank = (first: string, options: readonly Option[]): Option[] => [
  { value: '', text: first },
  ...options,
]

export const officerOptionsOf = (officers: readonly { id: string; display_name: string }[]): Option[] =>
  officers.map((o) => ({ value: o.id, text: o.display_name }))

/** A local code list (sources, reasons, contact types …) from its table. */
export const codeOptionsOf = (codes: readonly { code: string; label: string }[]): Option[] =>
  codes.map((c) => ({ value: c.code, text: c.label }))

export const boroughOptionsOf = (boroughs: readonly { id: string; name: string }[]): Option[] =>
  boroughs.map((b) => ({ value: b.id, text: b.name }))

/** Wards named with their borough, as two boroughs may share a ward name. */
export const wardOptionsOf = (wards: readonly { id: string; name: string; borough_name: string }[]): Option[] =>
  wards.map((w) => ({ value: w.id, text: `${w.name} (${w.borough_name})` }))
