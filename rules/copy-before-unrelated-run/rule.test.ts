import { RuleTester } from '@stowage/core';
import { beforeAll, describe, it } from 'vitest';
import rule from './rule.js';

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    {
      name: 'system packages before the sources',
      code: 'FROM python:3.12\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n',
    },
    { name: 'the RUN reads the copied files', code: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n' },
    { name: 'chown of the copied directory', code: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN useradd -m app && chown -R app /app\n' },
    { name: 'a relative path in the working directory', code: 'FROM debian\nWORKDIR /app\nCOPY . .\nRUN curl -fsSL -o data.json https://example.com/data.json\n' },
    { name: 'curl -O writes into the working directory', code: 'FROM debian\nWORKDIR /app\nCOPY . .\nRUN curl -fsSLO https://example.com/tool.tgz\n' },
    { name: 'a local package file from the context', code: 'FROM debian\nWORKDIR /app\nCOPY . .\nRUN apt-get install -y ./vendor/tool.deb\n' },
    { name: 'a script of the context', code: 'FROM debian\nWORKDIR /app\nCOPY . .\nRUN apt-get update && ./install.sh\n' },
    { name: 'the working directory is not known', code: 'FROM debian\nCOPY . .\nRUN apt-get update && apt-get install -y curl\n' },
    { name: 'a USER in between', code: 'FROM debian\nWORKDIR /app\nCOPY . .\nUSER app\nRUN curl -fsSL -o /tmp/x https://example.com/x\n' },
    { name: 'a WORKDIR in between', code: 'FROM debian\nWORKDIR /app\nCOPY . .\nWORKDIR /opt\nRUN apt-get install -y curl\n' },
    { name: 'an ENV in between that the RUN reads', code: 'FROM debian\nWORKDIR /app\nCOPY . .\nENV PKG=curl\nRUN apt-get install -y $PKG\n' },
    { name: 'after a RUN that reads the sources', code: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN apt-get update && apt-get install -y curl\n' },
    { name: 'only cheap file operations', code: 'FROM debian\nWORKDIR /app\nCOPY . .\nRUN mkdir -p /var/log/app && ln -s /usr/bin/python3 /usr/local/bin/python\n' },
    { name: 'a copy of one file is not frequently changing content', code: 'FROM debian\nWORKDIR /app\nCOPY requirements.txt .\nRUN apt-get install -y curl\n' },
    {
      name: 'a config file copied under /etc in between: the package install may read it',
      code: 'FROM debian\nWORKDIR /app\nCOPY . .\nCOPY conf/nginx.conf /etc/nginx/nginx.conf\nRUN apt-get update && apt-get install -y nginx\n',
    },
    { name: 'the context copied to /', code: 'FROM alpine\nCOPY . /\nRUN apk add --no-cache bash\n' },
    { name: 'a bind mount of the context', code: 'FROM debian\nWORKDIR /app\nCOPY . .\nRUN --mount=type=bind,target=/src apt-get install -y curl\n' },
    { name: 'a Windows stage', code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:/app\nCOPY . .\nRUN choco install -y git\n' },
    { name: 'a RUN in another stage', code: 'FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nFROM debian\nRUN apt-get update && apt-get install -y curl\n' },
  ],
  invalid: [
    {
      name: 'apt-get install after COPY . .',
      code: 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*\nRUN pip install -r requirements.txt\n',
      errors: [
        {
          messageId: 'moveAbove', line: 4, column: 1, endLine: 4, endColumn: 103,
          message: 'This RUN does not read what `COPY . .` (line 3) copies, yet it reruns on every edit in the build context. Move it above that COPY.',
        },
      ],
      output:
        'FROM python:3.12\nWORKDIR /app\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*\nCOPY . .\nRUN pip install -r requirements.txt\n',
    },
    {
      name: 'user creation and a download after a source directory',
      code: 'FROM node:20\nWORKDIR /app\nCOPY src/ ./src/\n# runtime user\nRUN groupadd -r app && useradd -r -g app -d /home/app app\nRUN curl -fsSL https://example.com/tini -o /usr/local/bin/tini && chmod +x /usr/local/bin/tini\n',
      errors: [
        {
          messageId: 'moveAbove', line: 5, column: 1, endLine: 5, endColumn: 58,
          message: 'This RUN does not read what `COPY src/ ./src/` (line 3) copies, yet it reruns on every edit in src/. Move it above that COPY.',
        },
        { messageId: 'moveAbove', line: 6, column: 1, endLine: 6, endColumn: 95 },
      ],
      output:
        'FROM node:20\nWORKDIR /app\n# runtime user\nRUN groupadd -r app && useradd -r -g app -d /home/app app\nRUN curl -fsSL https://example.com/tini -o /usr/local/bin/tini && chmod +x /usr/local/bin/tini\nCOPY src/ ./src/\n',
    },
    {
      name: 'a global tool install',
      code: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install -g pm2@5\nCMD ["pm2-runtime", "index.js"]\n',
      errors: [{ messageId: 'moveAbove', line: 4, column: 1, endLine: 4, endColumn: 25 }],
      output: 'FROM node:20\nWORKDIR /app\nRUN npm install -g pm2@5\nCOPY . .\nCMD ["pm2-runtime", "index.js"]\n',
    },
    {
      name: 'a download unpacked elsewhere, after cd to another directory',
      code: 'FROM debian\nWORKDIR /app\nCOPY . .\nRUN cd /tmp && wget -q https://example.com/x.tgz && tar -xzf x.tgz -C /opt && rm x.tgz\n',
      errors: [{ messageId: 'moveAbove', line: 4, column: 1, endLine: 4, endColumn: 87 }],
      output: 'FROM debian\nWORKDIR /app\nRUN cd /tmp && wget -q https://example.com/x.tgz && tar -xzf x.tgz -C /opt && rm x.tgz\nCOPY . .\n',
    },
    {
      name: 'no fix across another COPY',
      code: 'FROM debian\nWORKDIR /app\nCOPY . .\nCOPY assets/logo.png /srv/static/logo.png\nRUN apt-get update && apt-get install -y curl\n',
      errors: [{ messageId: 'moveAbove', line: 5, column: 1, endLine: 5, endColumn: 46 }],
      output: null,
    },
  ],
});
