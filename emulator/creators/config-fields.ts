/**
 * The challenge config's key registry (`GET config_fields`) and the JSON Schema of
 * `challenge.toml` built from it (`GET config_schema.json`): one list, so the schema, the
 * console's settings and the file editor can never disagree. Pure data.
 */

export type ConfigGroup = 'evaluation' | 'participation' | 'resources'

export interface ConfigField {
  key: string
  group: ConfigGroup
  level: 'basic' | 'advanced'
  writer: 'creator' | 'admin'
  /** The available_kinds() capability a kind needs for this key; null = every kind. */
  capability: string | null
  runningEditable: boolean
  /** May be written in challenge.toml (admin keys may not). */
  inFile: boolean
  /** The editor view's row that holds the column. */
  row: 'configuration' | 'evaluation'
  help: string
  schema: Record<string, unknown>
  /** undefined = no value (a nullable key that is unset). */
  default: unknown
}

const PLAIN_NAME = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'
const QUANTITY = '^[1-9][0-9]{0,5}(Mi|Gi)$'

/** The platform keys a `source = "platform"` spec may name (README "Metrics"). */
export const PLATFORM_METRIC_KEYS: readonly string[] = [
  'elo',
  'action_time_max',
  'ram_max',
  'vram_max',
  'steps',
  'n_episodes'
]

/** Keys no MetricSpec may take: the rows already carry them (README "Metrics"). */
export const RESERVED_METRIC_KEYS: readonly string[] = ['score', 'rank', 'metrics']

/**
 * A MetricSpec, as SDK 4.4.0's README "Metrics" table gives it: every key is required; `order`
 * and `unit` may be null (in challenge.toml: left out, since TOML has no null). The rules across specs (one ranking spec with an order, unique keys,
 * at most one `source = "score"`, a unit for currency) are in challenge-config.ts.
 */
const METRIC_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  // `order` and `unit` may be null, and TOML has no null: leaving them out says null.
  required: ['key', 'label', 'source', 'agg', 'format', 'precision', 'is_ranking', 'visible'],
  properties: {
    key: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]{0,31}$',
      not: { enum: RESERVED_METRIC_KEYS },
      description: 'The metric key; not score, rank or metrics'
    },
    label: { type: 'string', minLength: 1, maxLength: 40 },
    source: { type: 'string', enum: ['score', 'env', 'platform'] },
    agg: { type: 'string', enum: ['mean', 'sum', 'max', 'min', 'last', 'rating'] },
    order: { type: ['string', 'null'], enum: ['desc', 'asc', null] },
    format: {
      type: 'string',
      enum: ['number', 'integer', 'percent', 'seconds', 'bytes', 'currency']
    },
    unit: { type: ['string', 'null'], maxLength: 8 },
    precision: { type: 'integer', minimum: 0, maximum: 10 },
    is_ranking: { type: 'boolean' },
    visible: { type: 'boolean' }
  }
} as const

/** The metric fields a started challenge may still change (they cannot rescore a run). */
export const METRIC_PRESENTATION_FIELDS: readonly string[] = [
  'label',
  'unit',
  'precision',
  'format',
  'visible'
]

export const DEFAULT_METRICS = [
  {
    key: 'reward',
    label: 'Reward',
    source: 'score',
    agg: 'mean',
    order: 'desc',
    format: 'number',
    unit: null,
    precision: 2,
    is_ranking: true,
    visible: true
  }
]

type FieldSpec = Pick<ConfigField, 'key' | 'group' | 'row' | 'help' | 'schema' | 'default'> &
  Partial<ConfigField>

/** A creator key a file may hold, advanced, frozen once started, for every kind: unless said. */
function field(spec: FieldSpec): ConfigField {
  return {
    level: 'advanced',
    writer: 'creator',
    capability: null,
    runningEditable: false,
    inFile: true,
    ...spec
  }
}

export const CONFIG_FIELDS: readonly ConfigField[] = [
  field({
    key: 'metrics',
    group: 'evaluation',
    level: 'basic',
    runningEditable: true,
    row: 'evaluation',
    help: 'The score declaration: exactly one entry has is_ranking = true and an order. Once started only label, unit, precision, format and visible may change.',
    schema: { type: 'array', minItems: 1, maxItems: 10, items: METRIC_SCHEMA },
    default: DEFAULT_METRICS
  }),
  field({
    key: 'window_days',
    group: 'evaluation',
    row: 'evaluation',
    help: 'Also fold every metric over the runs of the last N days (absent: no window).',
    schema: { type: 'integer', minimum: 1, maximum: 365 },
    default: undefined
  }),
  field({
    key: 'is_stop_after_deployment',
    group: 'evaluation',
    capability: 'runs',
    runningEditable: true,
    row: 'evaluation',
    help: 'true: a submission runs only its deployment runs and is never matched again.',
    schema: { type: 'boolean' },
    default: true
  }),
  field({
    key: 'deployment_nb_initial_score_run',
    group: 'evaluation',
    capability: 'runs',
    row: 'evaluation',
    help: 'Runs a deployment plays to score a submission (the episode budget of the benchmark).',
    schema: { type: 'integer', minimum: 1, maximum: 20 },
    default: 3
  }),
  field({
    key: 'max_upload_size_bytes',
    group: 'participation',
    level: 'basic',
    capability: 'submission_upload',
    row: 'configuration',
    help: 'Largest total size of one submission, in bytes.',
    schema: { type: 'integer', minimum: 1, maximum: 2147483648 },
    default: 10 * 1024 * 1024
  }),
  field({
    key: 'max_upload_files',
    group: 'participation',
    level: 'basic',
    capability: 'submission_upload',
    row: 'configuration',
    help: 'Most files one submission may hold.',
    schema: { type: 'integer', minimum: 1, maximum: 100 },
    default: 20
  }),
  field({
    key: 'max_active_submissions_per_participant',
    group: 'participation',
    level: 'basic',
    capability: 'submission_upload',
    row: 'configuration',
    help: 'Most active submissions one participant may have.',
    schema: { type: 'integer', minimum: 1, maximum: 100 },
    default: 3
  }),
  field({
    key: 'required_files',
    group: 'participation',
    row: 'configuration',
    help: 'Plain file names that must exist in the env folder before the challenge can start.',
    schema: {
      type: 'array',
      maxItems: 50,
      uniqueItems: true,
      items: { type: 'string', pattern: PLAIN_NAME }
    },
    default: []
  }),
  field({
    key: 'render_delay_second',
    group: 'participation',
    runningEditable: true,
    row: 'configuration',
    help: 'Default duration of a replay frame, in seconds.',
    schema: { type: 'number', minimum: 0, maximum: 10 },
    default: 0.1
  }),
  field({
    key: 'simulation_timeout_sec',
    group: 'resources',
    level: 'basic',
    capability: 'runs',
    row: 'configuration',
    help: "The wallclock of one run, in seconds (at most the machine's job_timeout_max_sec, 3600).",
    schema: { type: 'integer', minimum: 1, maximum: 3600 },
    default: 600
  }),
  field({
    key: 'agent_max_time_per_step_second',
    group: 'resources',
    level: 'basic',
    capability: 'run_limits',
    row: 'configuration',
    help: 'Deadline of one agent call, in seconds.',
    schema: { type: 'number', exclusiveMinimum: 0, maximum: 60 },
    default: 1
  }),
  field({
    key: 'simulation_max_steps',
    group: 'resources',
    capability: 'run_limits',
    row: 'configuration',
    help: 'The step budget of one episode.',
    schema: { type: 'integer', minimum: 1, maximum: 1000000 },
    default: 1000
  }),
  field({
    key: 'agent_memory_limit',
    group: 'resources',
    capability: 'agent_containers',
    row: 'configuration',
    help: 'Memory limit of each agent container (a K8s quantity in Mi or Gi).',
    schema: { type: 'string', pattern: QUANTITY },
    default: '1Gi'
  }),
  field({
    key: 'env_memory_limit',
    group: 'resources',
    row: 'configuration',
    help: 'Memory limit of the env container (a K8s quantity in Mi or Gi).',
    schema: { type: 'string', pattern: QUANTITY },
    default: '2Gi'
  }),
  field({
    key: 'docker_image_env_runtime_id',
    group: 'resources',
    writer: 'admin',
    inFile: false,
    row: 'configuration',
    help: 'The env runtime image (admin only; not a challenge.toml key).',
    schema: { type: 'integer', minimum: 1 },
    default: 1
  })
]

export const FIELD_BY_KEY: ReadonlyMap<string, ConfigField> = new Map(
  CONFIG_FIELDS.map(f => [f.key, f])
)

export const SCHEMA_ID = 'https://ml-arena.com/api/creator_challenge/config_schema.json'

/** The JSON Schema (draft-07, no custom keywords) of challenge.toml: the keys a file may hold. */
export function configSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {}
  for (const field of CONFIG_FIELDS) {
    if (!field.inFile) continue
    properties[field.key] = {
      ...field.schema,
      description: field.help,
      ...(field.default === undefined ? {} : { default: field.default })
    }
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'challenge.toml',
    description: 'The config of an ML Arena challenge, kept in its env folder.',
    type: 'object',
    additionalProperties: false,
    properties
  }
}

export function configFieldsPayload(): { fields: Record<string, unknown>[] } {
  return {
    fields: CONFIG_FIELDS.map(f => ({
      key: f.key,
      group: f.group,
      level: f.level,
      writer: f.writer,
      capability: f.capability,
      fixed_capability: null,
      running_editable: f.runningEditable,
      in_file: f.inFile,
      help: f.help,
      type: f.schema.type,
      default: f.default ?? null
    }))
  }
}
