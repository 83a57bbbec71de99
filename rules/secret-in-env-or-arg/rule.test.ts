import { lint, RuleTester } from '@stowage/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskSecret, nameWords, secretName, shannonEntropy, shownSecret } from '../_lib/secrets.js';
import rule from './rule.js';

// Token-shaped test values are built from pieces so no scanner takes this file for a leak.
const GH_TOKEN = ['ghp', '0123456789abcdefghijklmnopqrstuvwxyzAB'].join('_');
const AKIA = ['AKIA', 'Z7QXW3JTB4KD2EXA'].join('');
const SLACK = ['xoxb', '123456789012', 'abcdefghijkl'].join('-');
const GLPAT = ['glpat', 'abcdefghij0123456789'].join('-');
const JWT = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'].join('.');
const PEM = ['-----BEGIN OPENSSH PRIVATE', 'KEY-----'].join(' ');

describe('maskSecret', () => {
  it('shows the first 4 characters of a value of 12 or more', () => {
    expect(maskSecret(GH_TOKEN)).toBe('ghp_…');
    expect(maskSecret('abcdefghijkl')).toBe('abcd…');
  });
  it('shows nothing of a value shorter than 12', () => {
    expect(maskSecret('abcdefghijk')).toBe('…');
    expect(maskSecret('postgres')).toBe('…');
    expect(maskSecret('')).toBe('…');
  });
  it('counts characters, not UTF-16 units', () => {
    expect(maskSecret('🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑')).toBe('…');
    expect(maskSecret('🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑')).toBe('🔑🔑🔑🔑…');
  });
  it('shownSecret omits short values entirely', () => {
    expect(shownSecret('hunter2')).toBe('');
    expect(shownSecret(GH_TOKEN)).toBe(' (`ghp_…`)');
  });
});

describe('names', () => {
  it('splits on separators, case changes and digits', () => {
    expect(nameWords('GITHUB_TOKEN')).toEqual(['github', 'token']);
    expect(nameWords('githubToken')).toEqual(['github', 'token']);
    expect(nameWords('APIKey')).toEqual(['api', 'key']);
    expect(nameWords('db-password1')).toEqual(['db', 'password', '1']);
  });
  it('matches whole words, not substrings', () => {
    expect(secretName('GITHUB_TOKEN')).not.toBeNull();
    expect(secretName('TOKENIZER_PATH')).toBeNull();
    expect(secretName('AUTHORS')).toBeNull();
    expect(secretName('PASSENGER_VERSION')).toBeNull();
    expect(secretName('INSTALL_SSHPASS')).toBeNull();
  });
  it('leaves out public material and names about a secret', () => {
    for (const n of ['GPG_KEY', 'GPG_KEYS', 'RABBITMQ_PGP_KEY_ID', 'OPENSSL_PGP_KEY_IDS', 'SWIFT_SIGNING_KEY', 'PGP_KEYSERVER',
      'PUBLIC_KEY', 'PASSWORD_FILE', 'SSH_KEY_PATH', 'SECRETS_DIR', 'AUTH_MODULE_VERSION', 'TOKEN_URL', 'PWD',
      'POSTGRES_HOST_AUTH_METHOD', 'MYSQL_ALLOW_EMPTY_PASSWORD', 'AWS_ACCESS_KEY_ID', 'PASSWORD_LENGTH']) {
      expect(secretName(n), n).toBeNull();
    }
  });
  it('knows one-word names', () => {
    expect(secretName('PGPASSWORD')?.kind).toBe('password');
    expect(secretName('ACCESSTOKEN')?.kind).toBe('token');
    expect(secretName('APIKEY')?.kind).toBe('apiKey');
    expect(secretName('LDAP_ROOTPASS')?.kind).toBe('password');
    expect(secretName('VNC_PW')?.kind).toBe('password');
    expect(secretName('VNC_PASSWORDLESS')).toBeNull();
  });
  it('measures entropy', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
  });
});

describe('messages never print a secret', () => {
  const secrets = [GH_TOKEN, 'hunter2hunter2', 's3cretpw', AKIA, 'lgNvGyhnUKpa5PJi'];
  const code = `FROM alpine AS build
ARG GITHUB_TOKEN=${GH_TOKEN}
ENV DB_PASSWORD=hunter2hunter2 DATABASE_URL=postgres://app:s3cretpw@db/app
FROM alpine
ENV AWS_ACCESS_KEY_ID=${AKIA} LICENSE_KEY=lgNvGyhnUKpa5PJi
`;
  it('in messages and related locations', () => {
    const result = lint(code, { rules: [{ rule, severity: 'error' }] });
    expect(result.diagnostics.length).toBe(5);
    const text = JSON.stringify(result.diagnostics);
    for (const s of secrets) {
      expect(text).not.toContain(s);
      expect(text).not.toContain(s.slice(0, 5));
    }
  });
});

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    { name: 'GPG fingerprints', code: 'FROM python\nENV GPG_KEY=A62AE125BBBFBB96A6E042EC925CC1CCED3D1561\nARG SWIFT_SIGNING_KEY=A62AE125BBBFBB96A6E042EC925CC1CCED3D1561\n' },
    { name: 'lists of key ids', code: 'FROM python\nENV GPG_KEYS="05AB33110949707C93A279E3D3EFE6B686867BA6 07E48665A34DCAFAE522E5E6266191C37C037D42"\nENV RABBITMQ_PGP_KEY_ID="0x0A9AF2115F4687BD29803A206B73A36E6026DFCA" OPENSSL_PGP_KEY_IDS="0x8657ABB260F056B1E5190839D9C4D26D0E604491"\n' },
    { name: 'an unqualified key holding a fingerprint', code: 'FROM debian\nARG LLVM_KEY=6084F3CF814B57C1CF12EFD515CF4D18AF4F7421\n' },
    { name: 'a key server', code: 'FROM debian\nENV PGP_KEYSERVER=ha.pool.sks-keyservers.net\n' },
    { name: 'paths to secrets', code: 'FROM postgres\nENV POSTGRES_PASSWORD_FILE=/run/secrets/pg SECRETS_DIR=/run/secrets\nARG SSH_KEY_PATH\n' },
    { name: 'a path under a secret name', code: 'FROM node\nENV GOOGLE_APPLICATION_CREDENTIALS=/app/key.json SE_JAVA_SSL_TRUST_STORE_PASSWORD="/opt/selenium/secrets/server.pass"\nARG SECRETFILE="secret1.txt"\n' },
    { name: 'public and versions', code: 'FROM alpine\nENV PUBLIC_KEY=ssh-ed25519 AUTH_MODULE_VERSION=1.2 OAUTH2_PROXY_VERSION=7.6.0\nARG PUBLIC_TOKEN\n' },
    { name: 'URLs without credentials', code: 'FROM alpine\nENV TOKEN_URL=https://auth.example.com/token CELERY_BROKER_URL=amqp://guest@rabbit\n' },
    { name: 'anonymous FTP', code: 'FROM alpine\nENV MIRROR=ftp://anonymous:anonymous@ftp.example.com/pub\n' },
    { name: 'words that contain a secret word', code: 'FROM python\nARG TOKENIZER_PATH\nENV TOKENIZERS_PARALLELISM=false AUTHORS="a b" PASSENGER_VERSION=6\n' },
    { name: 'PWD is the working directory', code: 'FROM alpine\nENV PWD=/app\n' },
    { name: 'switches', code: 'FROM mysql\nENV MYSQL_ALLOW_EMPTY_PASSWORD=yes MYSQL_RANDOM_ROOT_PASSWORD=yes POSTGRES_HOST_AUTH_METHOD=trust\nENV SMTP_PASSWORD=false\n' },
    { name: 'empty values', code: 'FROM mariadb\nENV DB_PASSWORD= MARIADB_ROOT_PASSWORD="" GEOIP_LICENSE_KEY=""\n' },
    { name: 'placeholders', code: 'FROM alpine\nENV API_KEY=<your-api-key> API_TOKEN=xxxxxxxx SECRET_KEY=your_secret_key_here sa_password="_"\nENV SECRET_KEY_BASE=dummy AWS_SECRET_ACCESS_KEY=FAKE_TO_GENERATE_WARNING_OUTPUT TOKEN=%%TOKEN%%\n' },
    { name: 'token lifetimes and counts', code: 'FROM python\nENV ACCESS_TOKEN_EXPIRE_MINUTES=30 JWT_EXPIRATION_DELTA=3600 MAX_TOKENS=4096 API_TOKEN_COUNT=3\n' },
    { name: 'bracketed placeholders', code: 'FROM alpine\nENV SECRET_KEY="{Upbit Key}" ACCESS_KEY="[YOUR KEY]"\n' },
    { name: 'a command substitution ENV never runs', code: 'FROM alpine\nENV OPENAI_API_KEY=$(cat /run/secrets/OPENAI_API_KEY)\n' },
    { name: "AWS's documented example key", code: 'FROM alpine\nENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n' },
    { name: 'a config key named Key', code: 'FROM mcr.microsoft.com/dotnet/runtime\nENV DefaultProcess__Filters__0__Key=ProcessId\n' },
    { name: 'a global ARG without a value does nothing by itself', code: 'ARG NPM_TOKEN\nARG GH_TOKEN=${GH_TOKEN}\nFROM node\n' },
    { name: 'a variable the file does not declare', code: 'FROM mcr.microsoft.com/mssql/server\nENV SA_PASSWORD=$MSSQL_PASSWORD CLICKHOUSE_PASSWORD=${CLICKHOUSE_PASSWORD}\n' },
    { name: 'prose around a variable', code: 'FROM alpine\nARG T\nENV AUTH_HEADER="Bearer $T" TOKEN_PREFIX="Bearer $T"\n' },
    { name: 'several words of prose', code: 'FROM alpine\nENV PASSWORD_HINT_TEXT="use the vault" SECRET_MESSAGE="hello there world"\n' },
    { name: 'template text is not a name', code: 'FROM alpine\nARG ACCESSTOKEN}}\n' },
    { name: 'a deliberately fake default is no build arg waiting for a credential', code: 'FROM ruby\nARG SECRET_KEY_BASE=dummy\nARG AWS_SECRET_ACCESS_KEY=FAKE_TO_GENERATE_WARNING_OUTPUT\n' },
  ],
  invalid: [
    {
      name: 'a default password in the image',
      code: 'FROM postgres:16\nENV POSTGRES_PASSWORD=postgres\n',
      errors: [{
        messageId: 'literalSecret', line: 2, column: 23, endLine: 2, endColumn: 31,
        message: 'ENV POSTGRES_PASSWORD holds a password in plain text: anyone with the image can read it with `docker inspect`, and images built `FROM` it inherit it. Set it when the container starts (`docker run -e`, an env file or a secrets file) instead; a RUN that needs it can use `--mount=type=secret,id=postgres_password,env=POSTGRES_PASSWORD`.',
      }],
    },
    {
      name: 'a build arg for a token',
      code: 'FROM node:20\nARG NPM_TOKEN\nRUN npm ci\n',
      errors: [{
        messageId: 'secretArg', line: 2, column: 5, endLine: 2, endColumn: 14,
        message: 'ARG NPM_TOKEN looks like it carries a token: a value passed with `--build-arg` is saved in the image history. Use `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN` on the RUN that needs it instead.',
      }],
    },
    {
      name: 'a GitHub token as an ARG default, masked',
      code: `FROM alpine\nARG GITHUB_TOKEN=${GH_TOKEN}\n`,
      errors: [{
        messageId: 'literalSecret', line: 2, column: 18, endLine: 2, endColumn: 60,
        message: 'ARG GITHUB_TOKEN holds a GitHub token in plain text (`ghp_…`): it is in the Dockerfile, and build args are saved in the image history (`docker history`). Pass it at build time with `--secret id=github_token` and read it with `RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN` instead.',
      }],
    },
    {
      name: 'a builder stage still leaks through the cache',
      code: 'FROM golang:1.22 AS build\nENV GOPRIVATE_TOKEN=s3cr3t-t0ken-value\nRUN go build ./...\nFROM alpine\nCOPY --from=build /go/bin/app /app\n',
      errors: [{
        messageId: 'literalSecret', line: 2, column: 21, endLine: 2, endColumn: 39,
        message: "ENV GOPRIVATE_TOKEN holds a token in plain text (`s3cr…`): stage 'build' is not in the final image, but the value still lands in the builder's cache layers and in any pushed cache image. Pass it at build time with `--secret id=goprivate_token` and read it with `RUN --mount=type=secret,id=goprivate_token,env=GOPRIVATE_TOKEN` instead.",
      }],
    },
    {
      name: 'a stage the final image is built FROM is in the image',
      code: 'FROM alpine AS base\nENV ADMIN_PASSWORD=admin\nFROM base\n',
      errors: [{ messageId: 'literalSecret', line: 2, column: 20, endLine: 2, endColumn: 25 }],
    },
    {
      name: 'a URL with a password, whatever the name',
      code: 'FROM python:3.12\nENV DATABASE_URL=postgres://app:s3cretpw@db:5432/app\n',
      errors: [{
        messageId: 'literalSecret', line: 2, column: 18, endLine: 2, endColumn: 53,
        message: 'ENV DATABASE_URL holds a URL with a password in plain text: anyone with the image can read it with `docker inspect`, and images built `FROM` it inherit it. Set it when the container starts (`docker run -e`, an env file or a secrets file) instead; a RUN that needs it can use `--mount=type=secret,id=database_url,env=DATABASE_URL`.',
      }],
    },
    {
      name: 'a private key header',
      code: `FROM alpine\nENV DEPLOY_KEY="${PEM}"\n`,
      errors: [{ messageId: 'literalSecret', line: 2, column: 16, endLine: 2, endColumn: 53 }],
    },
    {
      name: 'a JWT under an ordinary name',
      code: `FROM alpine\nENV HEADER_VALUE=${JWT}\n`,
      errors: [{ messageId: 'literalSecret', line: 2, column: 18, endLine: 2, endColumn: 110 }],
    },
    {
      name: 'AWS keys',
      code: `FROM alpine\nENV AWS_ACCESS_KEY_ID=${AKIA} AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYzzKEY9a8b7c6\n`,
      errors: [
        { messageId: 'literalSecret', line: 2, column: 23, endLine: 2, endColumn: 43 },
        {
          messageId: 'literalSecret', line: 2, column: 66, endLine: 2, endColumn: 106,
          message: 'ENV AWS_SECRET_ACCESS_KEY holds a secret access key in plain text (`wJal…`): anyone with the image can read it with `docker inspect`, and images built `FROM` it inherit it. Set it when the container starts (`docker run -e`, an env file or a secrets file) instead; a RUN that needs it can use `--mount=type=secret,id=aws_secret_access_key,env=AWS_SECRET_ACCESS_KEY`.',
        },
      ],
    },
    {
      name: 'Slack and GitLab tokens',
      code: `FROM alpine\nENV SLACK_WEBHOOK=${SLACK} GITLAB=${GLPAT}\n`,
      errors: [
        { messageId: 'literalSecret', line: 2, column: 19, endLine: 2, endColumn: 49 },
        { messageId: 'literalSecret', line: 2, column: 57, endLine: 2, endColumn: 83 },
      ],
    },
    {
      name: 'a random-looking value under a plain *_KEY name',
      code: 'FROM alpine\nENV NEW_RELIC_KEY=3f9aB7cD1eF0gH2iJ4kL6mN8oP\n',
      errors: [{ messageId: 'literalSecret', line: 2, column: 19, endLine: 2, endColumn: 45 }],
    },
    {
      name: 'ENV copying an ARG is reported once, at the ARG',
      code: 'FROM node:20\nARG NPM_TOKEN\nENV NPM_TOKEN=$NPM_TOKEN\n',
      errors: [{
        messageId: 'secretArg', line: 2, column: 5, endLine: 2, endColumn: 14,
        message: 'ARG NPM_TOKEN looks like it carries a token: a value passed with `--build-arg` is saved in the image history. ENV NPM_TOKEN on line 3 copies it into the image config, where `docker inspect` shows it. Set it when the container starts (`docker run -e`, an env file or a secrets file) instead; a RUN that needs it can use `--mount=type=secret,id=npm_token,env=NPM_TOKEN`.',
      }],
    },
    {
      name: 'ENV copying an ARG in a builder stage',
      code: 'FROM alpine AS build\nARG NPM_TOKEN\nENV NPM_TOKEN=${NPM_TOKEN}\nFROM alpine\n',
      errors: [{
        messageId: 'secretArg', line: 2, column: 5, endLine: 2, endColumn: 14,
        message: "ARG NPM_TOKEN looks like it carries a token: a value passed with `--build-arg` is saved in the image history; stage 'build' is not in the final image, but the value still lands in the builder's cache layers and in any pushed cache image. ENV NPM_TOKEN on line 3 copies it into the image config. Use `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN` on the RUN that needs it instead.",
      }],
    },
    {
      name: 'an ARG defaulting to a reported ARG',
      code: 'FROM alpine\nARG NPM_TOKEN\nARG TOKEN2=$NPM_TOKEN\n',
      errors: [{
        messageId: 'secretArg', line: 2, column: 5, endLine: 2, endColumn: 14,
        message: 'ARG NPM_TOKEN looks like it carries a token: a value passed with `--build-arg` is saved in the image history. ARG TOKEN2 on line 3 takes it as its default. Use `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN` on the RUN that needs it instead.',
      }],
    },
    {
      name: 'ENV taking a password from an ordinary build arg',
      code: 'FROM alpine\nARG FOO\nENV DB_PASSWORD=$FOO\n',
      errors: [{
        messageId: 'secretArg', line: 3, column: 17, endLine: 3, endColumn: 21,
        message: 'ENV DB_PASSWORD copies build arg FOO (line 2), which looks like a password, into the image config, where `docker inspect` shows it. Set it when the container starts (`docker run -e`, an env file or a secrets file) instead; a RUN that needs it can use `--mount=type=secret,id=db_password,env=DB_PASSWORD`.',
      }],
    },
    {
      name: 'ENV taking a password from an ordinary build arg with a literal default',
      code: 'FROM alpine\nARG FOO=hunter2\nENV DB_PASSWORD=$FOO\n',
      errors: [{ messageId: 'literalSecret', line: 3, column: 17, endLine: 3, endColumn: 21 }],
    },
    {
      name: 'a switch default is a build arg waiting for the real value',
      code: 'FROM alpine\nARG SMTP_PASSWORD=false\nARG API_TOKEN=""\nARG NPM_TOKEN=<your-token>\n',
      errors: [
        { messageId: 'secretArg', line: 2, column: 5, endLine: 2, endColumn: 18 },
        { messageId: 'secretArg', line: 3, column: 5, endLine: 3, endColumn: 14 },
        { messageId: 'secretArg', line: 4, column: 5, endLine: 4, endColumn: 14 },
      ],
    },
    {
      name: 'an ARG defaulting to itself has no value',
      code: 'FROM alpine\nARG NEW_RELIC_KEY=${NEW_RELIC_KEY}\n',
      errors: [{ messageId: 'secretArg', line: 2, column: 5, endLine: 2, endColumn: 18 }],
    },
    {
      name: 'a global ARG with a literal',
      code: 'ARG REGISTRY_PASSWORD=hunter2hunter2\nFROM alpine\n',
      errors: [{
        messageId: 'literalSecret', line: 1, column: 23, endLine: 1, endColumn: 37,
        message: 'ARG REGISTRY_PASSWORD holds a password in plain text (`hunt…`): it is in the Dockerfile, and every stage that declares `ARG REGISTRY_PASSWORD` gets it as a build arg. Pass it at build time with `--secret id=registry_password` and read it with `RUN --mount=type=secret,id=registry_password,env=REGISTRY_PASSWORD` instead.',
      }],
    },
    {
      name: 'camelCase names',
      code: 'FROM alpine\nENV githubToken=abc123def456 apiKey=k-9f8e7d6c5b4a\n',
      errors: [
        { messageId: 'literalSecret', line: 2, column: 17, endLine: 2, endColumn: 29 },
        { messageId: 'literalSecret', line: 2, column: 37, endLine: 2, endColumn: 51 },
      ],
    },
    {
      name: 'a literal default in a variable default',
      code: 'FROM alpine\nENV DB_PASSWORD=${DB_PASSWORD:-postgres}\n',
      errors: [{ messageId: 'literalSecret', line: 2, column: 17, endLine: 2, endColumn: 41 }],
    },
    {
      name: 'a short password is not shown at all',
      code: 'FROM alpine\nENV A=1 DB_PASS=hunter2 B=2\n',
      errors: [{
        messageId: 'literalSecret', line: 2, column: 17, endLine: 2, endColumn: 24,
        message: 'ENV DB_PASS holds a password in plain text: anyone with the image can read it with `docker inspect`, and images built `FROM` it inherit it. Set it when the container starts (`docker run -e`, an env file or a secrets file) instead; a RUN that needs it can use `--mount=type=secret,id=db_pass,env=DB_PASS`.',
      }],
    },
    {
      name: 'a refresh token and a hex JWT secret',
      code: 'FROM node\nENV REFRESH_TOKEN=r3fr3sh-t0ken JWT_SECRET=66e53da5bef1e5e56a8e5ba111321269\n',
      errors: [
        { messageId: 'literalSecret', line: 2, column: 19, endLine: 2, endColumn: 32 },
        { messageId: 'literalSecret', line: 2, column: 44, endLine: 2, endColumn: 76 },
      ],
    },
    {
      name: 'legacy ENV with a colon after the name',
      code: 'FROM node\nENV JWT_SECRET_KEY: "maurya@6903"\n',
      errors: [{ messageId: 'literalSecret', line: 2, column: 21, endLine: 2, endColumn: 34 }],
    },
    {
      name: 'legacy ENV form',
      code: 'FROM alpine\nENV LICENSE_KEY lgNvGyhnUKpa5PJi\n',
      errors: [{ messageId: 'literalSecret', line: 2, column: 17, endLine: 2, endColumn: 33 }],
    },
    {
      name: 'one-word names and auth',
      code: 'FROM alpine\nARG ROOTPASS=fsociety\nARG COMPOSER_AUTH\nARG MYSQL_PWD=root\n',
      errors: [
        { messageId: 'literalSecret', line: 2, column: 14, endLine: 2, endColumn: 22 },
        { messageId: 'secretArg', line: 3, column: 5, endLine: 3, endColumn: 18 },
        { messageId: 'literalSecret', line: 4, column: 15, endLine: 4, endColumn: 19 },
      ],
    },
  ],
});
