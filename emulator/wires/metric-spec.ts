/** The current wire's metric declaration, the MetricSpec of README "Metrics" (SDK 4.0.0 on). */
import type { CompetitionConfig, MetricDeclaration } from '../platform/world.ts'

/** README "Metrics": a MetricSpec has every one of these keys. */
export function metricSpec(comp: CompetitionConfig, m: MetricDeclaration): Record<string, unknown> {
  const rating = comp.ranking === 'elo' && m.key === 'elo'
  return {
    key: m.key,
    label: m.name,
    source: rating ? 'platform' : m.isRanking ? 'score' : 'env',
    agg: rating ? 'rating' : 'mean',
    order: m.order,
    format: 'number',
    unit: null,
    precision: m.precision,
    is_ranking: m.isRanking,
    visible: true
  }
}

export function metricDeclarations(comp: CompetitionConfig): unknown[] {
  return comp.metrics.map(m => metricSpec(comp, m))
}

/** The ranking spec (course payloads' `metric`). */
export function rankingSpec(comp: CompetitionConfig): Record<string, unknown> | null {
  const m = comp.metrics.find(spec => spec.isRanking)
  return m ? metricSpec(comp, m) : null
}
