/**
 * What package managers and build tools do inside a RUN: which tool a shell command is, what it
 * does, which manifest files it reads, where it keeps its download cache, and how it throws that
 * cache away. Pure and data-driven: the tables below are the knowledge, the functions only read
 * shell commands (from `model.shellOf(run)`) against them.
 *
 * Stable API (used by several rules; extend the tables, keep the shapes):
 * - `classify(cmd)` → `PackageManagerCommand | null` for one shell command;
 *   `packageManagerCommands(script)` for all commands of a RUN.
 * - `MANAGERS[manager]`: static facts per manager (kind, executables, cache dirs, no-cache flags and
 *   env vars, default manifests).
 * - `cacheDirsOf(manager, env)`: the download cache directories a cache mount should target, given
 *   the RUN's environment (`EnvLookup`); null when they cannot be known.
 * - `cacheMountServes(target, manager, env)`: whether a cache mount at `target` holds that cache.
 * - `cacheCleanupOf(cmd)`: a command that deletes a package cache (`apt-get clean`,
 *   `rm -rf /var/lib/apt/lists/*`, `npm cache clean`, ...), with the paths it deletes.
 * - `systemManagerOfImage(ref)`: the system package manager of a well-known base image.
 * - `IMAGE_ENV`: environment variables well-known base images set (GOPATH, CARGO_HOME, ...).
 *
 * Paths are POSIX and absolute; `~` is never returned (resolved with `env('HOME')`, default
 * `/root`).
 */
import type { ShellCommand, ShellScript, ShellWord } from '@stowage/core';
import { RunText } from './run-text.js';

export type Manager =
  | 'apt' | 'apk' | 'dnf' | 'yum' | 'microdnf' | 'zypper'
  | 'pip' | 'uv' | 'poetry' | 'pipenv'
  | 'npm' | 'yarn' | 'pnpm' | 'bun'
  | 'go' | 'cargo' | 'bundler' | 'gem' | 'composer' | 'maven' | 'gradle' | 'dotnet';

/**
 * - `install-manifest`: installs what a manifest/lockfile lists (`npm ci`, `pip install -r`,
 *   `bundle install`, `go mod download`, `mvn dependency:go-offline`, `dotnet restore`).
 * - `install-packages`: installs packages named on the command line (`apt-get install curl`,
 *   `pip install flask`, `npm install -g pnpm`, `go install x@v`, `cargo install x`).
 * - `update-index`: refreshes the package index only (`apt-get update`, `apk update`,
 *   `dnf makecache`, `zypper refresh`).
 * - `upgrade`: upgrades installed packages (`apt-get upgrade`, `apk upgrade`, `dnf upgrade`).
 * - `remove`: removes packages (`apt-get purge`, `apk del`, `pip uninstall`, `npm prune`).
 * - `clean-cache`: deletes the tool's cache (`apt-get clean`, `npm cache clean`, `pip cache purge`).
 * - `download`: fetches into the cache without installing (`pip download`, `pnpm fetch`,
 *   `cargo fetch`, `apt-get download`).
 * - `build`: compiles/packages the project, fetching dependencies on the way (`go build`,
 *   `cargo build`, `mvn package`, `gradle build`, `dotnet publish`, `pip wheel`).
 * - `run`: runs a project script (`npm run build`, `yarn test`, `bundle exec`, `go run`).
 * - `other`: anything else the tool does (`npm config set`, `go env`, `pip --version`).
 */
export type Action =
  | 'install-manifest' | 'install-packages' | 'update-index' | 'upgrade' | 'remove'
  | 'clean-cache' | 'download' | 'build' | 'run' | 'other';

/** A manifest the command reads: any one of `names` (alternatives; may hold `*` globs). */
export interface ManifestSpec {
  names: string[];
  role: 'manifest' | 'lockfile' | 'config';
  /** The command fails without it (false: read when present). */
  required: boolean;
  /** The word that named it on the command line (`-r requirements/prod.txt`), when it was given. */
  word?: ShellWord;
}

export interface PackageManagerCommand {
  manager: Manager;
  /** The shell command (for a wrapper such as `sudo apt-get ...`, the whole `sudo` command). */
  command: ShellCommand;
  /** The executable word (`apt-get`, `pip3`, `./gradlew`; for `python -m pip`, `python`). */
  tool: ShellWord;
  /** Words after the tool (`-m pip` and wrappers removed). */
  args: ShellWord[];
  /** The subcommand as written, words joined by a space (`install`, `mod download`, `cache clean`, `dependency:go-offline`), or null. */
  subcommand: string | null;
  subcommandWords: ShellWord[];
  action: Action;
  /** Package operands of `install-packages`/`remove` (and of installs that also name packages); may hold non-static words. */
  packages: ShellWord[];
  /** Manifests it reads, relative to `dir` (or the working directory when `dir` is null). */
  manifests: ManifestSpec[];
  /** An explicit project directory (`npm --prefix d`, `yarn --cwd d`, `pnpm -C d`, `go -C d`, `gradle -p d`, `composer -d d`, `poetry -C d`), or null. */
  dir: string | null;
  /** It reads the project's source tree, not only its manifests (`pip install .`, `go build`, `poetry install` without `--no-root`). */
  readsSource: boolean;
  /** Global/tool install outside any project (`npm i -g`, `yarn global add`, `go install x@v`, `cargo install x`, `gem install`). */
  global: boolean;
  /** An option word of this command that disables the tool's download cache (`--no-cache-dir`, `apk --no-cache`), or null. */
  noCacheFlag: ShellWord | null;
  /** It downloads packages or dependencies into the tool's cache (so a cache mount would help). */
  downloads: boolean;
}

/** Looks up an environment variable at the RUN (stage ENV/ARG, then the base image's known env). */
export type EnvLookup = (name: string) => string | undefined;

export interface CacheDir {
  path: string;
  /** What it holds, for messages: `downloaded .deb files`, `the module cache`. */
  what: string;
  /** Cache-mount `sharing=` the tool needs (apt and dpkg lock their directories; concurrent builds break). */
  sharing?: 'locked';
}

export interface ManagerInfo {
  kind: 'system' | 'language';
  /** Display name for messages. */
  label: string;
  /** Cache dirs for root with the tool's defaults (see `cacheDirsOf` for env-aware ones). */
  defaultCacheDirs: CacheDir[];
  /** Environment variables that move the cache (checked in order by `cacheDirsOf`). */
  cacheEnv: string[];
  /** Options that disable the cache for one invocation. */
  noCacheFlags: string[];
  /** Environment variables that disable the cache when set to a true value. */
  noCacheEnv: string[];
  /** Manifests a manifest install reads (in its project directory). */
  manifests: ManifestSpec[];
}

const m = (names: string[], role: ManifestSpec['role'] = 'manifest', required = true): ManifestSpec => ({ names, role, required });

const PY_PROJECT = [m(['pyproject.toml', 'setup.py', 'setup.cfg'])];
const APT_DIRS: CacheDir[] = [
  { path: '/var/cache/apt', what: 'downloaded .deb files', sharing: 'locked' },
  { path: '/var/lib/apt/lists', what: 'package lists', sharing: 'locked' },
];

export const MANAGERS: Readonly<Record<Manager, ManagerInfo>> = {
  apt: { kind: 'system', label: 'apt', defaultCacheDirs: APT_DIRS, cacheEnv: [], noCacheFlags: [], noCacheEnv: [], manifests: [] },
  apk: {
    kind: 'system', label: 'apk',
    // apk keeps the indexes in /var/cache/apk; packages only when /etc/apk/cache links there.
    defaultCacheDirs: [{ path: '/var/cache/apk', what: 'package indexes and packages' }],
    cacheEnv: [], noCacheFlags: ['--no-cache'], noCacheEnv: [], manifests: [],
  },
  dnf: {
    kind: 'system', label: 'dnf',
    defaultCacheDirs: [{ path: '/var/cache/dnf', what: 'repository metadata and packages', sharing: 'locked' }],
    cacheEnv: [], noCacheFlags: [], noCacheEnv: [], manifests: [],
  },
  microdnf: {
    kind: 'system', label: 'microdnf',
    defaultCacheDirs: [{ path: '/var/cache/yum', what: 'repository metadata and packages', sharing: 'locked' }],
    cacheEnv: [], noCacheFlags: [], noCacheEnv: [], manifests: [],
  },
  yum: {
    kind: 'system', label: 'yum',
    defaultCacheDirs: [{ path: '/var/cache/yum', what: 'repository metadata and packages', sharing: 'locked' }],
    cacheEnv: [], noCacheFlags: [], noCacheEnv: [], manifests: [],
  },
  zypper: {
    kind: 'system', label: 'zypper',
    defaultCacheDirs: [{ path: '/var/cache/zypp', what: 'repository metadata and packages', sharing: 'locked' }],
    cacheEnv: [], noCacheFlags: [], noCacheEnv: [], manifests: [],
  },
  pip: {
    kind: 'language', label: 'pip',
    defaultCacheDirs: [{ path: '/root/.cache/pip', what: 'downloaded and built wheels' }],
    cacheEnv: ['PIP_CACHE_DIR'], noCacheFlags: ['--no-cache-dir', '--no-cache'], noCacheEnv: ['PIP_NO_CACHE_DIR'],
    manifests: [m(['requirements.txt'])],
  },
  uv: {
    kind: 'language', label: 'uv',
    defaultCacheDirs: [{ path: '/root/.cache/uv', what: 'downloaded and built wheels' }],
    cacheEnv: ['UV_CACHE_DIR'], noCacheFlags: ['--no-cache', '-n', '--no-cache-dir'], noCacheEnv: ['UV_NO_CACHE'],
    manifests: [m(['pyproject.toml']), m(['uv.lock'], 'lockfile', false)],
  },
  poetry: {
    kind: 'language', label: 'Poetry',
    defaultCacheDirs: [{ path: '/root/.cache/pypoetry', what: 'downloaded packages' }],
    cacheEnv: ['POETRY_CACHE_DIR'], noCacheFlags: ['--no-cache'], noCacheEnv: ['POETRY_NO_CACHE'],
    manifests: [m(['pyproject.toml']), m(['poetry.lock'], 'lockfile', false), m(['poetry.toml'], 'config', false)],
  },
  pipenv: {
    kind: 'language', label: 'Pipenv',
    defaultCacheDirs: [{ path: '/root/.cache/pipenv', what: 'downloaded packages' }, { path: '/root/.cache/pip', what: 'downloaded wheels' }],
    cacheEnv: ['PIPENV_CACHE_DIR'], noCacheFlags: [], noCacheEnv: [],
    manifests: [m(['Pipfile']), m(['Pipfile.lock'], 'lockfile', false)],
  },
  npm: {
    kind: 'language', label: 'npm',
    defaultCacheDirs: [{ path: '/root/.npm', what: 'downloaded package tarballs' }],
    cacheEnv: ['npm_config_cache', 'NPM_CONFIG_CACHE'], noCacheFlags: [], noCacheEnv: [],
    manifests: [m(['package.json']), m(['package-lock.json', 'npm-shrinkwrap.json'], 'lockfile', false), m(['.npmrc'], 'config', false)],
  },
  yarn: {
    kind: 'language', label: 'Yarn',
    // Yarn 1 as root; Yarn 2+ (berry) keeps a per-project `.yarn/cache` or `~/.yarn/berry/cache`.
    defaultCacheDirs: [{ path: '/usr/local/share/.cache/yarn', what: 'downloaded packages' }],
    cacheEnv: ['YARN_CACHE_FOLDER'], noCacheFlags: [], noCacheEnv: [],
    manifests: [m(['package.json']), m(['yarn.lock'], 'lockfile', false), m(['.yarnrc.yml', '.yarnrc'], 'config', false)],
  },
  pnpm: {
    kind: 'language', label: 'pnpm',
    defaultCacheDirs: [{ path: '/root/.local/share/pnpm/store', what: 'the package store' }],
    cacheEnv: ['npm_config_store_dir', 'PNPM_HOME', 'XDG_DATA_HOME'], noCacheFlags: [], noCacheEnv: [],
    manifests: [m(['package.json']), m(['pnpm-lock.yaml'], 'lockfile', false), m(['pnpm-workspace.yaml'], 'config', false), m(['.npmrc'], 'config', false)],
  },
  bun: {
    kind: 'language', label: 'Bun',
    defaultCacheDirs: [{ path: '/root/.bun/install/cache', what: 'downloaded packages' }],
    cacheEnv: ['BUN_INSTALL_CACHE_DIR', 'BUN_INSTALL'], noCacheFlags: ['--no-cache'], noCacheEnv: [],
    manifests: [m(['package.json']), m(['bun.lock', 'bun.lockb'], 'lockfile', false), m(['bunfig.toml'], 'config', false)],
  },
  go: {
    kind: 'language', label: 'Go',
    defaultCacheDirs: [
      { path: '/root/go/pkg/mod', what: 'the module cache' },
      { path: '/root/.cache/go-build', what: 'the build cache' },
    ],
    cacheEnv: ['GOMODCACHE', 'GOPATH', 'GOCACHE'], noCacheFlags: [], noCacheEnv: [],
    manifests: [m(['go.mod']), m(['go.sum'], 'lockfile', false)],
  },
  cargo: {
    kind: 'language', label: 'Cargo',
    defaultCacheDirs: [
      { path: '/root/.cargo/registry', what: 'the crate registry cache' },
      { path: '/root/.cargo/git', what: 'git dependencies' },
    ],
    cacheEnv: ['CARGO_HOME'], noCacheFlags: [], noCacheEnv: [],
    manifests: [m(['Cargo.toml']), m(['Cargo.lock'], 'lockfile', false)],
  },
  bundler: {
    kind: 'language', label: 'Bundler',
    // Bundler stores the fetched .gem files in $GEM_HOME/cache (the ruby image: /usr/local/bundle).
    defaultCacheDirs: [],
    cacheEnv: ['GEM_HOME'], noCacheFlags: [], noCacheEnv: [],
    manifests: [m(['Gemfile', 'gems.rb']), m(['Gemfile.lock', 'gems.locked'], 'lockfile', false)],
  },
  gem: {
    kind: 'language', label: 'RubyGems',
    defaultCacheDirs: [],
    cacheEnv: ['GEM_HOME'], noCacheFlags: [], noCacheEnv: [],
    manifests: [],
  },
  composer: {
    kind: 'language', label: 'Composer',
    // ~/.composer/cache, or ~/.cache/composer when Composer uses XDG dirs (any XDG_* variable or
    // /etc/xdg): not knowable from the Dockerfile unless COMPOSER_HOME/COMPOSER_CACHE_DIR is set.
    defaultCacheDirs: [],
    cacheEnv: ['COMPOSER_CACHE_DIR', 'COMPOSER_HOME'], noCacheFlags: ['--no-cache'], noCacheEnv: [],
    manifests: [m(['composer.json']), m(['composer.lock'], 'lockfile', false), m(['auth.json'], 'config', false)],
  },
  maven: {
    kind: 'language', label: 'Maven',
    defaultCacheDirs: [{ path: '/root/.m2/repository', what: 'the local repository' }],
    cacheEnv: ['MAVEN_CONFIG'], noCacheFlags: [], noCacheEnv: [],
    manifests: [m(['pom.xml']), m(['.mvn'], 'config', false)],
  },
  gradle: {
    kind: 'language', label: 'Gradle',
    defaultCacheDirs: [{ path: '/root/.gradle/caches', what: 'downloaded dependencies' }],
    cacheEnv: ['GRADLE_USER_HOME'], noCacheFlags: [], noCacheEnv: [],
    manifests: [
      m(['build.gradle', 'build.gradle.kts']),
      m(['settings.gradle', 'settings.gradle.kts'], 'config', false),
      m(['gradle.properties'], 'config', false),
      m(['gradle/libs.versions.toml'], 'config', false),
      m(['gradlew', 'gradle/wrapper'], 'config', false),
    ],
  },
  dotnet: {
    kind: 'language', label: '.NET',
    defaultCacheDirs: [{ path: '/root/.nuget/packages', what: 'the NuGet package folder' }],
    cacheEnv: ['NUGET_PACKAGES'], noCacheFlags: ['--no-cache', '--no-http-cache'], noCacheEnv: [],
    manifests: [
      m(['*.csproj', '*.fsproj', '*.vbproj', '*.sln', '*.slnx']),
      m(['NuGet.Config', 'nuget.config'], 'config', false),
      m(['Directory.Build.props', 'Directory.Packages.props'], 'config', false),
      m(['packages.lock.json'], 'lockfile', false),
    ],
  },
};

/**
 * Environment variables of well-known images that move a tool's directories (from the official
 * images' Dockerfiles). Keyed by the repository's last path component.
 */
export const IMAGE_ENV: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  golang: { GOPATH: '/go' },
  rust: { CARGO_HOME: '/usr/local/cargo', RUSTUP_HOME: '/usr/local/rustup' },
  ruby: { GEM_HOME: '/usr/local/bundle', BUNDLE_APP_CONFIG: '/usr/local/bundle' },
  maven: { MAVEN_CONFIG: '/root/.m2' },
  composer: { COMPOSER_HOME: '/tmp' },
};

/** The family of an image repository's OS: which system package manager it ships. */
const IMAGE_SYSTEM: Readonly<Record<string, Manager>> = {
  debian: 'apt', ubuntu: 'apt', 'buildpack-deps': 'apt', neurodebian: 'apt',
  alpine: 'apk',
  fedora: 'dnf', almalinux: 'dnf', rockylinux: 'dnf', 'rockylinux/rockylinux': 'dnf', oraclelinux: 'dnf', centos: 'yum', amazonlinux: 'yum',
  'ubi8/ubi': 'dnf', 'ubi9/ubi': 'dnf', 'ubi8/ubi-minimal': 'microdnf', 'ubi9/ubi-minimal': 'microdnf',
  opensuse: 'zypper', 'opensuse/leap': 'zypper', 'opensuse/tumbleweed': 'zypper',
};

/** Official language images whose default variants are Debian-based (`-alpine` tags are Alpine). */
const DEBIAN_BASED = new Set([
  'python', 'node', 'golang', 'rust', 'ruby', 'php', 'perl', 'openjdk', 'maven', 'gradle', 'eclipse-temurin', 'amazoncorretto',
  'elixir', 'erlang', 'haskell', 'julia', 'r-base', 'gcc', 'swift', 'dart', 'clojure', 'groovy', 'nginx', 'httpd', 'postgres',
  'mysql', 'mariadb', 'redis', 'mongo', 'rabbitmq', 'tomcat', 'jetty', 'wordpress', 'drupal', 'ghost', 'buildpack-deps', 'pypy',
  'sapmachine', 'ibm-semeru-runtimes', 'mono', 'haxe', 'bash', 'docker', 'node-red', 'odoo', 'kong', 'nextcloud',
]);

/** Images the package-manager tables know by their tags: `-alpine` etc. override the default. */
function systemOfTag(tag: string): Manager | null {
  const t = tag.toLowerCase();
  if (/(^|[-.])alpine/.test(t)) return 'apk';
  if (/(^|[-.])(bookworm|bullseye|buster|stretch|jessie|trixie|sid|slim|focal|jammy|noble|bionic|xenial)/.test(t)) return 'apt';
  if (/(^|[-.])(ubi\d*|oraclelinux|al2023|amazonlinux)/.test(t)) return 'dnf';
  return null;
}

/**
 * The system package manager of a well-known base image (`debian`, `ubuntu:22.04`,
 * `python:3.12-slim`, `node:20-alpine`, `registry.access.redhat.com/ubi9/ubi-minimal`), or null
 * when the image is not known. `repository` is the image name without registry and tag
 * (`library/` allowed); `tag` may be empty.
 */
export function systemManagerOfImage(repository: string, tag: string): Manager | null {
  let repo = repository.toLowerCase().replace(/^library\//, '');
  // Drop a registry host (a first component with a dot or a port).
  const parts = repo.split('/');
  if (parts.length > 1 && /[.:]/.test(parts[0])) repo = parts.slice(1).join('/');
  if (repo in IMAGE_SYSTEM) return IMAGE_SYSTEM[repo];
  const last = repo.slice(repo.lastIndexOf('/') + 1);
  if (repo === last || repo.startsWith('library/')) {
    const byTag = systemOfTag(tag);
    if (last in IMAGE_SYSTEM) return IMAGE_SYSTEM[last];
    if (DEBIAN_BASED.has(last)) return byTag ?? 'apt';
    return null;
  }
  if (/^(docker\.io\/)?(debian|ubuntu)$/.test(last)) return 'apt';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Reading commands

/** Options that take the next word as their value, per manager (global and per-subcommand alike). */
const VALUE_OPTIONS: Readonly<Record<Manager, ReadonlySet<string>>> = {
  apt: set('-o -c -t -a --option --config-file --target-release --default-release --host-architecture'),
  apk: set('-X -p -t --repository --root --keys-dir --cache-dir --arch --virtual --repositories-file --cache-max-age --timeout'),
  dnf: set('-c -x -R --config --installroot --enablerepo --disablerepo --repo --repoid --releasever --exclude --setopt --forcearch --destdir --downloaddir'),
  microdnf: set('--enablerepo --disablerepo --setopt --installroot --releasever --config'),
  yum: set('-c -x -R --config --installroot --enablerepo --disablerepo --releasever --exclude --setopt --downloaddir --destdir'),
  zypper: set('-R -r -D -c --root --repo --reposd-path --cache-dir --config --from -t --type'),
  pip: set(
    '-r -c -e -i -f -t -C --requirement --constraint --editable --index-url --extra-index-url --find-links --target --prefix --root ' +
      '--trusted-host --platform --python-version --implementation --abi --src --upgrade-strategy --progress-bar --log --cache-dir ' +
      '--proxy --retries --timeout --only-binary --no-binary --global-option --config-settings --python --report --exists-action ' +
      '--cert --client-cert --use-feature --use-deprecated --index --root-user-action --dest -d -w --wheel-dir',
  ),
  uv: set(
    '-r -c -p -i -f -o -n? --requirement --constraint --overrides --python --directory --project --index-url --extra-index-url --index ' +
      '--default-index --find-links --group --only-group --no-group --extra --target --prefix --cache-dir --package --python-platform ' +
      '--output-file --with --from --link-mode --index-strategy --config-file',
  ),
  poetry: set('-C -P -E --directory --project --only --with --without --extras --group -G --source'),
  pipenv: set('--python --pypi-mirror -r --requirements --categories'),
  npm: set('-w -C --prefix --workspace --registry --cache --omit --include --tag --loglevel --userconfig --install-strategy'),
  yarn: set('--cwd --modules-folder --cache-folder --network-timeout --registry --mutex --network-concurrency'),
  pnpm: set('-C -F -w? --dir --filter --store-dir --reporter --workspace-dir --registry --virtual-store-dir --modules-dir'),
  bun: set('--cwd --cache-dir --registry --backend -c --config'),
  go: set(
    '-C -o -p -tags -ldflags -gcflags -asmflags -mod -modfile -pkgdir -buildmode -compiler -installsuffix -overlay -pgo -exec -toolexec ' +
      '-run -bench -timeout -count -coverprofile -covermode -coverpkg -cpu -parallel',
  ),
  cargo: set(
    '-p -j -F -Z --manifest-path --target --target-dir --package --features --bin --example --test --bench --profile --jobs --root ' +
      '--version --vers --git --branch --tag --rev --path --registry --index --config --color --message-format --lockfile-path --exclude',
  ),
  bundler: set('--gemfile --path --jobs -j --retry --without --with --binstubs --shebang --trust-policy --deployment? --clean?'),
  gem: set('-v -i -n -s -p --version --install-dir --bindir --source --platform --document --target-rbconfig'),
  composer: set('-d --working-dir --prefer-install --apcu-autoloader-prefix --ignore-platform-req'),
  maven: set('-f -s -gs -P -pl -T -l -t -b -rf -e? --file --settings --global-settings --projects --threads --log-file --toolchains --builder --resume-from --activate-profiles'),
  gradle: set('-p -b -c -g -x -I --project-dir --build-file --settings-file --gradle-user-home --exclude-task --console --warning-mode --max-workers --init-script --priority --include-build'),
  dotnet: set('-s -r -c -o -f -a -v --source --runtime --packages --configfile --verbosity --lock-file-path --configuration --output --framework --arch --os --property --version-suffix'),
};

function set(words: string): ReadonlySet<string> {
  // A trailing `?` marks a documented flag that takes no value: kept out of the set.
  return new Set(words.split(/\s+/).filter((w) => w && !w.endsWith('?')));
}

const PIP_NAME = /^pip(\d+(\.\d+)*)?$/;
const PYTHON_NAME = /^python(\d+(\.\d+)*)?$/;

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

/** The static value of a word, or its raw text when it is not static. */
function text(w: ShellWord): string {
  return w.value ?? w.raw;
}

/** Wrappers that run the command that follows (options skipped). */
const WRAPPERS: Readonly<Record<string, ReadonlySet<string>>> = {
  sudo: set('-u -g -h -p -C -D -r -t -U --user --group --host --prompt --chdir --role --type --other-user'),
  env: set('-u -C -S --unset --chdir --split-string'),
  nice: set('-n --adjustment'),
  ionice: set('-c -n -p -t'),
  time: set('-f -o --format --output'),
  timeout: set('-s -k --signal --kill-after'),
  stdbuf: set('-i -o -e'),
  xargs: set('-a -d -E -e -I -i -L -l -n -P -s --arg-file --delimiter --eof --replace --max-lines --max-args --max-procs --max-chars --process-slot-var'),
  nohup: set(''),
  command: set(''),
  exec: set('-a'),
  eatmydata: set(''),
  'retry': set('-t -d --times --delay --tries'),
  gosu: set(''),
  'su-exec': set(''),
  chroot: set('--userspec --groups'),
};

/** Wrappers whose first operand is not the command (`timeout 60 cmd`, `gosu user cmd`, `chroot dir cmd`). */
const WRAPPER_OPERANDS: Readonly<Record<string, number>> = { timeout: 1, gosu: 1, 'su-exec': 1, chroot: 1 };

/** The command a wrapper runs: its name word and arguments (the command itself when not wrapped). */
export function unwrap(cmd: ShellCommand): { name: ShellWord; args: ShellWord[] } | null {
  let name = cmd.name;
  let args = cmd.args;
  for (let depth = 0; depth < 4; depth++) {
    const n = name.value === null ? null : basename(name.value);
    if (n === null || !(n in WRAPPERS)) break;
    const valued = WRAPPERS[n];
    let operands = WRAPPER_OPERANDS[n] ?? 0;
    let i = 0;
    for (; i < args.length; i++) {
      const v = text(args[i]);
      if (v === '--') {
        i++;
        break;
      }
      if (n === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) continue;
      if (v.startsWith('-') && v.length > 1) {
        if (valued.has(v)) i++;
        continue;
      }
      if (operands > 0) {
        operands--;
        continue;
      }
      break;
    }
    // A wrapper without a command (`env`, `command -v x` handled as the command `x`).
    if (i >= args.length) return null;
    name = args[i];
    args = args.slice(i + 1);
  }
  return { name, args };
}

interface Parsed {
  /** Non-option words in order (option values removed). */
  operands: ShellWord[];
  /** Option words (with `=value` kept in the word). */
  opts: ShellWord[];
}

/** Splits words into options and operands, skipping the values of options in `valued`. Stops option parsing after `--`. */
function split(args: ShellWord[], valued: ReadonlySet<string>): Parsed {
  const operands: ShellWord[] = [];
  const opts: ShellWord[] = [];
  let endOfOptions = false;
  for (let i = 0; i < args.length; i++) {
    const w = args[i];
    const v = text(w);
    if (!endOfOptions && v === '--') {
      endOfOptions = true;
      continue;
    }
    if (!endOfOptions && v.length > 1 && v.startsWith('-')) {
      opts.push(w);
      if (!v.includes('=') && valued.has(v) && i + 1 < args.length) {
        opts.push(args[++i]);
      }
      continue;
    }
    operands.push(w);
  }
  return { operands, opts };
}

function hasOpt(p: Parsed, ...names: string[]): boolean {
  return p.opts.some((w) => {
    const v = text(w);
    const eq = v.indexOf('=');
    return names.includes(eq > 0 ? v.slice(0, eq) : v);
  });
}

/** The value of option `names` at `args[i]` (`-r x`, `--requirement=x`, `-rx`) and how many words it used. */
function optAt(args: ShellWord[], i: number, names: string[]): [ShellWord, number] | null {
  const w = args[i];
  const v = text(w);
  for (const n of names) {
    if (v === n) return i + 1 < args.length ? [args[i + 1], 2] : null;
    if (v.startsWith(n + '=') && n.startsWith('--')) {
      const off = w.raw.indexOf('=');
      return [{ raw: w.raw.slice(off + 1), value: w.value === null ? null : w.value.slice(n.length + 1), range: { start: w.range.start + off + 1, end: w.range.end } }, 1];
    }
    // Short option with the value attached (`-rrequirements.txt`, `-C/app`).
    if (n.length === 2 && n[1] !== '-' && v.startsWith(n) && v.length > 2 && w.raw.startsWith(n)) {
      return [{ raw: w.raw.slice(2), value: w.value === null ? null : w.value.slice(2), range: { start: w.range.start + 2, end: w.range.end } }, 1];
    }
  }
  return null;
}

function optValues(args: ShellWord[], ...names: string[]): ShellWord[] {
  const out: ShellWord[] = [];
  for (let i = 0; i < args.length; i++) {
    if (text(args[i]) === '--') break;
    const found = optAt(args, i, names);
    if (found) {
      out.push(found[0]);
      i += found[1] - 1;
    }
  }
  return out;
}

function optValue(args: ShellWord[], ...names: string[]): ShellWord | null {
  return optValues(args, ...names)[0] ?? null;
}

function firstFlag(args: ShellWord[], flags: readonly string[]): ShellWord | null {
  for (const w of args) {
    const v = text(w);
    if (v === '--') return null;
    const eq = v.indexOf('=');
    if (flags.includes(eq > 0 ? v.slice(0, eq) : v)) return w;
  }
  return null;
}

/** Detects the manager from the executable (and `python -m pip`, `php composer.phar`). */
function detect(name: ShellWord, args: ShellWord[]): { manager: Manager; tool: ShellWord; args: ShellWord[] } | null {
  if (name.value === null) return null;
  const n = basename(name.value);
  const direct = EXECUTABLES[n];
  if (direct) return { manager: direct, tool: name, args };
  if (PIP_NAME.test(n)) return { manager: 'pip', tool: name, args };
  if (PYTHON_NAME.test(n)) {
    // python [-X opts] -m pip ...
    for (let i = 0; i < args.length; i++) {
      const v = args[i].value;
      if (v === '-m' && i + 1 < args.length) {
        const mod = args[i + 1].value;
        if (mod === 'pip' || mod === 'pip3') return { manager: 'pip', tool: name, args: args.slice(i + 2) };
        if (mod === 'pipenv') return { manager: 'pipenv', tool: name, args: args.slice(i + 2) };
        if (mod === 'poetry') return { manager: 'poetry', tool: name, args: args.slice(i + 2) };
        if (mod === 'uv') return { manager: 'uv', tool: name, args: args.slice(i + 2) };
        return null;
      }
      if (v === null || !v.startsWith('-')) return null;
    }
    return null;
  }
  if (n === 'php' && args.length > 0 && args[0].value !== null && /(^|\/)composer(\.phar)?$/.test(args[0].value)) {
    return { manager: 'composer', tool: name, args: args.slice(1) };
  }
  return null;
}

const EXECUTABLES: Readonly<Record<string, Manager>> = {
  'apt-get': 'apt', apt: 'apt', aptitude: 'apt',
  apk: 'apk',
  dnf: 'dnf', dnf5: 'dnf', 'dnf-3': 'dnf', microdnf: 'microdnf', yum: 'yum',
  zypper: 'zypper',
  uv: 'uv', poetry: 'poetry', pipenv: 'pipenv',
  npm: 'npm', yarn: 'yarn', yarnpkg: 'yarn', pnpm: 'pnpm', bun: 'bun',
  go: 'go', cargo: 'cargo',
  bundle: 'bundler', bundler: 'bundler', gem: 'gem',
  composer: 'composer', 'composer.phar': 'composer',
  mvn: 'maven', mvnw: 'maven', mvnd: 'maven',
  gradle: 'gradle', gradlew: 'gradle',
  dotnet: 'dotnet',
};

/** A whole-word match of any of these executable names (`pip` also matches `pip3.11`). */
function managerWordRegExp(names: string[]): RegExp {
  return new RegExp(`(?<![A-Za-z0-9_.-])(?:${names.map((n) => (n === 'pip' ? 'pip[0-9.]*' : n.replace(/[.+]/g, '\\$&'))).join('|')})(?![A-Za-z0-9_.-])`);
}

/**
 * Any name `detect` reads as a package manager, as a whole word: `python -m pip` and
 * `php composer` hold one too. `pip3.11` is a pip.
 */
const MANAGER_WORD = managerWordRegExp([...Object.keys(EXECUTABLES), 'pip']);

/** The names that can make `detect` find `m`: its executables, and the module or script names `python -m` and `php` take. */
function namesOf(m: Manager): string[] {
  const names = Object.keys(EXECUTABLES).filter((n) => EXECUTABLES[n] === m);
  if (m === 'pip') names.push('pip');
  return names;
}

/**
 * Whether an instruction's text may hold a command `classify` reads as a package manager; false
 * proves it holds none, so its shell need not be parsed to know. The text is read as `RunText`
 * reads it: with quotes and backslashes dropped, as the shell drops them from a command name
 * (`ap\t-get` is `apt-get`); `$'...'` and continuations that join a word's parts are left to the parse.
 */
export function mayRunPackageManager(text: string | RunText): boolean {
  const t = typeof text === 'string' ? new RunText(text) : text;
  return t.makesWords || MANAGER_WORD.test(t.plain);
}

const managerWords = new Map<string, RegExp>();

/** `mayRunPackageManager` for these managers only: false proves `classify` finds none of them in the text. */
export function mayRunManager(text: string | RunText, managers: readonly Manager[]): boolean {
  const t = typeof text === 'string' ? new RunText(text) : text;
  if (t.makesWords) return true;
  const key = managers.join(',');
  let re = managerWords.get(key);
  if (re === undefined) managerWords.set(key, (re = managerWordRegExp(managers.flatMap(namesOf))));
  return re.test(t.plain);
}

// Several rules classify the same commands: once per command object (results are never mutated).
const classified = new WeakMap<ShellCommand, PackageManagerCommand | null>();
const byScript = new WeakMap<ShellScript, readonly PackageManagerCommand[]>();

/** One shell command read as a package-manager invocation, or null when it is none. Do not mutate the result. */
export function classify(cmd: ShellCommand): PackageManagerCommand | null {
  let pm = classified.get(cmd);
  if (pm === undefined) classified.set(cmd, (pm = classifyNew(cmd)));
  return pm;
}

function classifyNew(cmd: ShellCommand): PackageManagerCommand | null {
  const inner = unwrap(cmd);
  if (!inner) return null;
  const found = detect(inner.name, inner.args);
  if (!found) return null;
  const { manager, tool, args } = found;
  const parsed = split(args, VALUE_OPTIONS[manager]);
  const base: PackageManagerCommand = {
    manager, command: cmd, tool, args, subcommand: null, subcommandWords: [], action: 'other', packages: [], manifests: [],
    dir: null, readsSource: false, global: false, noCacheFlag: firstFlag(args, MANAGERS[manager].noCacheFlags), downloads: false,
  };
  READERS[manager](base, parsed);
  return base;
}

/** Every package-manager command of a RUN's shell, in source order (shared: do not mutate). */
export function packageManagerCommands(script: ShellScript | null): readonly PackageManagerCommand[] {
  if (!script) return [];
  let out = byScript.get(script);
  if (out) return out;
  const found: PackageManagerCommand[] = [];
  for (const c of script.commands) {
    const pm = classify(c);
    if (pm) found.push(pm);
  }
  byScript.set(script, (out = found));
  return out;
}

type Reader = (pm: PackageManagerCommand, p: Parsed) => void;

function sub(pm: PackageManagerCommand, words: ShellWord[], action: Action): void {
  pm.subcommandWords = words;
  pm.subcommand = words.map(text).join(' ');
  pm.action = action;
}

const SYSTEM_ACTIONS: Readonly<Record<string, Action>> = {
  install: 'install-packages', reinstall: 'install-packages', 'build-dep': 'install-packages', localinstall: 'install-packages',
  add: 'install-packages', in: 'install-packages', 'groupinstall': 'install-packages', 'group install': 'install-packages',
  update: 'update-index', makecache: 'update-index', refresh: 'update-index', ref: 'update-index', 'check-update': 'update-index',
  upgrade: 'upgrade', 'dist-upgrade': 'upgrade', 'full-upgrade': 'upgrade', 'distro-sync': 'upgrade', dup: 'upgrade', up: 'upgrade',
  'safe-upgrade': 'upgrade', patch: 'upgrade',
  remove: 'remove', purge: 'remove', autoremove: 'remove', erase: 'remove', del: 'remove', rm: 'remove',
  clean: 'clean-cache', autoclean: 'clean-cache', cc: 'clean-cache',
  download: 'download', source: 'download', 'fetch': 'download',
};

function systemReader(indexOnly: Set<string>): Reader {
  return (pm, p) => {
    const [first, ...rest] = p.operands;
    if (!first || first.value === null) return;
    let word = first.value;
    let action = SYSTEM_ACTIONS[word];
    let words = [first];
    // `dnf group install`, `apk cache clean`, `dnf clean all`
    if (word === 'group' && rest[0]?.value && SYSTEM_ACTIONS[`group ${rest[0].value}`]) {
      word = `group ${rest[0].value}`;
      words = [first, rest[0]];
      action = SYSTEM_ACTIONS[word];
      rest.shift();
    } else if (pm.manager === 'apk' && word === 'cache' && rest[0]?.value) {
      const s = rest[0].value;
      words = [first, rest[0]];
      action = s === 'clean' || s === 'purge' ? 'clean-cache' : s === 'download' || s === 'sync' ? 'download' : 'other';
      rest.shift();
    } else if (word === 'clean' && rest[0]?.value) {
      words = [first, rest[0]];
      rest.shift();
    }
    // apt-get update is the only `update` that refreshes the index; yum/dnf/zypper `update` upgrades.
    if (word === 'update' && !indexOnly.has('update')) action = 'upgrade';
    if (word === 'up' && pm.manager !== 'zypper') action = 'other';
    if (action === undefined) action = 'other';
    sub(pm, words, action);
    if (action === 'install-packages' || action === 'remove' || action === 'upgrade' || action === 'download') pm.packages = rest;
    // `apt-get install ./pkg.deb` still downloads its dependencies.
    pm.downloads = action === 'install-packages' || action === 'upgrade' || action === 'download' || action === 'update-index';
    // `apk add --update`/`-U` refreshes the index first.
    if (pm.manager === 'apk' && action === 'install-packages' && hasOpt(p, '-U', '--update', '--update-cache')) pm.downloads = true;
  };
}

const pyInstallSource = (w: ShellWord): boolean => {
  const v = text(w);
  return v === '.' || v === './' || v.startsWith('./') || v.startsWith('/') || v.startsWith('..') || /^\.\[.*\]$/.test(v) || /^\.\/?\[/.test(v);
};

const READERS: Readonly<Record<Manager, Reader>> = {
  apt: systemReader(new Set(['update'])),
  apk: systemReader(new Set(['update'])),
  dnf: systemReader(new Set()),
  microdnf: systemReader(new Set()),
  yum: systemReader(new Set()),
  zypper: systemReader(new Set()),

  pip(pm, p) {
    const [first, ...rest] = p.operands;
    if (!first || first.value === null) return;
    const s = first.value;
    if (s === 'install') {
      const reqs = optValues(pm.args, '-r', '--requirement');
      const cons = optValues(pm.args, '-c', '--constraint');
      const editable = optValues(pm.args, '-e', '--editable');
      const local = [...rest, ...editable].filter(pyInstallSource);
      const named = [...rest.filter((w) => !pyInstallSource(w)), ...editable.filter((w) => !pyInstallSource(w))];
      pm.manifests = [...reqs, ...cons].map((w) => ({ names: [text(w)], role: 'manifest' as const, required: true, word: w }));
      if (local.length > 0) pm.manifests.push(...PY_PROJECT);
      pm.readsSource = local.length > 0;
      pm.packages = named;
      sub(pm, [first], reqs.length > 0 || local.length > 0 ? 'install-manifest' : 'install-packages');
      pm.downloads = true;
    } else if (s === 'download') {
      const reqs = optValues(pm.args, '-r', '--requirement');
      pm.manifests = reqs.map((w) => ({ names: [text(w)], role: 'manifest' as const, required: true, word: w }));
      pm.packages = rest;
      sub(pm, [first], 'download');
      pm.downloads = true;
    } else if (s === 'wheel') {
      const reqs = optValues(pm.args, '-r', '--requirement');
      pm.manifests = reqs.map((w) => ({ names: [text(w)], role: 'manifest' as const, required: true, word: w }));
      pm.readsSource = rest.some(pyInstallSource);
      pm.packages = rest.filter((w) => !pyInstallSource(w));
      sub(pm, [first], 'build');
      pm.downloads = true;
    } else if (s === 'uninstall') {
      pm.packages = rest;
      sub(pm, [first], 'remove');
    } else if (s === 'cache' && rest[0]?.value && ['purge', 'remove'].includes(rest[0].value)) {
      sub(pm, [first, rest[0]], 'clean-cache');
    } else {
      sub(pm, [first], 'other');
    }
  },

  uv(pm, p) {
    const [first, second, ...rest] = p.operands;
    if (!first || first.value === null) return;
    const s = first.value;
    if (s === 'pip' && second?.value) {
      // uv pip install / sync: pip's semantics.
      const t = second.value;
      const tail = p.operands.slice(2);
      if (t === 'install' || t === 'sync') {
        const reqs = [...optValues(pm.args, '-r', '--requirement'), ...(t === 'sync' ? tail : [])];
        const local = t === 'install' ? tail.filter(pyInstallSource) : [];
        pm.manifests = reqs.map((w) => ({ names: [text(w)], role: 'manifest' as const, required: true, word: w }));
        if (local.length > 0) pm.manifests.push(...PY_PROJECT);
        pm.readsSource = local.length > 0;
        pm.packages = t === 'install' ? tail.filter((w) => !pyInstallSource(w)) : [];
        sub(pm, [first, second], reqs.length > 0 || local.length > 0 ? 'install-manifest' : 'install-packages');
        pm.downloads = true;
      } else if (t === 'uninstall') {
        sub(pm, [first, second], 'remove');
        pm.packages = tail;
      } else sub(pm, [first, second], 'other');
    } else if (s === 'sync' || s === 'lock') {
      pm.manifests = MANAGERS.uv.manifests;
      pm.readsSource = s === 'sync' && !hasOpt(p, '--no-install-project', '--only-deps', '--no-install-workspace');
      pm.dir = optValue(pm.args, '--directory', '--project')?.value ?? null;
      sub(pm, [first], s === 'sync' ? 'install-manifest' : 'other');
      pm.downloads = s === 'sync';
    } else if (s === 'add') {
      pm.packages = [second, ...rest].filter(Boolean) as ShellWord[];
      pm.manifests = MANAGERS.uv.manifests;
      sub(pm, [first], 'install-packages');
      pm.downloads = true;
    } else if (s === 'tool' && second?.value === 'install') {
      pm.packages = rest;
      pm.global = true;
      sub(pm, [first, second], 'install-packages');
      pm.downloads = true;
    } else if (s === 'python' && second?.value === 'install') {
      pm.packages = rest;
      pm.global = true;
      sub(pm, [first, second], 'install-packages');
      pm.downloads = true;
    } else if (s === 'cache' && second?.value && ['clean', 'prune'].includes(second.value)) {
      sub(pm, [first, second], 'clean-cache');
    } else if (s === 'run') {
      sub(pm, [first], 'run');
    } else if (s === 'build') {
      pm.readsSource = true;
      sub(pm, [first], 'build');
    } else sub(pm, [first], 'other');
  },

  poetry(pm, p) {
    const [first, ...rest] = p.operands;
    if (!first || first.value === null) return;
    const s = first.value;
    pm.dir = optValue(pm.args, '-C', '--directory', '-P', '--project')?.value ?? null;
    if (s === 'install' || s === 'sync') {
      pm.manifests = MANAGERS.poetry.manifests;
      pm.readsSource = !hasOpt(p, '--no-root', '--only-root') && !hasOpt(p, '--no-directory') ? true : hasOpt(p, '--only-root');
      sub(pm, [first], 'install-manifest');
      pm.downloads = !hasOpt(p, '--only-root');
    } else if (s === 'add') {
      pm.packages = rest;
      pm.manifests = MANAGERS.poetry.manifests;
      sub(pm, [first], 'install-packages');
      pm.downloads = true;
    } else if (s === 'cache' && rest[0]?.value === 'clear') {
      sub(pm, [first, rest[0]], 'clean-cache');
    } else if (s === 'build') {
      pm.readsSource = true;
      sub(pm, [first], 'build');
    } else if (s === 'run') sub(pm, [first], 'run');
    else if (s === 'export' || s === 'lock') {
      pm.manifests = MANAGERS.poetry.manifests;
      sub(pm, [first], 'other');
    } else sub(pm, [first], 'other');
  },

  pipenv(pm, p) {
    const [first, ...rest] = p.operands;
    if (!first || first.value === null) return;
    const s = first.value;
    if (s === 'install' || s === 'sync') {
      if (s === 'install' && rest.length > 0) {
        pm.packages = rest;
        sub(pm, [first], 'install-packages');
      } else sub(pm, [first], 'install-manifest');
      pm.manifests = MANAGERS.pipenv.manifests;
      pm.downloads = true;
    } else if (s === 'uninstall') {
      pm.packages = rest;
      sub(pm, [first], 'remove');
    } else if (s === 'run') sub(pm, [first], 'run');
    else if (s === 'lock' || s === 'requirements') {
      pm.manifests = MANAGERS.pipenv.manifests;
      sub(pm, [first], 'other');
    } else sub(pm, [first], 'other');
  },

  npm(pm, p) {
    const [first, ...rest] = p.operands;
    pm.dir = optValue(pm.args, '--prefix', '-C')?.value ?? null;
    pm.global = hasOpt(p, '-g', '--global', '--location=global');
    if (!first || first.value === null) return;
    const s = first.value;
    if (['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add'].includes(s)) {
      const local = rest.filter((w) => /^(\.{1,2}(\/|$)|\/|file:)/.test(text(w)) || /\.tgz$/.test(text(w)));
      if (rest.length === 0 && !pm.global) {
        pm.manifests = MANAGERS.npm.manifests;
        sub(pm, [first], 'install-manifest');
      } else {
        pm.packages = rest;
        pm.readsSource = local.length > 0;
        sub(pm, [first], 'install-packages');
      }
      pm.downloads = true;
    } else if (['ci', 'clean-install', 'ic', 'install-clean', 'isntall-clean'].includes(s)) {
      pm.manifests = [m(['package.json']), m(['package-lock.json', 'npm-shrinkwrap.json'], 'lockfile'), m(['.npmrc'], 'config', false)];
      sub(pm, [first], 'install-manifest');
      pm.downloads = true;
    } else if (['update', 'up', 'upgrade', 'udpate'].includes(s)) {
      pm.manifests = MANAGERS.npm.manifests;
      pm.packages = rest;
      sub(pm, [first], 'upgrade');
      pm.downloads = true;
    } else if (['uninstall', 'un', 'unlink', 'remove', 'rm', 'r', 'prune'].includes(s)) {
      pm.packages = rest;
      sub(pm, [first], 'remove');
    } else if (s === 'cache' && rest[0]?.value && ['clean', 'rm', 'clear'].includes(rest[0].value)) {
      sub(pm, [first, rest[0]], 'clean-cache');
    } else if (['run', 'run-script', 'rum', 'urn', 'test', 't', 'tst', 'start', 'stop', 'restart', 'exec', 'x', 'pack', 'publish', 'rebuild', 'rb'].includes(s)) {
      pm.readsSource = true;
      sub(pm, [first], s === 'pack' || s === 'rebuild' || s === 'rb' ? 'build' : 'run');
    } else sub(pm, [first], 'other');
  },

  yarn(pm, p) {
    const [first, second, ...rest] = p.operands;
    pm.dir = optValue(pm.args, '--cwd')?.value ?? null;
    if (!first) {
      // Bare `yarn` installs.
      if (p.opts.some((w) => ['--version', '-v', '--help', '-h'].includes(text(w)))) return;
      pm.manifests = MANAGERS.yarn.manifests;
      pm.action = 'install-manifest';
      pm.downloads = true;
      return;
    }
    if (first.value === null) return;
    const s = first.value;
    if (s === 'install') {
      pm.manifests = MANAGERS.yarn.manifests;
      sub(pm, [first], 'install-manifest');
      pm.downloads = true;
    } else if (s === 'add') {
      pm.packages = [second, ...rest].filter(Boolean) as ShellWord[];
      sub(pm, [first], 'install-packages');
      pm.downloads = true;
    } else if (s === 'global' && second?.value === 'add') {
      pm.packages = rest;
      pm.global = true;
      sub(pm, [first, second], 'install-packages');
      pm.downloads = true;
    } else if (s === 'cache' && second?.value === 'clean') {
      sub(pm, [first, second], 'clean-cache');
    } else if (s === 'remove' || (s === 'global' && second?.value === 'remove')) {
      sub(pm, s === 'global' ? [first, second!] : [first], 'remove');
    } else if (s === 'upgrade' || s === 'up') {
      sub(pm, [first], 'upgrade');
      pm.downloads = true;
    } else if (s === 'workspaces' && second?.value === 'focus') {
      pm.manifests = MANAGERS.yarn.manifests;
      sub(pm, [first, second], 'install-manifest');
      pm.downloads = true;
    } else if (['config', 'set', 'policies', 'cache', 'global', 'bin', 'info', 'why', 'list', 'licenses', 'version', 'versions', 'dlx', 'plugin', 'constraints', 'workspaces', 'npm', 'audit', 'dedupe'].includes(s)) {
      sub(pm, [first], 'other');
    } else if (s === 'pack' || s === 'build') {
      pm.readsSource = true;
      sub(pm, [first], s === 'pack' ? 'build' : 'run');
    } else {
      // `yarn build`, `yarn run x`, `yarn test`: package scripts.
      pm.readsSource = true;
      sub(pm, [first], 'run');
    }
  },

  pnpm(pm, p) {
    const [first, ...rest] = p.operands;
    pm.dir = optValue(pm.args, '-C', '--dir')?.value ?? null;
    pm.global = hasOpt(p, '-g', '--global');
    if (!first || first.value === null) return;
    const s = first.value;
    if (s === 'install' || s === 'i') {
      pm.manifests = MANAGERS.pnpm.manifests;
      if (pm.global) pm.packages = rest;
      sub(pm, [first], pm.global || rest.length > 0 ? 'install-packages' : 'install-manifest');
      pm.downloads = true;
    } else if (s === 'add') {
      pm.packages = rest;
      sub(pm, [first], 'install-packages');
      pm.downloads = true;
    } else if (s === 'fetch') {
      // Reads only the lockfile (and the workspace file), by design.
      pm.manifests = [m(['pnpm-lock.yaml'], 'lockfile'), m(['pnpm-workspace.yaml'], 'config', false), m(['.npmrc'], 'config', false)];
      sub(pm, [first], 'download');
      pm.downloads = true;
    } else if (s === 'store' && rest[0]?.value === 'prune') {
      sub(pm, [first, rest[0]], 'clean-cache');
    } else if (s === 'remove' || s === 'rm' || s === 'uninstall' || s === 'un' || s === 'prune') {
      sub(pm, [first], 'remove');
    } else if (s === 'update' || s === 'up' || s === 'upgrade') {
      sub(pm, [first], 'upgrade');
      pm.downloads = true;
    } else if (['run', 'test', 't', 'exec', 'start', 'build', 'dlx', 'deploy', 'pack', 'publish'].includes(s)) {
      pm.readsSource = true;
      sub(pm, [first], s === 'deploy' || s === 'pack' ? 'build' : 'run');
    } else if (['config', 'store', 'env', 'setup', 'self-update', 'list', 'ls', 'why', 'audit', 'licenses', 'outdated', 'root', 'bin'].includes(s)) {
      sub(pm, [first], 'other');
    } else {
      pm.readsSource = true;
      sub(pm, [first], 'run');
    }
  },

  bun(pm, p) {
    const [first, ...rest] = p.operands;
    pm.global = hasOpt(p, '-g', '--global');
    if (!first || first.value === null) return;
    const s = first.value;
    if (s === 'install' || s === 'i') {
      pm.manifests = MANAGERS.bun.manifests;
      pm.packages = rest;
      sub(pm, [first], rest.length > 0 || pm.global ? 'install-packages' : 'install-manifest');
      pm.downloads = true;
    } else if (s === 'add' || s === 'a') {
      pm.packages = rest;
      sub(pm, [first], 'install-packages');
      pm.downloads = true;
    } else if (s === 'pm' && rest[0]?.value === 'cache' && rest[1]?.value === 'rm') {
      sub(pm, [first, rest[0], rest[1]], 'clean-cache');
    } else if (s === 'remove' || s === 'rm') {
      sub(pm, [first], 'remove');
    } else if (s === 'build') {
      pm.readsSource = true;
      sub(pm, [first], 'build');
    } else if (['run', 'test', 'x', 'create'].includes(s) || s.includes('.') || s.includes('/')) {
      pm.readsSource = true;
      sub(pm, [first], 'run');
    } else sub(pm, [first], 'other');
  },

  go(pm, p) {
    const [first, second, ...rest] = p.operands;
    pm.dir = optValue(pm.args, '-C')?.value ?? null;
    if (!first || first.value === null) return;
    const s = first.value;
    if (s === 'mod' && second?.value) {
      const t = second.value;
      pm.manifests = MANAGERS.go.manifests;
      if (t === 'download') {
        sub(pm, [first, second], 'install-manifest');
        pm.downloads = true;
      } else if (t === 'tidy' || t === 'vendor' || t === 'verify' || t === 'graph' || t === 'why') {
        // tidy reads the source's imports; vendor copies into the tree.
        pm.readsSource = t === 'tidy' || t === 'vendor' || t === 'why';
        sub(pm, [first, second], 'download');
        pm.downloads = true;
      } else sub(pm, [first, second], 'other');
    } else if (s === 'build' || s === 'install' || s === 'test' || s === 'vet' || s === 'generate' || s === 'run') {
      const operands = [second, ...rest].filter(Boolean) as ShellWord[];
      // `go install pkg@version` installs a named module outside any project.
      const versioned = operands.filter((w) => /@/.test(text(w)));
      if (s === 'install' && versioned.length > 0 && versioned.length === operands.length) {
        pm.packages = operands;
        pm.global = true;
        sub(pm, [first], 'install-packages');
      } else {
        pm.manifests = MANAGERS.go.manifests;
        pm.readsSource = true;
        sub(pm, [first], s === 'run' ? 'run' : 'build');
      }
      pm.downloads = s !== 'vet' && s !== 'generate';
    } else if (s === 'get') {
      pm.packages = [second, ...rest].filter(Boolean) as ShellWord[];
      pm.manifests = MANAGERS.go.manifests.map((x) => ({ ...x, required: false }));
      sub(pm, [first], 'install-packages');
      pm.downloads = true;
    } else if (s === 'clean' && hasOpt(p, '-modcache', '-cache')) {
      sub(pm, [first], 'clean-cache');
    } else sub(pm, [first], 'other');
  },

  cargo(pm, p) {
    const [first, ...rest] = p.operands;
    const manifestPath = optValue(pm.args, '--manifest-path');
    if (manifestPath?.value) pm.dir = manifestPath.value.replace(/\/?Cargo\.toml$/, '') || '.';
    if (!first || first.value === null) return;
    const s = first.value;
    if (s === 'install') {
      const path = optValue(pm.args, '--path');
      if (path) {
        pm.manifests = MANAGERS.cargo.manifests;
        pm.readsSource = true;
        pm.dir = path.value;
        sub(pm, [first], 'build');
      } else {
        pm.packages = rest;
        pm.global = true;
        sub(pm, [first], 'install-packages');
      }
      pm.downloads = true;
    } else if (s === 'fetch' || s === 'vendor') {
      // Cargo still needs the targets the manifest declares (a stub src/main.rs will do).
      pm.manifests = MANAGERS.cargo.manifests;
      sub(pm, [first], s === 'fetch' ? 'install-manifest' : 'download');
      pm.downloads = true;
    } else if (['build', 'b', 'test', 't', 'check', 'c', 'run', 'r', 'doc', 'd', 'bench', 'rustc', 'clippy', 'chef'].includes(s)) {
      pm.manifests = MANAGERS.cargo.manifests;
      // `cargo chef cook` builds only the dependencies of a recipe.
      const chefCook = s === 'chef' && rest[0]?.value === 'cook';
      pm.readsSource = !chefCook;
      if (chefCook) pm.manifests = [m(['recipe.json'])];
      sub(pm, s === 'chef' && rest[0] ? [first, rest[0]] : [first], s === 'run' || s === 'r' ? 'run' : s === 'chef' && !chefCook ? 'other' : 'build');
      pm.downloads = s !== 'chef' || chefCook;
    } else if (s === 'update' || s === 'generate-lockfile') {
      pm.manifests = MANAGERS.cargo.manifests;
      sub(pm, [first], 'upgrade');
      pm.downloads = true;
    } else sub(pm, [first], 'other');
  },

  bundler(pm, p) {
    const [first, ...rest] = p.operands;
    const gemfile = optValue(pm.args, '--gemfile');
    if (!first) {
      // Bare `bundle` installs.
      if (p.opts.some((w) => ['--version', '-v', '--help', '-h'].includes(text(w)))) return;
      pm.manifests = gemfile ? [{ names: [text(gemfile)], role: 'manifest', required: true, word: gemfile }] : MANAGERS.bundler.manifests;
      pm.action = 'install-manifest';
      pm.downloads = true;
      return;
    }
    if (first.value === null) return;
    const s = first.value;
    if (s === 'install' || s === 'i') {
      pm.manifests = gemfile ? [{ names: [text(gemfile)], role: 'manifest', required: true, word: gemfile }] : MANAGERS.bundler.manifests;
      sub(pm, [first], 'install-manifest');
      pm.downloads = true;
    } else if (s === 'update') {
      pm.manifests = MANAGERS.bundler.manifests;
      pm.packages = rest;
      sub(pm, [first], 'upgrade');
      pm.downloads = true;
    } else if (s === 'add') {
      pm.packages = rest;
      pm.manifests = MANAGERS.bundler.manifests;
      sub(pm, [first], 'install-packages');
      pm.downloads = true;
    } else if (s === 'exec' || s === 'e') {
      pm.readsSource = true;
      sub(pm, [first], 'run');
    } else if (s === 'package' || s === 'pack' || s === 'cache') {
      pm.manifests = MANAGERS.bundler.manifests;
      sub(pm, [first], 'download');
      pm.downloads = true;
    } else if (s === 'clean') {
      sub(pm, [first], 'remove');
    } else sub(pm, [first], 'other');
  },

  gem(pm, p) {
    const [first, ...rest] = p.operands;
    if (!first || first.value === null) return;
    const s = first.value;
    if (s === 'install' || s === 'i') {
      const gemfile = rest.length === 0 ? optValue(pm.args, '-g', '--file') : null;
      pm.packages = rest;
      pm.global = true;
      sub(pm, [first], gemfile ? 'install-manifest' : 'install-packages');
      pm.downloads = true;
    } else if (s === 'update') {
      pm.packages = rest;
      sub(pm, [first], 'upgrade');
      pm.downloads = true;
    } else if (s === 'uninstall' || s === 'cleanup') {
      pm.packages = rest;
      sub(pm, [first], 'remove');
    } else if (s === 'build') {
      pm.readsSource = true;
      sub(pm, [first], 'build');
    } else sub(pm, [first], 'other');
  },

  composer(pm, p) {
    const [first, ...rest] = p.operands;
    pm.dir = optValue(pm.args, '-d', '--working-dir')?.value ?? null;
    if (!first || first.value === null) return;
    const s = first.value;
    if (s === 'install' || s === 'i') {
      pm.manifests = MANAGERS.composer.manifests;
      // Autoload dumping and scripts read the source tree unless both are off.
      pm.readsSource = !(hasOpt(p, '--no-autoloader') && hasOpt(p, '--no-scripts'));
      sub(pm, [first], 'install-manifest');
      pm.downloads = true;
    } else if (s === 'update' || s === 'u' || s === 'upgrade') {
      pm.manifests = MANAGERS.composer.manifests;
      pm.packages = rest;
      sub(pm, [first], 'upgrade');
      pm.downloads = true;
    } else if (s === 'require' || s === 'r') {
      pm.packages = rest;
      pm.global = false;
      sub(pm, [first], 'install-packages');
      pm.downloads = true;
    } else if (s === 'global' && rest[0]?.value === 'require') {
      pm.packages = rest.slice(1);
      pm.global = true;
      sub(pm, [first, rest[0]], 'install-packages');
      pm.downloads = true;
    } else if (s === 'clear-cache' || s === 'clearcache' || s === 'cc') {
      sub(pm, [first], 'clean-cache');
    } else if (s === 'create-project') {
      pm.packages = rest.slice(0, 1);
      sub(pm, [first], 'install-packages');
      pm.downloads = true;
    } else if (s === 'remove' || s === 'rm') {
      pm.packages = rest;
      sub(pm, [first], 'remove');
    } else if (s === 'dump-autoload' || s === 'dumpautoload' || s === 'run-script' || s === 'run') {
      pm.readsSource = true;
      sub(pm, [first], 'run');
    } else sub(pm, [first], 'other');
  },

  maven(pm, p) {
    const file = optValue(pm.args, '-f', '--file');
    if (file?.value) pm.dir = file.value.endsWith('.xml') ? file.value.replace(/\/?[^/]*\.xml$/, '') || '.' : file.value;
    const goals = p.operands.filter((w) => !text(w).startsWith('-D'));
    if (goals.length === 0) return;
    const names = goals.map(text);
    const offline = names.every((g) => /^(dependency:(go-offline|resolve|resolve-plugins|copy-dependencies|tree)|de\.qaware\.maven:go-offline-maven-plugin:.*|help:.*|clean|validate)$/.test(g));
    pm.manifests = MANAGERS.maven.manifests;
    if (offline && names.some((g) => g.startsWith('dependency:') || g.includes('go-offline'))) {
      sub(pm, goals, 'install-manifest');
    } else {
      pm.readsSource = !names.every((g) => g === 'clean' || g.startsWith('help:') || g === 'validate');
      sub(pm, goals, 'build');
    }
    pm.downloads = true;
  },

  gradle(pm, p) {
    pm.dir = optValue(pm.args, '-p', '--project-dir')?.value ?? null;
    const tasks = p.operands;
    if (tasks.length === 0) return;
    const names = tasks.map(text);
    pm.manifests = MANAGERS.gradle.manifests;
    const depsOnly = names.every((t) => /^(dependencies|androidDependencies|resolveDependencies|downloadDependencies|help|tasks|--version|properties|buildEnvironment|:?[\w-]+:dependencies)$/.test(t));
    pm.readsSource = !depsOnly;
    sub(pm, tasks, depsOnly ? 'install-manifest' : 'build');
    pm.downloads = true;
  },

  dotnet(pm, p) {
    const [first, ...rest] = p.operands;
    if (!first || first.value === null) return;
    const s = first.value;
    const project = rest.find((w) => /\.(cs|fs|vb)proj$|\.slnx?$/.test(text(w)));
    const manifests: ManifestSpec[] = project
      ? [{ names: [text(project)], role: 'manifest', required: true, word: project }, ...MANAGERS.dotnet.manifests.slice(1)]
      : MANAGERS.dotnet.manifests;
    if (s === 'restore') {
      pm.manifests = manifests;
      sub(pm, [first], 'install-manifest');
      pm.downloads = true;
    } else if (['build', 'publish', 'test', 'pack', 'run'].includes(s)) {
      pm.manifests = manifests;
      pm.readsSource = true;
      sub(pm, [first], s === 'run' ? 'run' : 'build');
      pm.downloads = !hasOpt(p, '--no-restore');
    } else if (s === 'tool' && rest[0]?.value === 'install') {
      pm.packages = rest.slice(1);
      pm.global = hasOpt(p, '-g', '--global', '--tool-path');
      sub(pm, [first, rest[0]], 'install-packages');
      pm.downloads = true;
    } else if (s === 'nuget' && rest[0]?.value === 'locals') {
      sub(pm, [first, rest[0]], 'clean-cache');
    } else if (s === 'add' && rest.some((w) => w.value === 'package')) {
      sub(pm, [first], 'install-packages');
      pm.downloads = true;
    } else sub(pm, [first], 'other');
  },
};

// ---------------------------------------------------------------------------------------------
// Cache directories

/** Joins a base directory and a relative path. */
function join(base: string, rel: string): string {
  return `${base.replace(/\/+$/, '')}/${rel}`;
}

/** Normalizes a path for comparison: no trailing slash, no `//`, no `/./`. */
export function normalizePath(p: string): string {
  let out = p.replace(/\/+/g, '/').replace(/\/\.(?=\/|$)/g, '');
  if (out.length > 1) out = out.replace(/\/+$/, '');
  return out || '/';
}

const truthy = (v: string | undefined): boolean => v !== undefined && v !== '' && !/^(0|false|no|off)$/i.test(v);

/**
 * The download cache directories of `manager` for a RUN whose environment `env` describes
 * (`HOME`, and the tool's variables such as `PIP_CACHE_DIR`, `GOPATH`, `CARGO_HOME`). Returns
 * null when they cannot be known: a variable that moves them holds an unresolved value, or the tool
 * picks its directory at run time (Composer without COMPOSER_HOME, Bundler without GEM_HOME).
 */
export function cacheDirsOf(manager: Manager, env: EnvLookup): CacheDir[] | null {
  const home = env('HOME') ?? '/root';
  if (!home.startsWith('/') || /[$`]/.test(home)) return null;
  const abs = (v: string | undefined): string | undefined | null => {
    if (v === undefined || v === '') return undefined;
    return v.startsWith('/') && !/[$`*]/.test(v) ? normalizePath(v) : null;
  };
  const xdgCache = abs(env('XDG_CACHE_HOME'));
  if (xdgCache === null) return null;
  const cacheHome = xdgCache ?? join(home, '.cache');
  const info = MANAGERS[manager];
  const one = (path: string, what: string, sharing?: 'locked'): CacheDir[] => [{ path: normalizePath(path), what, ...(sharing ? { sharing } : {}) }];
  switch (manager) {
    case 'apt':
    case 'apk':
    case 'zypper':
      return info.defaultCacheDirs;
    case 'dnf':
    case 'yum':
    case 'microdnf':
      // Version-dependent (RPM_CACHE_DIRS): see `rpmCacheDir` for a known image.
      return null;
    case 'pip': {
      const d = abs(env('PIP_CACHE_DIR'));
      if (d === null) return null;
      return one(d ?? join(cacheHome, 'pip'), info.defaultCacheDirs[0].what);
    }
    case 'uv': {
      const d = abs(env('UV_CACHE_DIR'));
      if (d === null) return null;
      return one(d ?? join(cacheHome, 'uv'), info.defaultCacheDirs[0].what);
    }
    case 'poetry': {
      const d = abs(env('POETRY_CACHE_DIR'));
      if (d === null) return null;
      return one(d ?? join(cacheHome, 'pypoetry'), info.defaultCacheDirs[0].what);
    }
    case 'pipenv': {
      const d = abs(env('PIPENV_CACHE_DIR'));
      const p = abs(env('PIP_CACHE_DIR'));
      if (d === null || p === null) return null;
      return [...one(d ?? join(cacheHome, 'pipenv'), 'downloaded packages'), ...one(p ?? join(cacheHome, 'pip'), 'downloaded wheels')];
    }
    case 'npm': {
      const d = abs(env('npm_config_cache') ?? env('NPM_CONFIG_CACHE'));
      if (d === null) return null;
      return one(d ?? join(home, '.npm'), info.defaultCacheDirs[0].what);
    }
    case 'yarn': {
      const d = abs(env('YARN_CACHE_FOLDER'));
      if (d === null) return null;
      // Yarn 1 as root uses /usr/local/share/.cache/yarn; as another user $XDG_CACHE_HOME/yarn.
      return one(d ?? (home === '/root' && xdgCache === undefined ? '/usr/local/share/.cache/yarn' : join(cacheHome, 'yarn')), info.defaultCacheDirs[0].what);
    }
    case 'pnpm': {
      const store = abs(env('npm_config_store_dir') ?? env('NPM_CONFIG_STORE_DIR'));
      const pnpmHome = abs(env('PNPM_HOME'));
      const dataHome = abs(env('XDG_DATA_HOME'));
      if (store === null || pnpmHome === null || dataHome === null) return null;
      const path = store ?? (pnpmHome ? join(pnpmHome, 'store') : join(dataHome ?? join(home, '.local/share'), 'pnpm/store'));
      return one(path, info.defaultCacheDirs[0].what);
    }
    case 'bun': {
      const d = abs(env('BUN_INSTALL_CACHE_DIR'));
      const inst = abs(env('BUN_INSTALL'));
      if (d === null || inst === null) return null;
      return one(d ?? join(inst ?? join(home, '.bun'), 'install/cache'), info.defaultCacheDirs[0].what);
    }
    case 'go': {
      const modcache = abs(env('GOMODCACHE'));
      const gopath = env('GOPATH');
      const gocache = abs(env('GOCACHE'));
      if (modcache === null || gocache === null) return null;
      let mod = modcache;
      if (mod === undefined) {
        // GOPATH may be a list; the module cache is in its first entry.
        const first = gopath === undefined || gopath === '' ? join(home, 'go') : gopath.split(':')[0];
        if (!first.startsWith('/') || /[$`]/.test(first)) return null;
        mod = join(normalizePath(first), 'pkg/mod');
      }
      return [...one(mod, 'the module cache'), ...one(gocache ?? join(cacheHome, 'go-build'), 'the build cache')];
    }
    case 'cargo': {
      const d = abs(env('CARGO_HOME'));
      if (d === null) return null;
      const base = d ?? join(home, '.cargo');
      return [...one(join(base, 'registry'), 'the crate registry cache'), ...one(join(base, 'git'), 'git dependencies')];
    }
    case 'bundler':
    case 'gem': {
      const d = abs(env('GEM_HOME'));
      if (!d) return null;
      return one(join(d, 'cache'), 'downloaded .gem files');
    }
    case 'composer': {
      const d = abs(env('COMPOSER_CACHE_DIR'));
      const h = abs(env('COMPOSER_HOME'));
      if (d === null || h === null) return null;
      if (d) return one(d, 'downloaded packages');
      if (h) return one(join(h, 'cache'), 'downloaded packages');
      return null;
    }
    case 'maven': {
      // MAVEN_CONFIG is passed to mvn as arguments in the official image; only a plain directory counts.
      const d = abs(env('MAVEN_CONFIG'));
      const base = d ?? join(home, '.m2');
      return one(join(base, 'repository'), info.defaultCacheDirs[0].what);
    }
    case 'gradle': {
      const d = abs(env('GRADLE_USER_HOME'));
      if (d === null) return null;
      return one(join(d ?? join(home, '.gradle'), 'caches'), info.defaultCacheDirs[0].what);
    }
    case 'dotnet': {
      const d = abs(env('NUGET_PACKAGES'));
      if (d === null) return null;
      return one(d ?? join(home, '.nuget/packages'), info.defaultCacheDirs[0].what);
    }
  }
}

/**
 * Whether the cache is switched off for the tool by the environment (`PIP_NO_CACHE_DIR=1`), or by
 * `ENV PIP_NO_CACHE_DIR`-like settings of this RUN's command (`PIP_NO_CACHE_DIR=1 pip install`).
 */
export function cacheDisabledByEnv(pm: PackageManagerCommand, env: EnvLookup): string | null {
  for (const name of MANAGERS[pm.manager].noCacheEnv) {
    const inline = pm.command.assignments.find((a) => a.name === name);
    if (inline ? truthy(inline.value?.value ?? '') : truthy(env(name))) return name;
  }
  return null;
}

/** True when `inner` is `outer` or below it. */
export function isWithin(inner: string, outer: string): boolean {
  const i = normalizePath(inner);
  const o = normalizePath(outer);
  return i === o || o === '/' || i.startsWith(o + '/');
}

/**
 * Paths a cache mount for `manager` is commonly pointed at, besides the env-resolved directories:
 * for recognising an existing mount (another user's home, a parent such as `/root/.cache`).
 */
const MOUNT_PATTERNS: Readonly<Record<Manager, RegExp>> = {
  apt: /^\/var\/(cache\/apt|lib\/apt)(\/.*)?$/,
  apk: /^\/(var\/cache\/apk|etc\/apk\/cache)(\/.*)?$/,
  dnf: /^\/var\/cache\/(dnf|libdnf5|yum)(\/.*)?$/,
  microdnf: /^\/var\/cache\/(yum|dnf|libdnf5)(\/.*)?$/,
  yum: /^\/var\/cache\/(yum|dnf)(\/.*)?$/,
  zypper: /^\/var\/cache\/zypp(\/.*)?$/,
  pip: /(^|\/)\.cache(\/pip)?$|\/pip(-cache)?$|pip[-_]?cache/i,
  uv: /(^|\/)\.cache(\/uv)?$|\/uv(-cache)?$|uv[-_]?cache/i,
  poetry: /(^|\/)\.cache(\/pypoetry)?$|pypoetry|poetry[-_]?cache/i,
  pipenv: /(^|\/)\.cache(\/(pipenv|pip))?$|pipenv/i,
  npm: /(^|\/)\.npm(\/_cacache)?$|npm[-_]?cache|\/npm$/i,
  yarn: /(^|\/)(\.cache\/yarn|\.yarn(\/berry)?(\/cache)?|yarn[-_]?cache|\.cache)$|\/share\/\.cache\/yarn|\/yarn$/i,
  pnpm: /pnpm(\/store)?(\/v\d+)?$|pnpm[-_]?store|\.pnpm-store/i,
  bun: /\.bun(\/install(\/cache)?)?$|bun[-_]?cache/i,
  go: /\/pkg\/mod$|go-build$|\/go\/pkg$|(^|\/)\.cache(\/go-build)?$|go[-_]?(mod|build)?[-_]?cache/i,
  cargo: /cargo(\/registry|\/git)?(\/[\w-]+)?$|\.cargo(\/registry|\/git)?(\/[\w-]+)?$/i,
  bundler: /(bundle|gems?)(\/cache)?$/i,
  gem: /(bundle|gems?)(\/cache)?$/i,
  composer: /composer(\/cache)?$|\/tmp\/cache$|composer[-_]?cache/i,
  maven: /\.m2(\/repository)?$|maven[-_]?(repo|cache)?/i,
  gradle: /\.gradle(\/caches)?(\/modules-2)?$|gradle[-_]?cache/i,
  dotnet: /\.nuget(\/packages)?$|nuget[-_]?(packages|cache)/i,
};

/**
 * Whether a cache mount at `target` serves `manager`'s download cache: it is (or holds, or lies
 * inside) one of `cacheDirsOf(manager, env)`, or it is at a path such mounts commonly use
 * (`/root/.cache`, `/home/app/.cache/pip`, `/go/pkg/mod`, `/usr/local/cargo/registry`).
 */
export function cacheMountServes(target: string, manager: Manager, env: EnvLookup): boolean {
  const t = normalizePath(target);
  const dirs = cacheDirsOf(manager, env);
  if (dirs?.some((d) => isWithin(d.path, t) || isWithin(t, d.path))) return t !== '/';
  return MOUNT_PATTERNS[manager].test(t);
}

// ---------------------------------------------------------------------------------------------
// Cleanups

export interface CacheCleanup {
  command: ShellCommand;
  /** The manager whose cache it cleans, when it is a tool's own command (`apt-get clean`); null for `rm`. */
  manager: Manager | null;
  /** Paths it deletes (globs kept: `/var/lib/apt/lists/*`); empty when only the tool knows (`npm cache clean`). */
  paths: string[];
  /** The words that name those paths (for `rm`), in order. */
  pathWords: ShellWord[];
  /**
   * The tool deletes ONE of `paths`, which one depends on the distribution's version (`yum clean
   * all` empties /var/cache/yum on EL7 but /var/cache/dnf on EL8+): a mount is emptied for sure
   * only when it holds all of them.
   */
  oneOf: boolean;
}

/** Directories each tool's own clean command empties, for root with default settings. */
const CLEAN_PATHS: Partial<Record<Manager, string[]>> = {
  apt: ['/var/cache/apt/archives'],
  apk: ['/var/cache/apk'],
  zypper: ['/var/cache/zypp'],
};

/** Where the RPM managers keep their cache, by version: yum is dnf on EL8+, dnf is dnf5 on Fedora 41+. */
export const RPM_CACHE_DIRS: Readonly<Record<'dnf' | 'yum' | 'microdnf', readonly string[]>> = {
  dnf: ['/var/cache/dnf', '/var/cache/libdnf5'],
  yum: ['/var/cache/yum', '/var/cache/dnf'],
  microdnf: ['/var/cache/yum', '/var/cache/dnf', '/var/cache/libdnf5'],
};

/**
 * A command that deletes (part of) a package cache: a tool's clean command (`apt-get clean`,
 * `dnf clean all`, `npm cache clean --force`, `pip cache purge`, `yarn cache clean`,
 * `go clean -modcache`, `composer clear-cache`) or an `rm` of paths (every `rm -r`/`rm -f`; the
 * caller matches `paths` against the directories it cares about). Null otherwise.
 */
export function cacheCleanupOf(cmd: ShellCommand): CacheCleanup | null {
  const inner = unwrap(cmd);
  if (!inner || inner.name.value === null) return null;
  if (basename(inner.name.value) === 'rm') {
    const words = inner.args.filter((w) => !text(w).startsWith('-') || text(w) === '-');
    if (words.length === 0) return null;
    return { command: cmd, manager: null, paths: words.map(text), pathWords: words, oneOf: false };
  }
  const pm = classify(cmd);
  if (!pm || pm.action !== 'clean-cache') return null;
  if (pm.manager === 'dnf' || pm.manager === 'yum' || pm.manager === 'microdnf') {
    // `dnf clean packages` keeps metadata, `clean metadata` keeps packages: both empty part of the cache.
    return { command: cmd, manager: pm.manager, paths: [...RPM_CACHE_DIRS[pm.manager]], pathWords: [], oneOf: true };
  }
  return { command: cmd, manager: pm.manager, paths: CLEAN_PATHS[pm.manager] ?? [], pathWords: [], oneOf: false };
}

/**
 * Whether deleting `path` (as `rm -rf` would; a trailing `/*` or `*` glob deletes the contents)
 * removes what is in `dir`: the path is `dir`, a parent of it, or inside it.
 */
export function deletes(path: string, dir: string): boolean {
  if (!path.startsWith('/') && !path.startsWith('~')) return false;
  let p = path;
  // `~/.cache/pip` is root's home in a root RUN; callers resolve HOME first when it matters.
  if (p.startsWith('~/')) p = '/root' + p.slice(1);
  // Strip trailing globs: `/var/lib/apt/lists/*` deletes the contents of the lists dir.
  p = p.replace(/\/\*+$/, '').replace(/\/\.\*$/, '');
  if (/[*?[]/.test(p)) {
    // A glob inside the last component (`/var/cache/apt/*.bin`): within the dir it names.
    const slash = p.lastIndexOf('/');
    const parent = p.slice(0, slash) || '/';
    return isWithin(parent, dir) && !/[*?[]/.test(parent);
  }
  return isWithin(p, dir) || isWithin(dir, p);
}

/**
 * The cache directory of an RPM manager in a well-known image, or null when the image's release
 * does not say: yum is dnf 4 from EL8 (cache /var/cache/dnf), dnf is dnf5 from Fedora 41
 * (/var/cache/libdnf5).
 */
export function rpmCacheDir(manager: Manager, repository: string, tag: string): string | null {
  const repo = repository.toLowerCase().replace(/^library\//, '');
  const name = repo.slice(repo.lastIndexOf('/') + 1);
  const major = Number(/^(\d+)/.exec(tag)?.[1] ?? NaN);
  const el = /^(centos|rockylinux|almalinux|oraclelinux)$/.test(name) ? major : /^ubi(\d+)/.exec(repo.split('/')[0] ?? '')?.[1] ? Number(/^ubi(\d+)/.exec(repo.split('/')[0])![1]) : NaN;
  if (manager === 'yum') {
    if (name === 'amazonlinux') return major === 2 ? '/var/cache/yum' : major >= 2022 ? '/var/cache/dnf' : null;
    if (!Number.isNaN(el)) return el <= 7 ? '/var/cache/yum' : '/var/cache/dnf';
    return null;
  }
  if (manager === 'dnf') {
    if (name === 'fedora') return major >= 41 ? '/var/cache/libdnf5' : major > 0 ? '/var/cache/dnf' : null;
    if (!Number.isNaN(el) && el >= 8) return '/var/cache/dnf';
    if (name === 'amazonlinux' && major >= 2022) return '/var/cache/dnf';
    return null;
  }
  return null;
}
