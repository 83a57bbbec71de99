import { initShell, parseShell, shellOfInstruction } from '@stowage/core';
import { corpusRuns, haveShared } from '../../test/corpus/files.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cacheCleanupOf,
  cacheDirsOf,
  cacheDisabledByEnv,
  cacheMountServes,
  classify,
  deletes,
  mayRunManager,
  mayRunPackageManager,
  packageManagerCommands,
  rpmCacheDir,
  systemManagerOfImage,
  type EnvLookup,
  type PackageManagerCommand,
} from './package-managers.js';

beforeAll(() => initShell());

function one(script: string): PackageManagerCommand | null {
  const cmds = packageManagerCommands(parseShell(script, 0));
  return cmds[0] ?? null;
}

function summary(script: string) {
  const pm = one(script);
  if (!pm) return null;
  return {
    manager: pm.manager,
    subcommand: pm.subcommand,
    action: pm.action,
    packages: pm.packages.map((w) => w.value ?? w.raw),
    manifests: pm.manifests.map((x) => x.names.join('|')),
    readsSource: pm.readsSource,
    global: pm.global,
    dir: pm.dir,
    noCache: pm.noCacheFlag?.raw ?? null,
  };
}

const env = (vars: Record<string, string> = {}): EnvLookup => (n) => vars[n];

describe('classify: system package managers', () => {
  it.each([
    ['apt-get update', 'apt', 'update', 'update-index'],
    ['apt-get -qq update', 'apt', 'update', 'update-index'],
    ['apt update', 'apt', 'update', 'update-index'],
    ['apt-get -y -o Dpkg::Options::=--force-confold install curl', 'apt', 'install', 'install-packages'],
    ['apt-get upgrade -y', 'apt', 'upgrade', 'upgrade'],
    ['apt-get clean', 'apt', 'clean', 'clean-cache'],
    ['apt-get purge -y --auto-remove gcc', 'apt', 'purge', 'remove'],
    ['apk update', 'apk', 'update', 'update-index'],
    ['apk add --no-cache --virtual .build-deps gcc musl-dev', 'apk', 'add', 'install-packages'],
    ['apk del .build-deps', 'apk', 'del', 'remove'],
    ['apk cache clean', 'apk', 'cache clean', 'clean-cache'],
    ['yum makecache', 'yum', 'makecache', 'update-index'],
    ['yum update -y', 'yum', 'update', 'upgrade'],
    ['dnf makecache --refresh', 'dnf', 'makecache', 'update-index'],
    ['dnf -y install gcc', 'dnf', 'install', 'install-packages'],
    ['dnf clean all', 'dnf', 'clean all', 'clean-cache'],
    ['dnf group install -y "Development Tools"', 'dnf', 'group install', 'install-packages'],
    ['microdnf install -y tar', 'microdnf', 'install', 'install-packages'],
    ['zypper --non-interactive refresh', 'zypper', 'refresh', 'update-index'],
    ['zypper in -y curl', 'zypper', 'in', 'install-packages'],
    ['sudo apt-get install -y curl', 'apt', 'install', 'install-packages'],
    ['DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata', 'apt', 'install', 'install-packages'],
    ['env DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata', 'apt', 'install', 'install-packages'],
  ])('%s', (script, manager, subcommand, action) => {
    const s = summary(script);
    expect(s && [s.manager, s.subcommand, s.action]).toEqual([manager, subcommand, action]);
  });

  it('collects package operands, skipping option values', () => {
    expect(summary('apk add --no-cache --virtual .build-deps gcc musl-dev')?.packages).toEqual(['gcc', 'musl-dev']);
    expect(summary('apt-get install -y -t bookworm-backports --no-install-recommends git curl')?.packages).toEqual(['git', 'curl']);
    expect(summary('apk add --no-cache --virtual .build-deps gcc')?.noCache).toBe('--no-cache');
  });

  it('is not fooled by look-alikes', () => {
    expect(one('echo apt-get install')).toBeNull();
    expect(one('python3 app.py')).toBeNull();
    expect(one('pipx install black')).toBeNull();
  });
});

describe('classify: language tools', () => {
  it('pip', () => {
    expect(summary('pip install --no-cache-dir -r requirements.txt')).toMatchObject({
      manager: 'pip', action: 'install-manifest', manifests: ['requirements.txt'], noCache: '--no-cache-dir', readsSource: false,
    });
    expect(summary('python3 -m pip install -U pip setuptools')).toMatchObject({ manager: 'pip', action: 'install-packages', packages: ['pip', 'setuptools'] });
    expect(summary('pip3.11 install -e .')).toMatchObject({ action: 'install-manifest', readsSource: true, manifests: ['pyproject.toml|setup.py|setup.cfg'] });
    expect(summary('pip install -r requirements/prod.txt -c constraints.txt')?.manifests).toEqual(['requirements/prod.txt', 'constraints.txt']);
    expect(summary('pip install --requirement=req.txt')?.manifests).toEqual(['req.txt']);
    expect(summary('pip install -rrequirements.txt')?.manifests).toEqual(['requirements.txt']);
    expect(summary('pip cache purge')?.action).toBe('clean-cache');
    expect(summary('pip download -d /wheels -r requirements.txt')).toMatchObject({ action: 'download', manifests: ['requirements.txt'] });
    expect(summary('pip wheel --wheel-dir /wheels .')).toMatchObject({ action: 'build', readsSource: true });
  });

  it('uv, poetry, pipenv', () => {
    expect(summary('uv sync --frozen --no-install-project')).toMatchObject({ manager: 'uv', action: 'install-manifest', readsSource: false, manifests: ['pyproject.toml', 'uv.lock'] });
    expect(summary('uv sync --frozen')).toMatchObject({ readsSource: true });
    expect(summary('uv pip install --system -r requirements.txt')).toMatchObject({ subcommand: 'pip install', action: 'install-manifest', manifests: ['requirements.txt'] });
    expect(summary('poetry install --no-root --only main')).toMatchObject({ manager: 'poetry', action: 'install-manifest', readsSource: false });
    expect(summary('poetry install')).toMatchObject({ readsSource: true });
    expect(summary('pipenv install --deploy --system')).toMatchObject({ manager: 'pipenv', action: 'install-manifest', manifests: ['Pipfile', 'Pipfile.lock'] });
  });

  it('npm, yarn, pnpm, bun', () => {
    expect(summary('npm ci --omit=dev')).toMatchObject({ manager: 'npm', action: 'install-manifest', manifests: ['package.json', 'package-lock.json|npm-shrinkwrap.json', '.npmrc'] });
    expect(summary('npm install')).toMatchObject({ action: 'install-manifest' });
    expect(summary('npm install -g pnpm@9')).toMatchObject({ action: 'install-packages', global: true, packages: ['pnpm@9'] });
    expect(summary('npm --prefix web install')).toMatchObject({ action: 'install-manifest', dir: 'web' });
    expect(summary('npm run build')).toMatchObject({ action: 'run', readsSource: true });
    expect(summary('npm cache clean --force')).toMatchObject({ action: 'clean-cache' });
    expect(summary('yarn')).toMatchObject({ manager: 'yarn', action: 'install-manifest' });
    expect(summary('yarn install --frozen-lockfile')).toMatchObject({ action: 'install-manifest', manifests: ['package.json', 'yarn.lock', '.yarnrc.yml|.yarnrc'] });
    expect(summary('yarn global add serve')).toMatchObject({ action: 'install-packages', global: true, packages: ['serve'] });
    expect(summary('yarn build')).toMatchObject({ action: 'run' });
    expect(summary('yarn cache clean')).toMatchObject({ action: 'clean-cache' });
    expect(summary('pnpm install --frozen-lockfile')).toMatchObject({ manager: 'pnpm', action: 'install-manifest' });
    expect(summary('pnpm fetch --prod')).toMatchObject({ action: 'download', manifests: ['pnpm-lock.yaml', 'pnpm-workspace.yaml', '.npmrc'] });
    expect(summary('bun install --frozen-lockfile')).toMatchObject({ manager: 'bun', action: 'install-manifest' });
  });

  it('go, cargo', () => {
    expect(summary('go mod download')).toMatchObject({ manager: 'go', subcommand: 'mod download', action: 'install-manifest', manifests: ['go.mod', 'go.sum'], readsSource: false });
    expect(summary('CGO_ENABLED=0 go build -ldflags "-s -w" -o /out/app ./cmd/app')).toMatchObject({ action: 'build', readsSource: true });
    expect(summary('go install github.com/x/y@v1.2.3')).toMatchObject({ action: 'install-packages', global: true });
    expect(summary('go install ./...')).toMatchObject({ action: 'build', readsSource: true });
    expect(summary('cargo build --release --locked')).toMatchObject({ manager: 'cargo', action: 'build', readsSource: true });
    expect(summary('cargo fetch --locked')).toMatchObject({ action: 'install-manifest', readsSource: false });
    expect(summary('cargo install ripgrep')).toMatchObject({ action: 'install-packages', global: true });
    expect(summary('cargo chef cook --release --recipe-path recipe.json')).toMatchObject({ action: 'build', readsSource: false });
  });

  it('ruby, php, jvm, dotnet', () => {
    expect(summary('bundle install --jobs 4')).toMatchObject({ manager: 'bundler', action: 'install-manifest', manifests: ['Gemfile|gems.rb', 'Gemfile.lock|gems.locked'] });
    expect(summary('gem install bundler -v 2.5.0')).toMatchObject({ manager: 'gem', action: 'install-packages' });
    expect(summary('composer install --no-dev --no-scripts --no-autoloader')).toMatchObject({ manager: 'composer', action: 'install-manifest', readsSource: false });
    expect(summary('php composer.phar install')).toMatchObject({ manager: 'composer', action: 'install-manifest', readsSource: true });
    expect(summary('mvn -B dependency:go-offline')).toMatchObject({ manager: 'maven', action: 'install-manifest', readsSource: false, manifests: ['pom.xml', '.mvn'] });
    expect(summary('./mvnw -DskipTests package')).toMatchObject({ manager: 'maven', action: 'build', readsSource: true });
    expect(summary('mvn -f backend/pom.xml package')).toMatchObject({ dir: 'backend' });
    expect(summary('./gradlew dependencies --no-daemon')).toMatchObject({ manager: 'gradle', action: 'install-manifest', readsSource: false });
    expect(summary('gradle build -x test')).toMatchObject({ manager: 'gradle', action: 'build', readsSource: true });
    expect(summary('dotnet restore src/App/App.csproj')).toMatchObject({ manager: 'dotnet', action: 'install-manifest' });
    expect(summary('dotnet restore src/App/App.csproj')?.manifests[0]).toBe('src/App/App.csproj');
    expect(summary('dotnet publish -c Release -o /app --no-restore')).toMatchObject({ action: 'build', readsSource: true });
  });

  it('every command of a script, through sh -c and pipelines', () => {
    const cmds = packageManagerCommands(parseShell('apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*; sh -c "pip install x"', 0));
    expect(cmds.map((c) => `${c.manager}:${c.action}`)).toEqual(['apt:update-index', 'apt:install-packages', 'pip:install-packages']);
  });
});

describe('cache directories', () => {
  it('defaults for root', () => {
    expect(cacheDirsOf('apt', env())?.map((d) => d.path)).toEqual(['/var/cache/apt', '/var/lib/apt/lists']);
    expect(cacheDirsOf('pip', env())?.map((d) => d.path)).toEqual(['/root/.cache/pip']);
    expect(cacheDirsOf('npm', env())?.map((d) => d.path)).toEqual(['/root/.npm']);
    expect(cacheDirsOf('yarn', env())?.map((d) => d.path)).toEqual(['/usr/local/share/.cache/yarn']);
    expect(cacheDirsOf('pnpm', env())?.map((d) => d.path)).toEqual(['/root/.local/share/pnpm/store']);
    expect(cacheDirsOf('go', env())?.map((d) => d.path)).toEqual(['/root/go/pkg/mod', '/root/.cache/go-build']);
    expect(cacheDirsOf('cargo', env())?.map((d) => d.path)).toEqual(['/root/.cargo/registry', '/root/.cargo/git']);
    expect(cacheDirsOf('maven', env())?.map((d) => d.path)).toEqual(['/root/.m2/repository']);
    expect(cacheDirsOf('gradle', env())?.map((d) => d.path)).toEqual(['/root/.gradle/caches']);
  });

  it('follows the environment', () => {
    expect(cacheDirsOf('go', env({ GOPATH: '/go' }))?.map((d) => d.path)).toEqual(['/go/pkg/mod', '/root/.cache/go-build']);
    expect(cacheDirsOf('cargo', env({ CARGO_HOME: '/usr/local/cargo' }))?.[0].path).toBe('/usr/local/cargo/registry');
    expect(cacheDirsOf('pip', env({ PIP_CACHE_DIR: '/cache/pip/' }))?.[0].path).toBe('/cache/pip');
    expect(cacheDirsOf('pip', env({ HOME: '/home/app' }))?.[0].path).toBe('/home/app/.cache/pip');
    expect(cacheDirsOf('pnpm', env({ PNPM_HOME: '/pnpm' }))?.[0].path).toBe('/pnpm/store');
    expect(cacheDirsOf('composer', env({ COMPOSER_HOME: '/tmp' }))?.[0].path).toBe('/tmp/cache');
    expect(cacheDirsOf('bundler', env({ GEM_HOME: '/usr/local/bundle' }))?.[0].path).toBe('/usr/local/bundle/cache');
  });

  it('is unknown when it depends on what the Dockerfile does not say', () => {
    expect(cacheDirsOf('composer', env())).toBeNull();
    expect(cacheDirsOf('bundler', env())).toBeNull();
    expect(cacheDirsOf('pip', env({ PIP_CACHE_DIR: '$HOME/pip' }))).toBeNull();
  });

  it('recognises mounts that serve a cache', () => {
    expect(cacheMountServes('/root/.cache', 'pip', env())).toBe(true);
    expect(cacheMountServes('/root/.cache/pip/', 'pip', env())).toBe(true);
    expect(cacheMountServes('/home/app/.cache/pip', 'pip', env())).toBe(true);
    expect(cacheMountServes('/root/.npm', 'pip', env())).toBe(false);
    expect(cacheMountServes('/var/lib/apt', 'apt', env())).toBe(true);
    expect(cacheMountServes('/go/pkg/mod', 'go', env())).toBe(true);
    expect(cacheMountServes('/app/node_modules', 'npm', env())).toBe(false);
  });

  it('reads no-cache settings from the environment', () => {
    const pm = one('pip install flask')!;
    expect(cacheDisabledByEnv(pm, env({ PIP_NO_CACHE_DIR: '1' }))).toBe('PIP_NO_CACHE_DIR');
    expect(cacheDisabledByEnv(pm, env({ PIP_NO_CACHE_DIR: 'off' }))).toBeNull();
    expect(cacheDisabledByEnv(one('PIP_NO_CACHE_DIR=1 pip install flask')!, env())).toBe('PIP_NO_CACHE_DIR');
  });
});

describe('cleanups', () => {
  const cleanup = (s: string) => cacheCleanupOf(parseShell(s, 0).commands[0]);
  it('tool commands and rm', () => {
    expect(cleanup('apt-get clean')).toMatchObject({ manager: 'apt', paths: ['/var/cache/apt/archives'] });
    expect(cleanup('npm cache clean --force')).toMatchObject({ manager: 'npm', paths: [] });
    expect(cleanup('rm -rf /var/lib/apt/lists/*')).toMatchObject({ manager: null, paths: ['/var/lib/apt/lists/*'] });
    expect(cleanup('apt-get install -y x')).toBeNull();
    expect(cleanup('yum clean all')).toMatchObject({ manager: 'yum', oneOf: true, paths: ['/var/cache/yum', '/var/cache/dnf'] });
    expect(cleanup('sudo rm -f /etc/apt/apt.conf.d/docker-clean')).toMatchObject({ paths: ['/etc/apt/apt.conf.d/docker-clean'] });
    expect(cleanup('ls /var/cache')).toBeNull();
  });

  it('deletes', () => {
    expect(deletes('/var/lib/apt/lists/*', '/var/lib/apt/lists')).toBe(true);
    expect(deletes('/var/lib/apt/lists/*', '/var/lib/apt')).toBe(true);
    expect(deletes('/var/lib/apt/lists/*', '/var/cache/apt')).toBe(false);
    expect(deletes('/root/.cache', '/root/.cache/pip')).toBe(true);
    expect(deletes('/var/cache/apt/*.bin', '/var/cache/apt')).toBe(true);
    expect(deletes('/var/cache/apt/archives/*.deb', '/var/cache/apt')).toBe(true);
    expect(deletes('/tmp/*', '/root/.npm')).toBe(false);
    expect(deletes('node_modules', '/root/.npm')).toBe(false);
  });
});

describe('base images', () => {
  it.each([
    ['debian', '', 'apt'],
    ['ubuntu', '22.04', 'apt'],
    ['library/python', '3.12-slim', 'apt'],
    ['python', '3.12-alpine', 'apk'],
    ['node', '20-alpine3.19', 'apk'],
    ['alpine', '3.20', 'apk'],
    ['golang', '1.22', 'apt'],
    ['registry.access.redhat.com/ubi9/ubi-minimal', '', 'microdnf'],
    ['fedora', '40', 'dnf'],
    ['mycorp/builder', 'latest', null],
    ['gcr.io/distroless/static', '', null],
  ])('%s:%s', (repo, tag, expected) => {
    expect(systemManagerOfImage(repo, tag)).toBe(expected);
  });
});

describe('RPM cache directories', () => {
  it.each([
    ['yum', 'centos', '7', '/var/cache/yum'],
    ['yum', 'rockylinux', '8.9', '/var/cache/dnf'],
    ['yum', 'amazonlinux', '2', '/var/cache/yum'],
    ['yum', 'amazonlinux', '2023', '/var/cache/dnf'],
    ['dnf', 'fedora', '40', '/var/cache/dnf'],
    ['dnf', 'fedora', '41', '/var/cache/libdnf5'],
    ['dnf', 'ubi9/ubi', '9.4', '/var/cache/dnf'],
    ['dnf', 'fedora', 'latest', null],
    ['dnf', 'mycorp/rhel', '9', null],
    ['microdnf', 'ubi9/ubi-minimal', '', null],
  ])('%s in %s:%s', (manager, repo, tag, expected) => {
    expect(rpmCacheDir(manager as 'dnf', repo, tag)).toBe(expected);
  });
});

it('classify returns null for non-static names', () => {
  expect(classify(parseShell('$PIP install x', 0).commands[0])).toBeNull();
});

describe('mayRunPackageManager', () => {
  it('finds a manager by its name as a whole word, however the shell spells it', () => {
    for (const text of [
      'RUN apt-get install -y x', 'RUN /usr/bin/pip3.11 install x', 'RUN python3 -m pip install x', 'RUN php /usr/local/bin/composer install',
      'RUN ./gradlew build', 'RUN "ap"t-get update', 'RUN ap\\t-get update', 'RUN sudo -u app npm ci', 'RUN bash -c $\'\\x61pt-get update\'',
      'RUN ["npm", "ci"]', 'RUN composer.phar install',
    ]) expect(mayRunPackageManager(text), text).toBe(true);
    for (const text of ['RUN make && make install', 'RUN curl -fsSL x | tar -xz', 'RUN echo mypip golang-go apt-listchanges', 'RUN cp /etc/pip.conf /x']) {
      expect(mayRunPackageManager(text), text).toBe(false);
    }
  });

  it('leaves a name that a line continuation may join to the parse, with either escape character', () => {
    expect(mayRunPackageManager('apt-\\\nget update')).toBe(true);
    expect(mayRunPackageManager('ap`\r\nt-get update')).toBe(true);
    expect(mayRunPackageManager('make \\\n  && make install')).toBe(false);
  });

  it('narrows to some managers', () => {
    expect(mayRunManager('apt-get update && pip install x', ['apk'])).toBe(false);
    expect(mayRunManager('apt-get update && pip3.12 install x', ['pip'])).toBe(true);
    expect(mayRunManager('python -m pipenv install', ['pipenv'])).toBe(true);
    expect(mayRunManager('php /usr/bin/composer.phar install', ['composer'])).toBe(true);
    expect(mayRunManager('microdnf install -y x', ['dnf', 'yum'])).toBe(false);
  });

  it.runIf(haveShared)('narrowed to one manager, is never false for a RUN of the corpus or gold set whose shell runs it', () => {
    const missed: string[] = [];
    for (const { file, text, esc, run } of corpusRuns()) {
      const pms = packageManagerCommands(shellOfInstruction(run, text, esc));
      const args = run.argsRange === null ? '' : text.slice(run.argsRange.start, run.argsRange.end);
      for (const pm of pms) if (!mayRunManager(args, [pm.manager]) && missed.length < 5) missed.push(`${file}: ${pm.manager} ${pm.tool.raw}`);
    }
    expect(missed).toEqual([]);
  });

  it.runIf(haveShared)('is never false for a RUN of the corpus or gold set whose shell has a package manager', () => {
    const missed: string[] = [];
    let skipped = 0;
    for (const { file, text, esc, run } of corpusRuns()) {
      if (mayRunPackageManager(text.slice(run.range.start, run.range.end))) continue;
      skipped++;
      const pms = packageManagerCommands(shellOfInstruction(run, text, esc));
      if (pms.length > 0 && missed.length < 5) missed.push(`${file}: ${pms[0].tool.raw}`);
    }
    expect(skipped).toBeGreaterThan(5_000);
    expect(missed).toEqual([]);
  });
});
