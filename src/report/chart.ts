/**
 * The value axis of a Mermaid `xychart-beta` bar chart. Left alone, Mermaid fits the axis to
 * the data, so bars of 240 and 290 start at 235 and one looks five times the other. The axis
 * here starts at zero (or at the lowest value, when one is negative: xychart bars rise from the
 * bottom of the axis, so a chart with negative values says so in its title).
 */
export interface ValueAxis {
  /** `  y-axis "Score" 0 --> 290.5` */
  line: string
  /** To add to the chart's title: empty, or how to read bars below zero. */
  titleNote: string
}

export function valueAxis(
  label: string,
  values: readonly number[],
  format: (n: number) => string
): ValueAxis {
  const finite = values.filter(Number.isFinite)
  const low = Math.min(0, ...finite)
  let high = Math.max(0, ...finite)
  if (high === low) high = low + 1
  return {
    line: `  y-axis "${label}" ${format(low)} --> ${format(high)}`,
    titleNote: low < 0 ? `; bars rise from ${format(low)}, not from 0` : ''
  }
}
