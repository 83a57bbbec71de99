import type { LineIndex, Range } from '@stowage/core';

/** The kind of file an invocation was read from. */
export type SourceKind = 'compose' | 'shell' | 'makefile' | 'github-actions' | 'gitlab-ci' | 'bake';

/** What an invocation is. */
export type InvocationKind =
  /** A compose service with a `build:` key (range: the service entry). */
  | 'compose-service'
  /** `docker build` & co. in a shell script (range: the command). */
  | 'shell-command'
  /** `docker build` & co. in a Makefile recipe line (range: the command). */
  | 'makefile-recipe'
  /** A `docker/build-push-action` step (range: the step). */
  | 'github-build-push-action'
  /** `docker build` & co. in a workflow `run:` step (range: the command). */
  | 'github-run'
  /** `docker build` & co. in a GitLab CI `script:` / `before_script:` line (range: the command). */
  | 'gitlab-script'
  /** A `target` block of a bake file (range: the block). */
  | 'bake-target';

/**
 * The builder binary: `docker build` / `docker image build` / `docker builder build`, `docker buildx build`
 * (also `docker buildx b`), `podman build`, `buildah bud` / `buildah build`, `nerdctl build`, or the
 * declarative sources `compose`, `bake`, `build-push-action`.
 */
export type BuildTool =
  | 'docker build'
  | 'docker buildx build'
  | 'podman build'
  | 'buildah build'
  | 'nerdctl build'
  | 'compose'
  | 'bake'
  | 'build-push-action';

/** One parsed file; shared by all invocations and problems read from it. */
export interface InvocationFile {
  /** Absolute path. */
  path: string;
  source: SourceKind;
  text: string;
  /** Offset <-> line/column conversion for `text`. */
  lines: LineIndex;
}

/**
 * One setting as written: a flag value, a YAML scalar, an HCL attribute value, a line of a multi-line
 * input. `value` is the value after variable resolution as far as it went: references that could not
 * be resolved are kept as written (`$TAG`, `${{ github.sha }}`, `$(git rev-parse HEAD)`) and listed in
 * `unresolved`; a setting is certain only when `unresolved` is empty.
 */
export interface Setting {
  /** Source text of the value (quotes included where the source has them). */
  raw: string;
  /** Resolved value (see above). */
  value: string;
  /** Where the value is written: a shell word (for `--flag=value`, the part after `=`), a YAML scalar or one line of it, an HCL expression. */
  range: Range;
  /** The key naming it: the `--flag` word, the YAML key (for list items and lines of a multi-line input: the list's key), the HCL attribute name; null when there is none (a positional context, a `docker tag` name). */
  keyRange: Range | null;
  /** References that could not be resolved, as written; empty when `value` is certain. */
  unresolved: string[];
  /** The file the setting is written in, when it is not the invocation's file (bake override files, `--set` of a bake run). */
  file?: InvocationFile;
}

/** A path setting (context, dockerfile). */
export interface PathSetting extends Setting {
  /** Resolved absolute path, or null when unknown (unresolved variables, remote context, stdin). */
  path: string | null;
  /**
   * Absolute paths the setting may denote, best first (a shell script may run from its own folder or
   * from the repository root). `loadInvocations` moves the candidate that exists on disk to `path`.
   */
  candidates: string[];
  /** The value was not written: the documented default (`.` for a context, `<context>/Dockerfile`). `range` then is the invocation's (or its name's) range. */
  defaulted: boolean;
  /** A context that is a URL (git, https tarball) or `-` (stdin), or an inline Dockerfile (`dockerfile_inline`, `dockerfile-inline`, `-f -`). */
  remote?: boolean;
}

/** A parsed `--cache-from` / `--cache-to` / `cache_from` / `cache-from` entry. */
export interface CacheSpec {
  /** `registry`, `gha`, `inline`, `local`, `s3`, `azblob`, ... A plain image ref is `registry`. */
  type: string;
  /** The `key=value` attributes as written (`ref`, `scope`, `mode`, `src`, `dest`, ...); a plain image gives `{ ref }`. */
  attrs: Record<string, string>;
  /** The image reference of a registry cache (`ref=` or the plain image), else null. */
  ref: string | null;
  /** `mode=` as written (`min` / `max`), else null (the backend default, `min`). */
  mode: string | null;
  /** `scope=` of a `gha` cache, else null (gha's default scope is shared by every build of the repository). */
  scope: string | null;
  /** Written as a plain image reference, not `type=...`. */
  plainImage: boolean;
}

export interface CacheEntry extends Setting {
  /** Parsed from `value`; for bake object form (`{ type = "gha" }`) from the object. */
  spec: CacheSpec;
}

/** `--build-arg NAME=value`, `args: { NAME: value }`, `args = { NAME = "value" }`, a `build-args` line. */
export interface BuildArg {
  name: string;
  nameRange: Range;
  /** The value, or null for `--build-arg NAME` / `- NAME` (taken from the environment). */
  value: Setting | null;
  /** The whole entry. */
  range: Range;
  /** The file the entry is written in, when not the invocation's. */
  file?: InvocationFile;
}

/** Why an invocation's image gets pushed (or may be). */
export interface PushSignal {
  via:
    /** `--push` */
    | 'flag'
    /** `--output type=registry` / `type=image,push=true` (also bake `output`, build-push-action `outputs`) */
    | 'output'
    /** build-push-action `push:` input */
    | 'input'
    /** `docker push <tag>` (podman/buildah push) later in the same script, job or recipe */
    | 'push-command'
    /** A compose run (`docker compose push`, `docker compose build --push`) or bake run (`docker buildx bake --push`, bake-action `push: true`) that builds it */
    | 'run';
  /** true: pushes; null: conditional or not resolvable (`push: ${{ github.event_name != 'pull_request' }}`). */
  value: boolean | null;
  file: InvocationFile;
  range: Range;
  /** The pushed reference for `push-command` (matched against the invocation's tags). */
  ref?: string;
}

/** Why an invocation may run on the classic (pre-BuildKit) builder. */
export interface LegacySignal {
  via: 'DOCKER_BUILDKIT=0' | 'docker-compose' | 'COMPOSE_DOCKER_CLI_BUILD=0';
  file: InvocationFile;
  /** The assignment (env prefix, `export`, YAML env entry) or the `docker-compose` command name. */
  range: Range;
}

/** Something whose value could not be followed, as written. */
export interface Unresolved {
  /** The reference as written: `$TAG`, `${{ inputs.tag }}`, `$(IMAGE)`, `${upper(TAG)}`. */
  text: string;
  range: Range;
  /** Where it matters: the setting's name (`tags`, `cache-from`, ...) or `args` for words that may hide options (`docker build $OPTS .`). */
  setting: string;
}

/** Details only some kinds have. */
export interface InvocationDetails {
  /** compose: the service name; bake: the target name; workflow: the job id; GitLab: the job name; Makefile: the rule's target. */
  group?: string;
  /** workflow steps: the step's `name:` or `id:`. */
  step?: string;
  /** bake: the groups listing the target (directly or through other groups). */
  bakeGroups?: string[];
  /** bake: the targets it inherits from, in order (as written, resolved through `inherits`). */
  inherits?: string[];
  /** bake: targets inheriting from this one (a template target that only others build on). */
  inheritedBy?: string[];
  /** Shell: the values of enclosing `for NAME in ...` loops for this copy of the command (a loop's body is read once per value). */
  loop?: Record<string, string>;
  /** compose: the `image:` setting (also counted in `tags`). */
  image?: Setting;
}

/** One place in the repository that builds an image from a Dockerfile. */
export interface BuildInvocation {
  kind: InvocationKind;
  tool: BuildTool;
  file: InvocationFile;
  /** The whole command / service entry / workflow step / bake target block. */
  range: Range;
  /** A short range to report at when something is missing: the command name, service key, `uses:` value, target label. */
  nameRange: Range;
  /** Service, bake target, step name, or the command text's first words. */
  name: string;
  details: InvocationDetails;
  context: PathSetting;
  dockerfile: PathSetting;
  /** `--target`, `target:`; null: none (builds the last stage). */
  target: Setting | null;
  cacheFrom: CacheEntry[];
  cacheTo: CacheEntry[];
  buildArgs: BuildArg[];
  /** `-t`, `tags`, compose `image:`, bake `tags`, and names given later with `docker tag <tag> <name>`. */
  tags: Setting[];
  /** Empty: nothing found pushes the image. */
  push: PushSignal[];
  /** Empty: BuildKit (or not knowable); else why the classic builder may run it. */
  legacy: LegacySignal[];
  /** `--no-cache` / `no_cache: true` / `no-cache = true` / `no-cache: true`. */
  noCache: Range | null;
  /** Every reference that could not be followed, in source order. */
  unresolved: Unresolved[];
  /** Compose/bake: the runs found that build it (shell `docker compose build`, `docker buildx bake`, bake-action). */
  runs: BuildRun[];
}

/**
 * A command or step that builds what a compose or bake file defines: `docker compose build|up|push`,
 * `docker-compose ...`, `docker buildx bake`, `docker/bake-action`. Linked to the compose-service /
 * bake-target invocations it builds by `loadInvocations` (see `linkRuns`).
 */
export interface BuildRun {
  tool: 'compose' | 'bake';
  file: InvocationFile;
  range: Range;
  nameRange: Range;
  /** `-f` files (or `files:` input), resolved against the run's working directory; empty: the defaults of that directory. */
  files: PathSetting[];
  /** The working directory the default files are looked up in (candidates, best first). */
  cwd: string[];
  /** Services / targets / groups named; empty: all services, or bake's `default` group. */
  targets: Setting[];
  /** `--push`, `push: true`, `docker compose push`. */
  push: PushSignal[];
  legacy: LegacySignal[];
  /** Bake `--set target.key=value` / bake-action `set:` overrides of cache and target settings. */
  overrides: BakeOverride[];
  /** The compose subcommand (`build`, `up`, `push`, ...) or `bake`. */
  command: string;
}

/** `--set <pattern>.<key>=<value>`. */
export interface BakeOverride {
  /** Target name or glob (`*`, `app-*`). */
  pattern: string;
  /** `cache-from`, `cache-to`, `target`, `tags`, `args.NAME`, `push`, `output`, `no-cache`, `dockerfile`, `context`, ... */
  key: string;
  value: Setting;
}

export interface Problem {
  file: InvocationFile;
  range: Range;
  message: string;
  severity: 'error' | 'warning';
}

export interface ParseResult {
  file: InvocationFile;
  invocations: BuildInvocation[];
  runs: BuildRun[];
  problems: Problem[];
}
