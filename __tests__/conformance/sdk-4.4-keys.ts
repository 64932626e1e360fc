/**
 * The keys ML Arena serves on each route the project uses, as the official SDK documents them:
 * 4.4.0 (`ml-arena/mlarena-sdk` at 7d46c3399238564a0683c435503d0db586447f0e, `mlarena/client.py`
 * docstrings and README sections) for the current wire, 0.2.0 (65251bc94591b151b651f33845cb8e0df9c4b996)
 * for the legacy wire where it documents any. A fixture of facts: every entry names where its keys
 * come from. The emulator's conformance test (emulator.test.ts beside this file) checks that the
 * emulator serves exactly these keys; the client's parser tests can read the same list.
 *
 * `at` addresses the objects a key list applies to: `''` is the answer itself, `a.b` a nested
 * object, `a[]` every element of an array (`a[].b[]` nests), `a.*` every value of a map. Maps of `{key: value}` (`metrics`,
 * `metrics_window`, `deployment_limits` of `my_submissions`) are values, not key lists.
 */

export type Wire = 'current' | 'legacy'
export type Side = 'participant' | 'course' | 'creator'

export interface KeyList {
  /** Which objects of the answer (see the file comment). */
  at: string
  /** The keys the SDK documents for these objects: each must be served. */
  keys: readonly string[]
  /** Documented keys served only in some states (e.g. `passed` through a course with a bar). */
  optional?: readonly string[]
  /**
   * Keys the emulator serves that no SDK names (the SDK gives part of the list, or none):
   * each is listed in emulator/README.md, "Behaviours no SDK documents".
   */
  chosen?: readonly string[]
  /** The object may be null (a null is not checked). */
  nullable?: boolean
  /** Where the keys come from. */
  source: string
}

export interface RouteFact {
  id: string
  wire: Wire
  side: Side
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** The route under the base URL, `{…}` for ids. */
  route: string
  /** The SDK method that calls it. */
  sdk: string
  shapes: readonly KeyList[]
}

const SUBMISSION_SOURCE = 'client.py submission_status docstring (4.4.0)'

/** README "Submission status block" (2.0): on every reply that carries a submission's status. */
export const STATUS_BLOCK = [
  'status',
  'phase',
  'last_status_message',
  'status_update_ts',
  'is_uploadable',
  'is_deployable',
  'is_settled'
] as const

export const DEPLOYMENT_LIMITS = [
  'daily_deploy_limit',
  'daily_deploys_used',
  'daily_deploys_remaining',
  'next_deploy_available_at',
  'can_deploy'
] as const

export const ACTIVE_SUBMISSION_LIMITS = [
  'max_active_submissions',
  'active_submissions_count',
  'active_submissions_remaining'
] as const

export const LATEST_DEPLOY = [
  'id',
  'created_at_ts',
  'status',
  'finished_at_ts',
  'failure_message',
  'failure_owner'
] as const

/** README "Metrics": every key of a MetricSpec is required. */
export const METRIC_SPEC = [
  'key',
  'label',
  'source',
  'agg',
  'order',
  'format',
  'unit',
  'precision',
  'is_ranking',
  'visible'
] as const

/**
 * A `RunResult` (the `submission_status` docstring's run keys; `simulation_result_id` from README
 * "4.4.0 — replays" and `download_replay`; `env_error_message` / `env_stdout_logs`, null for a
 * participant, from the same docstring's last paragraph). The resource columns it names only as
 * patterns (`step_time_*_sec`, `env_metric_*`) are not listed: no SDK names them one by one.
 */
export const RUN_RESULT = [
  'simulation_result_id',
  'job_status',
  'job_started_at_ts',
  'job_completed_at_ts',
  'job_error_type',
  'job_error_message',
  'job_retry_count',
  'created_at_ts',
  'simulate_end_time_ts',
  'is_test',
  'is_deployment',
  'env_nb_steps',
  'env_error_type',
  'env_error_message',
  'env_stdout_logs',
  'submission_results'
] as const

/**
 * A `RunSubmissionResult` row (the `submission_status` docstring; `id` from README "4.4.0 —
 * replays", whose ReplayRun rows are "the subset of RunResult ... under the same keys";
 * `agent_stdout_logs` from the docstring's last paragraph and `tail_logs`). The agent's resource
 * columns (`action_time_*_sec`, `agent_metric_*`) are patterns: not listed.
 */
export const RUN_ROW = [
  'id',
  'submission_id',
  'submission_name',
  'user_name',
  'submission_status',
  'agent_attached_player_id',
  'env_player_name',
  'score',
  'score_variance',
  'n_episodes',
  'score_ci95',
  'agent_nb_steps',
  'game_outcome',
  'final_rank',
  'score_elo_before',
  'score_elo_delta',
  'metrics',
  'info_message',
  'agent_error_type',
  'agent_error_message',
  'agent_stdout_logs'
] as const

/** README "Leaderboard" and the `leaderboard` docstring's **Columns**. */
export const BOARD_ROW = [
  'rank',
  'username',
  'avatar_key',
  'submission_id',
  'submission_name',
  'score',
  'score_ci95',
  'n_episodes_total',
  'elo_variance',
  'number_of_runs',
  'created_at_ts',
  'last_end_run_ts',
  'is_my_submission',
  'team_id',
  'team_name',
  'team_members',
  'action_time_max_sec',
  'agent_metric_total_ram_max_bytes',
  'agent_metric_vram_max_bytes',
  'is_public',
  'metrics',
  'metrics_window'
] as const

/**
 * A course row as the emulator serves it: `update_course`'s fields (`name`, `code`,
 * `description`, `visibility`, `instructor_name`, `start_date`, `end_date`) and `has_cover`
 * (README "Course consumption") are the SDK's words, but no docstring lists a row's keys.
 */
const COURSE_ROW = [
  'id',
  'name',
  'code',
  'slug',
  'description',
  'visibility',
  'instructor_name',
  'start_date',
  'end_date',
  'teacher_user_id',
  'teacher_username',
  'challenge_ids',
  'has_cover',
  'created_at_ts'
] as const

const S = '/api/submissions'

export const SDK_44_KEYS: readonly RouteFact[] = [
  // ---------------------------------------------------------------- participant, current wire
  {
    id: 'challenges',
    wire: 'current',
    side: 'participant',
    method: 'GET',
    route: '/api/challenges/',
    sdk: 'challenges',
    shapes: [
      {
        at: '',
        keys: ['items', 'metadata'],
        source: 'client.py challenges (reads items and metadata.has_next)'
      },
      { at: 'metadata', keys: ['has_next'], source: 'client.py challenges (pages on has_next)' },
      {
        at: 'items[]',
        keys: [
          'id',
          'name',
          'description',
          'miniature',
          'status',
          'is_award_points',
          'number_of_agents',
          'tags',
          'statistics',
          'kernel_version',
          'kind_label',
          'my_rank',
          'course'
        ],
        source: 'client.py challenges docstring; README 4.1.0 "Catalog and challenge"'
      }
    ]
  },
  {
    id: 'challenge',
    wire: 'current',
    side: 'participant',
    method: 'GET',
    route: '/api/challenges/{cid}',
    sdk: 'challenge',
    shapes: [
      {
        at: '',
        keys: [
          'id',
          'name',
          'description',
          'status',
          'miniature',
          'kernel_version',
          'kind_label',
          'agent_template',
          'submission_layout',
          'submission_filename',
          'max_upload_size_bytes',
          'max_upload_files',
          'machine',
          'number_of_agents',
          'agent_cpu_limit',
          'agent_memory_limit',
          'gpu_memory_limit',
          'has_gpu'
        ],
        source:
          'client.py challenge docstring; README "Submissions" (submission_filename), 4.1.0 "Catalog and challenge", 3.0.0 (status)'
      },
      {
        at: 'machine',
        keys: ['id', 'name', 'runtime', 'vm_health_ok', 'vm_health_checked_at_ts'],
        source: 'client.py challenge docstring; README 4.1.0 renamed keys'
      },
      {
        at: 'submission_layout',
        keys: ['columns', 'separator', 'id_column', 'target_column', 'row_count'],
        nullable: true,
        source: 'client.py challenge docstring'
      }
    ]
  },
  {
    id: 'runtime_options',
    wire: 'current',
    side: 'participant',
    method: 'GET',
    route: `${S}/runtime_options/{cid}`,
    sdk: 'runtime_options',
    shapes: [
      {
        at: '[]',
        keys: [
          'id',
          'language',
          'language_version',
          'framework',
          'framework_version',
          'requirement',
          'display_name',
          'packages'
        ],
        source: 'client.py runtime_options docstring'
      },
      {
        at: '[].packages[]',
        keys: ['name', 'version'],
        source: 'client.py runtime_options docstring'
      }
    ]
  },
  {
    id: 'create_submission',
    wire: 'current',
    side: 'participant',
    method: 'POST',
    route: `${S}/challenge/{cid}`,
    sdk: 'create_submission',
    shapes: [
      {
        at: '',
        keys: [
          'message',
          'submission_id',
          'validation_message',
          'template_source',
          ...STATUS_BLOCK
        ],
        source: 'client.py create_submission docstring; README 2.0 "one status shape on the wire"'
      }
    ]
  },
  {
    id: 'upload_submission_file',
    wire: 'current',
    side: 'participant',
    method: 'PUT',
    route: `${S}/challenge/{cid}/{sid}/file`,
    sdk: 'upload_submission_file / update_submission_file_content',
    shapes: [
      {
        at: '',
        keys: ['message', 'validation_message', ...STATUS_BLOCK],
        source: 'client.py upload_submission_file docstring'
      }
    ]
  },
  {
    id: 'list_submission_files',
    wire: 'current',
    side: 'participant',
    method: 'GET',
    route: `${S}/challenge/{cid}/{sid}/file`,
    sdk: 'list_submission_files',
    shapes: [
      { at: '', keys: ['files'], source: 'client.py list_submission_files docstring' },
      {
        at: 'files.*',
        keys: ['content', 'language', 'is_binary', 'size'],
        chosen: ['sha256', 'is_truncated'],
        source: 'client.py list_submission_files docstring'
      }
    ]
  },
  {
    id: 'get_submission_file_content',
    wire: 'current',
    side: 'participant',
    method: 'GET',
    route: `${S}/challenge/{cid}/{sid}/file/{filename}/content`,
    sdk: 'get_submission_file_content',
    shapes: [
      {
        at: '',
        keys: ['content'],
        chosen: ['encoding', 'is_binary', 'size', 'is_truncated'],
        source: 'client.py get_submission_file_content (reads resp.json()["content"])'
      }
    ]
  },
  {
    id: 'deploy_submission',
    wire: 'current',
    side: 'participant',
    method: 'PUT',
    route: `${S}/challenge/{cid}/{sid}/deploy`,
    sdk: 'deploy_submission',
    shapes: [
      {
        at: '',
        keys: ['message', 'deployment_id', ...STATUS_BLOCK],
        source: 'client.py deploy_submission docstring (202)'
      }
    ]
  },
  {
    id: 'deploy_submission_refused',
    wire: 'current',
    side: 'participant',
    method: 'PUT',
    route: `${S}/challenge/{cid}/{sid}/deploy`,
    sdk: 'deploy_submission (409)',
    shapes: [
      {
        at: '',
        keys: ['error', 'deployment_limits', 'active_submission_limits'],
        source: 'client.py deploy_submission docstring; README 3.0.0 "Errors carry the reply"'
      },
      {
        at: 'deployment_limits',
        keys: DEPLOYMENT_LIMITS,
        source: 'client.py submission_deploy_status docstring'
      },
      {
        at: 'active_submission_limits',
        keys: ACTIVE_SUBMISSION_LIMITS,
        source: 'client.py submission_deploy_status docstring'
      }
    ]
  },
  {
    id: 'submission_deploy_status',
    wire: 'current',
    side: 'participant',
    method: 'GET',
    route: `${S}/challenge/{cid}/{sid}/deploy`,
    sdk: 'submission_deploy_status',
    shapes: [
      {
        at: '',
        keys: ['deployment_limits', 'active_submission_limits', 'latest_deploy'],
        source: 'client.py submission_deploy_status docstring'
      },
      {
        at: 'deployment_limits',
        keys: DEPLOYMENT_LIMITS,
        source: 'client.py submission_deploy_status docstring'
      },
      {
        at: 'active_submission_limits',
        keys: ACTIVE_SUBMISSION_LIMITS,
        source: 'client.py submission_deploy_status docstring'
      },
      {
        at: 'latest_deploy',
        keys: LATEST_DEPLOY,
        source: 'client.py submission_deploy_status docstring; README 4.1.0 "Deploys and runs"'
      }
    ]
  },
  {
    id: 'submission_status',
    wire: 'current',
    side: 'participant',
    method: 'GET',
    route: `${S}/challenge/{cid}/{sid}/status`,
    sdk: 'submission_status',
    shapes: [
      {
        at: '',
        keys: [
          'id',
          'challenge_id',
          'submission_name',
          'user_id',
          'created_at_ts',
          'is_public',
          'is_owner',
          ...STATUS_BLOCK,
          'queue_info',
          'latest_deploy',
          'run_info'
        ],
        source: SUBMISSION_SOURCE
      },
      {
        at: 'queue_info',
        keys: ['queue_position', 'queue_total', 'created_at_ts', 'in_queue_for_second'],
        source: SUBMISSION_SOURCE
      },
      { at: 'latest_deploy', keys: LATEST_DEPLOY, source: SUBMISSION_SOURCE },
      {
        at: 'run_info',
        keys: ['submission_deploy_id', 'number_of_agents', 'has_gpu', 'metrics', 'results'],
        source: `${SUBMISSION_SOURCE}; README 4.0.0 "Submission reads"`
      },
      { at: 'run_info.metrics[]', keys: METRIC_SPEC, source: 'README "Metrics"' },
      { at: 'run_info.results[]', keys: RUN_RESULT, source: SUBMISSION_SOURCE },
      {
        at: 'run_info.results[].submission_results[]',
        keys: RUN_ROW,
        source: SUBMISSION_SOURCE
      }
    ]
  },
  {
    id: 'submission_games',
    wire: 'current',
    side: 'participant',
    method: 'GET',
    route: `${S}/submission/{sid}/games`,
    sdk: 'submission_games',
    shapes: [
      {
        at: '',
        keys: ['games', 'challenge_context'],
        source: 'client.py submission_games docstring'
      },
      {
        at: 'games[]',
        keys: [...RUN_RESULT, 'replay'],
        source: 'client.py submission_games docstring; README 4.4.0 "Breaking"'
      },
      {
        at: 'games[].replay',
        keys: ['render_format', 'signed_url', 'render_size_bytes'],
        nullable: true,
        source: 'client.py submission_games and download_replay docstrings'
      },
      { at: 'games[].submission_results[]', keys: RUN_ROW, source: SUBMISSION_SOURCE },
      {
        at: 'challenge_context',
        keys: ['metrics', 'number_of_agents', 'render_delay_second'],
        source: 'client.py submission_games docstring (RunsContext)'
      },
      { at: 'challenge_context.metrics[]', keys: METRIC_SPEC, source: 'README "Metrics"' }
    ]
  },
  {
    id: 'my_submissions',
    wire: 'current',
    side: 'participant',
    method: 'GET',
    route: `${S}/mine`,
    sdk: 'my_submissions',
    shapes: [
      {
        at: '',
        keys: ['submissions', 'started_submissions_count', 'deployment_limits'],
        source: 'client.py my_submissions docstring'
      },
      {
        at: 'submissions[]',
        keys: [
          'id',
          'submission_name',
          'challenge_id',
          'challenge_name',
          'rank',
          'created_at_ts',
          'challenge_start_date_ts',
          'last_end_run_ts',
          ...STATUS_BLOCK
        ],
        source: 'client.py my_submissions docstring'
      }
    ]
  },
  {
    id: 'leaderboard',
    wire: 'current',
    side: 'participant',
    method: 'GET',
    route: '/api/leaderboard/challenge/{cid}?me=true',
    sdk: 'leaderboard',
    shapes: [
      {
        at: '',
        keys: ['challenge', 'total', 'leaders', 'me', 'matches', 'course_context'],
        source:
          'client.py leaderboard docstring **Shape**; README 3.0.0 "leaderboard() has one shape"'
      },
      {
        at: 'challenge',
        keys: ['challenge_id', 'metrics', 'window_days', 'has_gpu'],
        source: 'client.py leaderboard docstring; README 4.0.0'
      },
      { at: 'challenge.metrics[]', keys: METRIC_SPEC, source: 'README "Metrics"' },
      { at: 'leaders[]', keys: BOARD_ROW, source: 'client.py leaderboard docstring **Columns**' },
      {
        at: 'me',
        keys: ['rank', 'position', 'percentile', 'row', 'neighbors'],
        source: 'client.py leaderboard docstring (me=True); README 3.0.0 (me["neighbors"])'
      },
      { at: 'me.neighbors[]', keys: BOARD_ROW, source: 'README 3.0.0' },
      {
        at: 'course_context',
        keys: ['course_id', 'pass_threshold'],
        source: 'README 3.0.0 ("course_context is {course_id, pass_threshold}")'
      }
    ]
  },
  // ---------------------------------------------------------------- courses, current wire
  {
    id: 'course_leaderboard',
    wire: 'current',
    side: 'course',
    method: 'GET',
    route: '/api/leaderboard/challenge/{cid}?course_id={id}',
    sdk: 'leaderboard(course_id=…)',
    shapes: [
      {
        at: 'leaders[]',
        keys: BOARD_ROW,
        optional: ['passed'],
        source:
          'client.py leaderboard docstring **Columns** ("through a course with a bar, passed")'
      },
      {
        at: 'course_context',
        keys: ['course_id', 'pass_threshold'],
        source: 'README 3.0.0; README "Leaderboard" (course_id=…)'
      }
    ]
  },
  {
    id: 'enroll_in_course',
    wire: 'current',
    side: 'course',
    method: 'POST',
    route: '/api/academic_courses/enroll/{join_code}',
    sdk: 'enroll_in_course',
    shapes: [
      {
        at: '',
        keys: ['message', 'challenge_ids', 'course_slug'],
        source: 'client.py enroll_in_course docstring'
      }
    ]
  },
  {
    id: 'enrollment_info',
    wire: 'current',
    side: 'course',
    method: 'GET',
    route: '/api/academic_courses/enroll/{join_code}',
    sdk: 'enrollment_info',
    shapes: [
      {
        at: '',
        keys: ['course', 'challenge_names', 'lesson_count', 'already_enrolled', 'has_student_info'],
        chosen: ['challenge_ids'],
        source: 'client.py enrollment_info docstring'
      },
      {
        at: 'course',
        keys: ['id', 'name', 'code', 'slug'],
        chosen: ['description', 'visibility', 'instructor_name', 'start_date', 'end_date'],
        source: 'client.py enrollment_info docstring ("id, name, code, slug, ...")'
      }
    ]
  },
  {
    id: 'list_courses',
    wire: 'current',
    side: 'course',
    method: 'GET',
    route: '/api/academic_courses/',
    sdk: 'list_courses',
    shapes: [
      {
        at: '[]',
        keys: ['is_enrolled', 'join_code'],
        chosen: [...COURSE_ROW],
        source: 'client.py list_courses docstring (the course row’s own keys are not listed)'
      }
    ]
  },
  {
    id: 'teacher_courses',
    wire: 'current',
    side: 'course',
    method: 'GET',
    route: '/api/teacher/courses',
    sdk: 'teacher_courses',
    shapes: [
      {
        at: '[]',
        keys: ['role', 'has_cover'],
        chosen: [...COURSE_ROW.filter(k => k !== 'has_cover'), 'join_code', 'student_count'],
        source: 'client.py teacher_courses docstring ("a course plus role and has_cover")'
      }
    ]
  },
  {
    id: 'course_students',
    wire: 'current',
    side: 'course',
    method: 'GET',
    route: '/api/teacher/students/{course_id}',
    sdk: 'course_students',
    shapes: [
      {
        at: '',
        keys: ['challenges', 'selected_challenge_id', 'students'],
        source: 'client.py course_students docstring'
      },
      {
        at: 'students[]',
        keys: [
          'user_id',
          'student_number',
          'student_email',
          'project_url',
          'enrolled_at_ts',
          'team_id',
          'team_name'
        ],
        source: 'client.py course_students docstring; README "Course authoring" (team columns)'
      },
      {
        at: 'challenges[]',
        keys: [],
        chosen: ['id', 'name', 'pass_threshold'],
        source: 'client.py course_students docstring names `challenges`, not its keys'
      }
    ]
  },
  {
    id: 'course_progress',
    wire: 'current',
    side: 'course',
    method: 'GET',
    route: '/api/teacher/course/{course_id}/progress',
    sdk: 'course_progress',
    shapes: [
      {
        at: '',
        keys: [],
        chosen: ['course_id', 'challenges', 'students'],
        source:
          'client.py course_progress docstring (per student × content %, per-challenge result)'
      },
      {
        at: 'challenges[]',
        keys: ['metric', 'pass_threshold'],
        chosen: ['challenge_id', 'name'],
        source:
          'client.py course_progress docstring ("challenge metas … carry metric next to pass_threshold")'
      },
      {
        at: 'students[]',
        keys: ['last_active_at_ts'],
        chosen: [
          'user_id',
          'student_number',
          'student_email',
          'enrolled_at_ts',
          'content_percent',
          'cells'
        ],
        source: 'README 3.0.0 (progress rows’ last_active_at_ts)'
      },
      {
        at: 'students[].cells[]',
        keys: ['value', 'pass_threshold', 'passed', 'metric'],
        chosen: ['challenge_id'],
        source: 'client.py course_progress and my_progress docstrings (a cell); README 4.0.0'
      },
      { at: 'challenges[].metric', keys: METRIC_SPEC, source: 'README "Metrics"' }
    ]
  },
  // ---------------------------------------------------------------- creator, current wire
  {
    id: 'creator_challenges',
    wire: 'current',
    side: 'creator',
    method: 'GET',
    route: '/api/creator_challenge/challenges',
    sdk: 'creator_challenges',
    shapes: [
      {
        at: '[]',
        keys: ['id', 'name', 'status', 'is_public', 'kernel_version', 'role', 'owner_username'],
        source: 'client.py creator_challenges docstring'
      }
    ]
  },
  {
    id: 'challenge_tag_catalog',
    wire: 'current',
    side: 'creator',
    method: 'GET',
    route: '/api/challenge_tags/tags',
    sdk: 'list_tags',
    shapes: [
      {
        at: '[]',
        keys: ['id', 'name', 'description', 'challenge_count'],
        source: 'client.py list_tags docstring'
      }
    ]
  },
  {
    id: 'challenge_tags',
    wire: 'current',
    side: 'creator',
    method: 'GET',
    route: '/api/creator_challenge/challenge/{cid}/tags',
    sdk: 'challenge_tags',
    shapes: [
      {
        at: '[]',
        keys: ['id', 'name', 'description'],
        source: 'client.py challenge_tags docstring'
      }
    ]
  },
  {
    id: 'benchmark_status',
    wire: 'current',
    side: 'creator',
    method: 'GET',
    route: '/api/creator_challenge/challenge/{cid}/benchmark/status',
    sdk: 'benchmark_status',
    shapes: [
      {
        at: '',
        keys: ['run', 'checks'],
        source: 'README 4.3.0 ("benchmark_status() returns {run, checks}")'
      }
    ]
  },
  // ---------------------------------------------------------------- legacy wire (0.2.0)
  {
    id: 'legacy_create_attached_agent',
    wire: 'legacy',
    side: 'participant',
    method: 'POST',
    route: '/api/direct_attache_agents/competition/{cid}',
    sdk: 'create_attached_agent (0.2.0)',
    shapes: [
      {
        at: '',
        keys: ['attache_agent_id'],
        chosen: ['agent_name', 'competition_id', 'status'],
        source: 'client.py 0.2.0 submit (reads attach["attache_agent_id"])'
      }
    ]
  },
  {
    id: 'legacy_agent_status',
    wire: 'legacy',
    side: 'participant',
    method: 'GET',
    route: '/api/direct_attache_agents/competition/{cid}/{aid}/status',
    sdk: 'agent_status (0.2.0)',
    shapes: [
      {
        at: '',
        keys: ['status', 'last_status_message', 'queue_info', 'run_info'],
        source: 'client.py 0.2.0 agent_status docstring and tail_logs'
      },
      {
        at: 'queue_info',
        keys: ['position_in_queue', 'in_queue_for_second'],
        nullable: true,
        source: 'client.py 0.2.0 tail_logs'
      },
      { at: 'run_info', keys: ['results'], source: 'client.py 0.2.0 tail_logs' },
      {
        at: 'run_info.results[]',
        keys: [
          'status',
          'steps_completed',
          'current_reward',
          'game_outcome',
          'error_type',
          'error_message'
        ],
        source: 'client.py 0.2.0 tail_logs'
      }
    ]
  },
  {
    id: 'legacy_agent_games',
    wire: 'legacy',
    side: 'participant',
    method: 'GET',
    route: '/api/direct_attache_agents/agent/{aid}/games',
    sdk: 'agent_games (0.2.0)',
    shapes: [
      {
        at: '',
        keys: ['games'],
        chosen: ['competition_context'],
        source: 'client.py 0.2.0 agent_games docstring and tail_logs'
      },
      {
        at: 'games[]',
        keys: ['signed_url', 'reward'],
        chosen: [
          'id',
          'attache_agent_id',
          'deploy_id',
          'env_nb_steps',
          'game_outcome',
          'created_at',
          'render_delay_second'
        ],
        source:
          'client.py 0.2.0 agent_games docstring ("a signed_url to the GCS render log plus reward/outcome"); the rest is the contract'
      },
      {
        at: 'competition_context',
        keys: [],
        chosen: ['competition_id', 'metric', 'frontend_precision'],
        source: 'the contract; no SDK names it'
      }
    ]
  },
  {
    id: 'legacy_update_agent_file_content',
    wire: 'legacy',
    side: 'participant',
    method: 'PUT',
    route: '/api/direct_attache_agents/competition/{cid}/{aid}/file',
    sdk: 'update_agent_file_content (0.2.0)',
    shapes: [
      {
        at: '',
        keys: ['status', 'validation_message'],
        chosen: ['message', 'file'],
        source:
          'client.py 0.2.0 update_agent_file_content docstring ("returns {status, validation_message}")'
      },
      {
        at: 'file',
        keys: [],
        chosen: ['name', 'size', 'sha256'],
        source: 'no SDK names it'
      }
    ]
  }
]
