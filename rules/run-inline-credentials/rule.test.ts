import { buildModel, initShell, lint, parse, RuleTester } from '@stowage/core';
import { beforeAll, describe, expect, it } from 'vitest';
import rule, { checkRun, mayHoldCredential } from './rule.js';
import { corpusDir, goldFiles, haveShared, listFiles } from '../../test/corpus/files.js';
import { readFileSync } from 'node:fs';

// Token-shaped test values are built from pieces so no scanner takes this file for a leak.
const GH_TOKEN = ['ghp', '0123456789abcdefghijklmnopqrstuvwxyzAB'].join('_');
const NPM = ['npm', 'abcdefghijklmnopqrstuvwxyz0123456789'].join('_');
const ADVICE = 'Pass it with `--secret id=<id>` and read it in this RUN through `--mount=type=secret,id=<id>` (as a file, or with `env=<NAME>`) instead.';
const HISTORY = 'the command line is saved in the image history (`docker history`)';

describe('messages never print a secret', () => {
  beforeAll(() => initShell());
  it('in messages and related locations', () => {
    const code = `FROM alpine
RUN curl -u admin:hunter2hunter2 https://example.com && git clone https://deploy:s3cretpw@git.example.com/a.git
RUN export GITHUB_TOKEN=${GH_TOKEN} && echo "//registry.npmjs.org/:_authToken=${NPM}" > ~/.npmrc
RUN mysql -uroot -prootpass && sqlcmd -P "Str0ngPassw0rd"
`;
    const result = lint(code, { rules: [{ rule, severity: 'error' }] });
    expect(result.diagnostics.length).toBe(6);
    const text = JSON.stringify(result.diagnostics);
    for (const s of ['hunter2hunter2', 's3cretpw', GH_TOKEN, NPM, 'rootpass', 'Str0ngPassw0rd']) {
      expect(text).not.toContain(s);
      expect(text).not.toContain(s.slice(0, 5));
    }
  });
});

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    { name: 'a secret mount with env=', code: 'FROM node\nARG NPM_TOKEN\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci\n' },
    { name: 'a variable read from a secret file', code: 'FROM alpine\nARG GITHUB_TOKEN\nRUN --mount=type=secret,id=gh GITHUB_TOKEN=$(cat /run/secrets/gh) && git clone https://$GITHUB_TOKEN@github.com/acme/app.git\n' },
    { name: 'an exported variable read from a secret file', code: 'FROM postgres\nARG PGPASSWORD\nRUN --mount=type=secret,id=pg export PGPASSWORD="$(cat /run/secrets/pg)" && psql -h db -c "select 1" -W "$PGPASSWORD"\n' },
    { name: 'a substitution in the URL', code: 'FROM alpine\nRUN --mount=type=secret,id=gh git clone https://x-access-token:$(cat /run/secrets/gh)@github.com/acme/app.git\n' },
    { name: 'a header from a secret file', code: 'FROM alpine\nRUN --mount=type=secret,id=t curl -H "Authorization: Bearer $(cat /run/secrets/t)" https://api.example.com\n' },
    { name: 'curl -u without a password prompts', code: 'FROM alpine\nRUN curl -u deploy https://example.com && curl -u "$USER" https://example.com\n' },
    { name: 'mysql -p alone prompts; the next word is the database', code: 'FROM mysql\nRUN mysql -u root -p mydb && mysql -h db -P3306 -u root\n' },
    { name: '-p of other tools', code: 'FROM alpine\nRUN mkdir -p /x && cp -p a b && ssh -p 22 host true && tar -pxf x.tar && pip install -p x\n' },
    { name: 'ordinary headers', code: 'FROM alpine\nRUN curl -H "Accept: application/json" -H "X-Request-Id: abcdef0123456789" https://example.com\n' },
    { name: 'sed with @ delimiters', code: 'FROM ubuntu\nRUN sed -i "s@http://.*archive.ubuntu.com@https://mirrors.tuna.tsinghua.edu.cn@g" /etc/apt/sources.list\n' },
    { name: 'git over ssh', code: 'FROM alpine\nRUN git clone git@github.com:acme/app.git && git clone ssh://git@github.com/acme/app.git\n' },
    { name: 'anonymous FTP and a token user with the dummy password', code: 'FROM alpine\nRUN wget ftp://anonymous:anonymous@ftp.example.com/f && git clone https://oauth2:x-oauth-basic@github.com/a/b\n' },
    { name: 'public key material', code: 'FROM debian\nENV GPG_KEY=A62AE125BBBFBB96A6E042EC925CC1CCED3D1561\nRUN gpg --batch --recv-keys "$GPG_KEY"\n' },
    { name: 'a path to a secret', code: 'FROM postgres\nENV PASSWORD_FILE=/run/secrets/db\nRUN cat "$PASSWORD_FILE"\n' },
    { name: 'interactive htpasswd and --password-stdin', code: 'FROM nginx\nRUN htpasswd -c /etc/nginx/.htpasswd admin && docker login -u bob --password-stdin < /run/secrets/pw\n' },
    { name: 'single quotes do not expand', code: "FROM alpine\nARG NPM_TOKEN\nRUN echo '$NPM_TOKEN' > /tmp/x\n" },
    { name: 'npm reads ${NPM_TOKEN} in .npmrc itself', code: "FROM node\nARG NPM_TOKEN\nRUN echo '//registry.npmjs.org/:_authToken=${NPM_TOKEN}' > $HOME/.npmrc\n" },
    { name: 'an assignment inside sh -c', code: "FROM alpine\nARG TOKEN\nRUN --mount=type=secret,id=t sh -c 'TOKEN=$(cat /run/secrets/t) && curl -u \"bot:$TOKEN\" https://example.com'\n" },
    { name: 'format strings', code: 'FROM python\nRUN python -c "print(\'postgres://%s:%s@db/app\' % (u, p))" && printf \'redis://:%s@cache\' x\n' },
    { name: 'a loop variable', code: 'FROM alpine\nARG TOKEN\nRUN for TOKEN in a b; do echo $TOKEN; done\n' },
    { name: '%NAME% is text outside cmd.exe', code: 'FROM alpine\nARG NPM_TOKEN\nRUN echo %NPM_TOKEN%\n' },
    { name: 'a dummy key for a build step', code: 'FROM python\nRUN SECRET_KEY="dummyKeyWithMinimumLength-------------------------" python manage.py collectstatic --no-input\n' },
    { name: 'npm config without credentials', code: 'FROM node\nRUN npm config set registry https://registry.npmjs.org/ && yarn config set network-timeout 600000\n' },
    { name: 'placeholders', code: 'FROM alpine\nRUN curl -u "admin:<password>" https://example.com && curl -H "Authorization: Bearer xxxxxxxx" https://example.com\n' },
    { name: 'a variable the file does not declare', code: 'FROM alpine\nRUN docker login -u bob -p "$DOCKER_PASSWORD" registry.example.com\n' },
    { name: 'chpasswd from a secret, a random password or a hash', code: 'FROM ubuntu\nRUN --mount=type=secret,id=pw echo "bob:$(cat /run/secrets/pw)" | chpasswd && echo "root:$(openssl rand -base64 12)" | chpasswd && echo \'root:$6$salt$hash\' | chpasswd -e\n' },
    { name: 'a variable that is no secret', code: 'FROM alpine\nARG VERSION=1.0\nRUN curl -u "bob:$VERSION" https://example.com\n' },
  ],
  invalid: [
    {
      name: 'curl -u user:password',
      code: 'FROM alpine\nRUN curl -fsSL -u admin:hunter2hunter2 https://example.com/file -o /tmp/file\n',
      errors: [{
        messageId: 'literalCredential', line: 2, column: 25, endLine: 2, endColumn: 39,
        message: `\`curl -u\` passes a password in plain text (\`hunt…\`): ${HISTORY}. ${ADVICE}`,
      }],
    },
    {
      name: 'a password in a URL',
      code: 'FROM alpine\nRUN git clone https://deploy:s3cretpw@git.example.com/acme/app.git\n',
      errors: [{
        messageId: 'literalCredential', line: 2, column: 30, endLine: 2, endColumn: 38,
        message: `A URL passes a password in plain text: ${HISTORY}. ${ADVICE}`,
      }],
    },
    {
      name: 'a build arg as the user of a URL',
      code: 'FROM alpine\nARG GITHUB_TOKEN\nRUN git clone https://$GITHUB_TOKEN@github.com/acme/private.git\n',
      errors: [{
        messageId: 'secretVariable', line: 3, column: 23, endLine: 3, endColumn: 36,
        message: '`$GITHUB_TOKEN` expands ARG GITHUB_TOKEN (line 2), which holds a token, used as the user of a URL: build args are saved in the image history (`docker history`) with every RUN after them. Mount it instead with `RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN` and drop the ARG.',
      }],
    },
    {
      name: 'the classic ENV cred then wget',
      code: 'FROM alpine\nENV cred=admin:s3cr3tpassw0rd\nRUN wget https://$cred@example.com/file\n',
      errors: [{
        messageId: 'secretVariable', line: 3, column: 18, endLine: 3, endColumn: 23,
        message: '`$cred` expands ENV cred (line 2), which holds credentials, used as the user of a URL: the ENV keeps it in the image config (`docker inspect`). Mount it instead with `RUN --mount=type=secret,id=cred,env=cred` and drop the ENV.',
      }],
    },
    {
      name: 'a build arg written to .npmrc in a builder stage',
      code: 'FROM node:20 AS deps\nARG NPM_TOKEN\nRUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci\nFROM node:20-slim\nCOPY --from=deps /node_modules /node_modules\n',
      errors: [{
        messageId: 'secretVariable', line: 3, column: 44, endLine: 3, endColumn: 56,
        message: "`${NPM_TOKEN}` expands ARG NPM_TOKEN (line 2), which holds a token, written to .npmrc as an npm auth token: stage 'deps' is not in the final image, but the value still lands in the builder's cache layers and in any pushed cache image; `echo` also writes it to .npmrc in this layer. Mount it instead with `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN` and drop the ARG.",
      }],
    },
    {
      name: 'a removed .npmrc is not in the layer, but the arg still is in the history',
      code: 'FROM node:20\nARG NPM_TOKEN\nRUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc\n',
      errors: [{
        messageId: 'secretVariable', line: 3, column: 44, endLine: 3, endColumn: 56,
        message: '`${NPM_TOKEN}` expands ARG NPM_TOKEN (line 2), which holds a token, written to .npmrc as an npm auth token: build args are saved in the image history (`docker history`) with every RUN after them. Mount it instead with `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN` and drop the ARG.',
      }],
    },
    {
      name: 'a literal npm token written to .npmrc',
      code: `FROM node:20\nRUN echo "//registry.npmjs.org/:_authToken=${NPM}" > ~/.npmrc\n`,
      errors: [{
        messageId: 'literalCredential', line: 2, column: 44, endLine: 2, endColumn: 84,
        message: `\`echo\` writes an npm auth token to ~/.npmrc in plain text (\`npm_…\`): ${HISTORY}; \`echo\` also writes it to ~/.npmrc in this layer. ${ADVICE}`,
      }],
    },
    {
      name: 'one finding per variable, where it is the credential',
      code: 'FROM node:20\nARG NPM_TOKEN\nRUN if [ -n "$NPM_TOKEN" ]; then npm config set //registry.npmjs.org/:_authToken "$NPM_TOKEN"; fi\n',
      errors: [{ messageId: 'secretVariable', line: 3, column: 83, endLine: 3, endColumn: 93 }],
    },
    {
      // Quoted text that reads like an assignment or a loop is no statement: the RUN still reads the ARG.
      name: 'text that looks like an assignment does not make the variable the RUN\'s own',
      code: 'FROM alpine\nARG GITHUB_TOKEN\nRUN echo "GITHUB_TOKEN=x, for GITHUB_TOKEN in list" && git clone https://$GITHUB_TOKEN@github.com/acme/private.git\n',
      errors: [{ messageId: 'secretVariable', line: 3, column: 74, endLine: 3, endColumn: 87 }],
    },
    {
      name: 'database clients',
      code: "FROM mysql:8\nRUN mysql -uroot -prootpass -e 'select 1' && PGPASSWORD=postgres psql -h db\n",
      errors: [
        { messageId: 'literalCredential', line: 2, column: 20, endLine: 2, endColumn: 28, message: `\`mysql -p\` passes a password in plain text: ${HISTORY}. ${ADVICE}` },
        { messageId: 'literalCredential', line: 2, column: 57, endLine: 2, endColumn: 65, message: `\`PGPASSWORD=\` sets a password in plain text: ${HISTORY}. ${ADVICE}` },
      ],
    },
    {
      name: 'docker login -p and htpasswd -b',
      code: 'FROM docker\nRUN docker login -u bob -p s3cr3tpassword registry.example.com && htpasswd -bc /etc/nginx/.htpasswd admin admin\n',
      errors: [
        { messageId: 'literalCredential', line: 2, column: 28, endLine: 2, endColumn: 42 },
        { messageId: 'literalCredential', line: 2, column: 107, endLine: 2, endColumn: 112 },
      ],
    },
    {
      name: 'sqlcmd -P',
      code: 'FROM mcr.microsoft.com/mssql/server\nRUN /opt/mssql-tools/bin/sqlcmd -S localhost -U sa -P "Str0ngPassw0rd" -Q \'select 1\'\n',
      errors: [{ messageId: 'literalCredential', line: 2, column: 56, endLine: 2, endColumn: 70 }],
    },
    {
      name: 'an Authorization header and wget --password',
      code: 'FROM alpine\nRUN curl -H "Authorization: Bearer abcdef0123456789" https://api.example.com && wget --password=hunter2 ftp://example.com/f\n',
      errors: [
        { messageId: 'literalCredential', line: 2, column: 36, endLine: 2, endColumn: 52 },
        { messageId: 'literalCredential', line: 2, column: 97, endLine: 2, endColumn: 104 },
      ],
    },
    {
      name: 'sh -c is reported once, inside',
      code: 'FROM alpine\nRUN sh -c "curl -u admin:secretpw https://example.com"\n',
      errors: [{ messageId: 'literalCredential', line: 2, column: 26, endLine: 2, endColumn: 34 }],
    },
    {
      name: 'a token in a comment is still in the history',
      code: `FROM alpine\nRUN true # ${GH_TOKEN}\n`,
      errors: [{
        messageId: 'literalCredential', line: 2, column: 12, endLine: 2, endColumn: 54,
        message: `This RUN holds a GitHub token in plain text (\`ghp_…\`): ${HISTORY}. ${ADVICE}`,
      }],
    },
    {
      name: 'a heredoc script',
      code: 'FROM alpine\nRUN <<EOF\ncurl -u admin:secretpw https://example.com\nEOF\n',
      errors: [{ messageId: 'literalCredential', line: 3, column: 15, endLine: 3, endColumn: 23 }],
    },
    {
      name: 'a heredoc writing .npmrc',
      code: 'FROM node:20\nARG NPM_TOKEN\nRUN cat <<EOF > ~/.npmrc\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\nEOF\n',
      errors: [{ messageId: 'secretVariable', line: 4, column: 34, endLine: 4, endColumn: 46 }],
    },
    {
      name: 'cmd.exe variables in a Windows stage',
      code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nARG NPM_TOKEN\nRUN npm config set "//registry.example.com/:_authToken" %NPM_TOKEN%\n',
      errors: [{ messageId: 'secretVariable', line: 3, column: 57, endLine: 3, endColumn: 68 }],
    },
    {
      name: 'exec form',
      code: 'FROM alpine\nRUN ["curl", "-u", "admin:secretpw", "https://example.com"]\n',
      errors: [{ messageId: 'literalCredential', line: 2, column: 27, endLine: 2, endColumn: 35 }],
    },
    {
      name: 'any expansion of a secret build arg',
      code: 'FROM alpine\nARG SECRET\nRUN echo $SECRET\n',
      errors: [{
        messageId: 'secretVariable', line: 3, column: 10, endLine: 3, endColumn: 17,
        message: '`$SECRET` expands ARG SECRET (line 2), which holds a secret: build args are saved in the image history (`docker history`) with every RUN after them. Mount it instead with `RUN --mount=type=secret,id=secret,env=SECRET` and drop the ARG.',
      }],
    },
    {
      name: 'export of a literal token',
      code: `FROM alpine\nRUN export GITHUB_TOKEN=${GH_TOKEN} && make\n`,
      errors: [{ messageId: 'literalCredential', line: 2, column: 25, endLine: 2, endColumn: 67 }],
    },
    {
      name: 'sshpass, mongosh and redis-cli',
      code: "FROM alpine\nRUN sshpass -p 'pw1234' ssh host && mongosh -u admin -p adminpw && redis-cli -a redispw ping\n",
      errors: [
        { messageId: 'literalCredential', line: 2, column: 17, endLine: 2, endColumn: 23 },
        { messageId: 'literalCredential', line: 2, column: 57, endLine: 2, endColumn: 64 },
        { messageId: 'literalCredential', line: 2, column: 81, endLine: 2, endColumn: 88 },
      ],
    },
    {
      name: 'a password set with chpasswd or passwd --stdin',
      code: "FROM ubuntu\nRUN echo 'trtuser:nvidia' | chpasswd && echo s3cret | passwd --stdin bob\n",
      errors: [
        { messageId: 'literalCredential', line: 2, column: 19, endLine: 2, endColumn: 25, message: `\`chpasswd\` sets a password in plain text: ${HISTORY}. ${ADVICE}` },
        { messageId: 'literalCredential', line: 2, column: 46, endLine: 2, endColumn: 52 },
      ],
    },
    {
      name: 'git config --global keeps the URL in ~/.gitconfig',
      code: 'FROM golang\nARG GITHUB_TOKEN\nRUN if [ -n "$GITHUB_TOKEN" ]; then git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf "https://github.com/"; fi\nRUN git config --global url."https://bob:hunter2hunter2@git.example.com/".insteadOf https://git.example.com/\n',
      errors: [
        {
          messageId: 'secretVariable', line: 3, column: 70, endLine: 3, endColumn: 85,
          message: '`${GITHUB_TOKEN}` expands ARG GITHUB_TOKEN (line 2), which holds a token, used as the user of a URL that `git config` stores: build args are saved in the image history (`docker history`) with every RUN after them; `git config` also writes it to ~/.gitconfig in this layer. Mount it instead with `RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN` and drop the ARG.',
        },
        {
          messageId: 'literalCredential', line: 4, column: 42, endLine: 4, endColumn: 56,
          message: `\`git config\` stores a URL with a password in plain text (\`hunt…\`): ${HISTORY}; \`git config\` also writes it to ~/.gitconfig in this layer. ${ADVICE}`,
        },
      ],
    },
    {
      name: 'a variable default is not shown',
      code: 'FROM alpine\nARG PASS\nRUN curl -u "bob:${PASS:-hunter2hunter2}" https://example.com\n',
      errors: [{
        messageId: 'secretVariable', line: 3, column: 18, endLine: 3, endColumn: 41,
        message: '`${PASS}` expands ARG PASS (line 2), which holds a password, used as the password of `curl -u`: build args are saved in the image history (`docker history`) with every RUN after them. Mount it instead with `RUN --mount=type=secret,id=pass,env=PASS` and drop the ARG.',
      }],
    },
    {
      name: 'an ENV copy of a build arg',
      code: 'FROM alpine\nARG TOKEN\nENV TOKEN=$TOKEN\nRUN curl -H "Authorization: token $TOKEN" https://api.example.com\n',
      errors: [{
        messageId: 'secretVariable', line: 4, column: 35, endLine: 4, endColumn: 41,
        message: '`$TOKEN` expands ENV TOKEN (line 3), which holds a token, sent in an Authorization header by `curl`: the ENV keeps it in the image config (`docker inspect`). Mount it instead with `RUN --mount=type=secret,id=token,env=TOKEN` and drop the ENV.',
      }],
    },
  ],
});

// The text pre-check skips the shell parse of RUNs that cannot hold a credential: each of these
// must still be read (and reported), however the command or option is spelled.
describe('the text pre-check lets through every RUN the rule reports', () => {
  beforeAll(() => initShell());
  const cases: [string, string][] = [
    ['quoted command name', 'FROM alpine\nRUN c"ur"l -u admin:hunter2hunter2 https://example.com\n'],
    ['escaped option', 'FROM alpine\nRUN curl \\-u admin:hunter2hunter2 https://example.com\n'],
    ['quoted option after a separator', 'FROM alpine\nRUN true;curl "-u" admin:hunter2hunter2 https://example.com\n'],
    ['long option', 'FROM alpine\nRUN curl --user=admin:hunter2hunter2 https://example.com\n'],
    ['header', 'FROM alpine\nRUN curl -H "Authorization: Bearer 0a1b2c3d4e5f6a7b8c9d" https://example.com\n'],
    ['nested sh -c', 'FROM alpine\nRUN sh -c "wget --password=hunter2hunter2 https://example.com"\n'],
    ['URL password', 'FROM alpine\nRUN git clone https://deploy:s3cretpw@git.example.com/a.git\n'],
    ['URL password with quotes inside', 'FROM alpine\nRUN git clone https://deploy:"s3cretpw"@git.example.com/a.git\n'],
    ['secret assignment', 'FROM postgres\nRUN PGPASSWORD=hunter2hunter2 psql -h db -c "select 1"\n'],
    ['quoted export', 'FROM postgres\nRUN export "DB_PASSWORD=hunter2hunter2"\n'],
    ['secret build arg', 'FROM alpine\nARG API_TOKEN\nRUN curl https://example.com/?t=$API_TOKEN\n'],
    ['secret build arg, braced and quoted', 'FROM alpine\nARG API_TOKEN\nRUN echo "${API_TOKEN}" > /tmp/x\n'],
    ['PowerShell env reference', 'FROM alpine\nARG API_TOKEN\nRUN Write-Host $env:API_TOKEN\n'],
    ['cmd %NAME% reference', 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nARG API_TOKEN\nRUN echo %API_TOKEN%\n'],
    ['mysql -p', 'FROM mysql\nRUN mysql -u root -p"hunter2hunter2" -e "select 1"\n'],
    ['docker login', 'FROM docker\nRUN docker login -u bob -p hunter2hunter2 registry.example.com\n'],
    ['npm config', 'FROM node\nRUN npm config set //registry.example.com/:_authToken abcdef0123456789abcdef\n'],
    ['chpasswd', 'FROM alpine\nRUN echo "root:hunter2hunter2" | chpasswd\n'],
    ['sshpass', 'FROM alpine\nRUN sshpass -p hunter2hunter2 ssh host true\n'],
    ['a tool by its path', 'FROM mysql\nRUN /usr/bin/mysql -u root -phunter2hunter2 -e "select 1"\n'],
    ['a quoted tool name after a wrapper', 'FROM alpine\nRUN sudo -u app "curl" -u bob:hunter2hunter2 https://example.com\n'],
    ['a tool named first as a package', 'FROM debian\nRUN apt-get install -y curl && curl -u bob:hunter2hunter2 https://example.com\n'],
    ['a credential header named in any case, quoted apart', 'FROM alpine\nRUN curl -H "PRIVATE-TOKEN"": 0a1b2c3d4e5f6a7b8c9d" https://example.com\n'],
    ['a header attached to its option', 'FROM alpine\nRUN wget "--header=X-Api-Key: 0a1b2c3d4e5f6a7b8c9d" https://example.com\n'],
    ['cmd %NAME% reference, quoted apart', 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nARG API_TOKEN\nRUN echo %"API_TOKEN"%\n'],
    ['cmd %NAME% reference right after another', 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nARG API_TOKEN\nRUN echo %PATH%API_TOKEN% && curl x -o %API_TOKEN%\n'],
  ];
  for (const [name, code] of cases) {
    it(name, () => {
      const result = lint(code, { rules: [{ rule, severity: 'error' }] });
      expect(result.diagnostics.filter((d) => d.ruleId === rule.meta.id).length, code).toBeGreaterThan(0);
    });
  }
  /** mayHoldCredential of one RUN. */
  const holds = (run: string) => {
    const { ast, lines } = parse(`FROM alpine\nRUN ${run}\n`);
    const model = buildModel(ast, lines);
    return mayHoldCredential(model, model.stages[0].instructions[0]);
  };
  it('text the scan may decode is always read: $\'...\', arrays, +=', () => {
    for (const run of ["bash -c $'\\x63url -u a:b x'", 'A[0]=x', 'DB_PASSWORD+=x', 'ARR[1]+=x']) expect(holds(run), run).toBe(true);
  });
  it('reads the whole name before each = or +=, digits first skipped, as a shell would start it', () => {
    expect(holds('PASSWORD=x make')).toBe(true);
    expect(holds('echo 1PASSWORD=x')).toBe(true);
    expect(holds('a=1 PASSWORD+=x')).toBe(true);
    expect(holds('MY_PASSWORD_FILE_DIR=/x make')).toBe(holds('true MY_PASSWORD_FILE_DIR=/x'));
    expect(holds('PAGER=less SHELL=/bin/sh make')).toBe(false);
    expect(holds('echo ASSWORD=x')).toBe(false);
  });
  it('looks for a tool as a whole word, and for its options after it', () => {
    // Package names that hold a tool's name, and options of other commands.
    expect(holds('apt-get install -y libcurl4 mysql-client php-mongodb docker.io && mkdir -p /x && useradd -u 1000 app')).toBe(false);
    expect(holds('useradd -u 1000 app && curl -fsSL https://example.com')).toBe(false);
    expect(holds('useradd -u 1000 app && curl -u bob https://example.com')).toBe(true);
    expect(holds('mongo --eval x')).toBe(true);
    expect(holds('mariadb-dump -phunter2 db')).toBe(true);
    // Headers and options that cannot carry a credential the scan reads as a literal.
    expect(holds('curl -fsSL -H "Accept: application/json" https://example.com')).toBe(false);
    expect(holds('curl -H "Authorization: Bearer x" https://example.com')).toBe(true);
    expect(holds('wget --header "Accept: text/plain" https://example.com')).toBe(false);
    expect(holds('mysql -u root -p db < dump.sql && mkdir -p /x')).toBe(false);
    expect(holds('curl https://example.com/netrc > ~/.netrc')).toBe(false);
    expect(holds('printf "machine x login bob password hunter2" > ~/.netrc')).toBe(true);
  });
  it('reads cmd %NAME% references on Windows, and only those', () => {
    const windows = (run: string, arg = 'API_TOKEN') => {
      const { ast, lines } = parse(`FROM mcr.microsoft.com/windows/servercore:ltsc2022\nARG ${arg}\nRUN ${run}\n`);
      const model = buildModel(ast, lines);
      return mayHoldCredential(model, model.stages[0].instructions[1]);
    };
    expect(windows('setx /M PATH "%PATH%;C:\\git\\cmd"')).toBe(false);
    expect(windows('echo %API_TOKEN%')).toBe(true);
    expect(windows('echo %PATH%API_TOKEN%')).toBe(true);
    expect(windows('echo %API_"TOKEN"%')).toBe(true);
  });
  it("reads $'...' both ways: escapes as letters and as the control characters they make", () => {
    // The line break ends `true` and starts a `curl` command in the `-c` script.
    expect(holds("bash -c $'true\\ncurl -u a:b x'")).toBe(true);
    // The same escape outside `$'...'` is a letter: `api_secret=` is a secret-looking name.
    expect(holds("echo $'a' && api_secre\\t=hunter2 make")).toBe(true);
    expect(holds("IFS=$'\\n' && for f in $(ls); do echo \"$f\"; done")).toBe(false);
    // Escapes that make any character: only the shell can say.
    for (const run of ["printf $'\\x41'", "printf $'\\101'", "printf $'\\u0041'", "printf $'\\cA'"]) expect(holds(run), run).toBe(true);
  });
  it('reads exec form and heredocs as text too', () => {
    expect(holds('["apt-get", "update"]')).toBe(false);
    expect(holds('["curl", "-u", "bob:hunter2", "https://example.com"]')).toBe(true);
    // JSON escapes the text does not show.
    expect(holds('["cu\\u0072l", "-u", "bob:hunter2", "https://example.com"]')).toBe(true);
    expect(holds('<<EOF\napt-get update\nEOF')).toBe(false);
    expect(holds('<<EOF\ncurl -u bob:hunter2 https://example.com\nEOF')).toBe(true);
    // Data bodies are read as written: an npm token line (YAML's `key: value` too).
    expect(holds("cat <<'EOF' > /root/.npmrc\n//registry.example.com/:_authToken=abc\nEOF")).toBe(true);
    expect(holds("cat <<'EOF' > /root/.yarnrc.yml\nnpmAuthToken: abcdef0123456789\nEOF")).toBe(true);
  });
  it('reads a secret reference in a data heredoc as written, quotes included', () => {
    const code = 'FROM alpine\nARG API_TOKEN\nRUN cat <<EOF > /x\n$API_TOKEN"S_DIR"\nEOF\n';
    const { ast, lines } = parse(code);
    const model = buildModel(ast, lines);
    const run = model.stages[0].instructions[1];
    // Without quotes the text reads `$API_TOKENS_DIR`; the body, where quotes are data, reads `$API_TOKEN`.
    expect(mayHoldCredential(model, run)).toBe(true);
    const found = lint(code, { rules: [{ rule, severity: 'error' }] }).diagnostics.filter((d) => d.ruleId === rule.meta.id);
    expect(found.map((d) => [d.messageId, code.slice(d.range.start, d.range.end)])).toEqual([['secretVariable', '$API_TOKEN']]);
  });
  it.runIf(haveShared)('finds the same on every corpus and gold RUN as the full reading without the pre-check', () => {
    const differs: string[] = [];
    let skipped = 0;
    for (const file of [...listFiles(corpusDir), ...goldFiles()]) {
      const { ast, lines } = parse(readFileSync(file, 'utf8'));
      const model = buildModel(ast, lines);
      for (const top of ast.instructions) {
        const run = top.trigger ?? top;
        if (run.kind !== 'RUN' || mayHoldCredential(model, run)) continue;
        skipped++;
        const fast: unknown[] = [];
        const full: unknown[] = [];
        checkRun(model, run, (r) => fast.push(r));
        checkRun(model, run, (r) => full.push(r), () => true);
        if (JSON.stringify(fast) !== JSON.stringify(full) && differs.length < 5) differs.push(`${file}:${lines.lineOf(run.range.start) + 1}`);
      }
    }
    expect(skipped).toBeGreaterThan(9_000);
    expect(differs).toEqual([]);
  });
  it('skips RUNs that cannot hold a credential, but still finds token formats there', () => {
    const result = lint(`FROM alpine\nRUN apt-get install -y curl && mkdir -p /app\nRUN touch ${GH_TOKEN}\n`, { rules: [{ rule, severity: 'error' }] });
    expect(result.diagnostics.length).toBe(1);
    expect(result.diagnostics[0].message).toContain('a GitHub token');
  });
});
