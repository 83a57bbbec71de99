/**
 * The flags BuildKit's Dockerfile frontend accepts (moby/buildkit frontend/dockerfile/instructions,
 * Dockerfile syntax 1.x including labs-only `RUN --security` and `--device`).
 */

/** `value`: `--name=value` once; `bool`: `--name` or `--name=true|false`; `repeatable`: a value, any number of times. */
export type FlagKind = 'value' | 'bool' | 'repeatable';

export const INSTRUCTION_FLAGS: Readonly<Record<string, Readonly<Record<string, FlagKind>>>> = {
  FROM: { platform: 'value' },
  COPY: { from: 'value', chown: 'value', chmod: 'value', link: 'bool', parents: 'bool', exclude: 'repeatable' },
  ADD: {
    chown: 'value', chmod: 'value', link: 'bool', 'keep-git-dir': 'bool', checksum: 'value', exclude: 'repeatable', unpack: 'bool',
  },
  RUN: { mount: 'repeatable', network: 'value', security: 'value', device: 'repeatable' },
  HEALTHCHECK: { interval: 'value', timeout: 'value', 'start-period': 'value', 'start-interval': 'value', retries: 'value' },
};

/**
 * Instructions whose flags BuildKit parses with no flag defined, so any `--x` fails the build.
 * (ARG and STOPSIGNAL never look at their flags.)
 */
export const FLAGLESS = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'MAINTAINER', 'SHELL', 'USER', 'VOLUME', 'WORKDIR']);

export const FLAG_VALUES: Readonly<Record<string, readonly string[]>> = {
  network: ['default', 'none', 'host'],
  security: ['sandbox', 'insecure'],
};

export const HEALTHCHECK_DURATIONS = new Set(['interval', 'timeout', 'start-period', 'start-interval']);

export const MOUNT_TYPES = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'] as const;
export type MountType = (typeof MOUNT_TYPES)[number];

const COMMON = ['type', 'ro', 'readonly', 'rw', 'readwrite', 'target', 'dst', 'destination'];
const FILE_INFO = ['mode', 'uid', 'gid'];

/** Options each mount type uses (keys are case-insensitive). */
export const MOUNT_OPTIONS: Readonly<Record<MountType, ReadonlySet<string>>> = {
  bind: new Set([...COMMON, 'source', 'src', 'from']),
  cache: new Set([...COMMON, 'source', 'src', 'from', 'id', 'sharing', ...FILE_INFO]),
  tmpfs: new Set([...COMMON, 'size']),
  secret: new Set([...COMMON, 'source', 'src', 'id', 'env', 'required', ...FILE_INFO]),
  ssh: new Set([...COMMON, 'id', 'required', ...FILE_INFO]),
};

export const ALL_MOUNT_OPTIONS: ReadonlySet<string> = new Set(Object.values(MOUNT_OPTIONS).flatMap((s) => [...s]));

/** Options that may be written without `=value`. */
export const BARE_MOUNT_OPTIONS = new Set(['ro', 'readonly', 'rw', 'readwrite', 'required']);

/** Options only cache mounts use: on a mount without `type=` they mean `type=cache` was forgotten. */
export const CACHE_ONLY_OPTIONS = new Set(['id', 'sharing']);

/** Podman/Buildah mount options, which BuildKit rejects. */
export const BUILDAH_MOUNT_OPTIONS = new Set(['z', 'u', 'relabel', 'bind-propagation', 'bind-nonrecursive', 'tmpcopyup', 'notmpcopyup']);

export const SHARING_MODES = ['shared', 'private', 'locked'];

/** Values Go's strconv.ParseBool accepts. */
export const GO_BOOLS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's time.ParseDuration, without a sign (a negative interval is rejected anyway). */
export const GO_DURATION = /^(?:0|(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;

/** go-units RAMInBytes, used for tmpfs `size`. */
export const RAM_SIZE = /^\d+(?:\.\d+)* ?[kKmMgGtTpP]?[iI]?[bB]?$/;
