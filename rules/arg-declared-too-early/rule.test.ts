import { RuleTester } from '@stowage/core';
import { beforeAll, describe, it } from 'vitest';
import rule from './rule.js';

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    { name: 'used by the next RUN', code: 'FROM debian\nARG BUILD_DATE\nRUN echo "$BUILD_DATE" > /build-date\n' },
    {
      // The look below an ARG is bounded (200 instructions), so that many ARGs over many RUNs stay linear.
      name: 'used only more than 200 instructions below',
      code: `FROM debian\nARG BUILD_DATE\n${'RUN mkdir -p /opt\n'.repeat(200)}RUN echo "$BUILD_DATE" > /build-date\n`,
    },
    { name: 'no RUN between', code: 'FROM debian\nARG VCS_REF\nCOPY app /app\nLABEL revision=$VCS_REF\n' },
    {
      name: 'a RUN in between runs make, which may read it from its environment',
      code: 'FROM debian\nARG VERSION\nRUN make install\nLABEL version=$VERSION\n',
    },
    {
      name: 'a RUN in between runs a script',
      code: 'FROM debian\nARG VERSION\nRUN ./configure && sh build.sh\nLABEL version=$VERSION\n',
    },
    {
      name: 'npm ci runs package scripts that may read it',
      code: 'FROM node\nARG GIT_COMMIT\nCOPY . .\nRUN npm ci\nLABEL revision=$GIT_COMMIT\n',
    },
    {
      name: 'a heredoc in another language may read it',
      code: 'FROM python\nARG VERSION\nRUN <<EOF\n#!/usr/bin/env python3\nimport os\nprint(os.environ)\nEOF\nLABEL version=$VERSION\n',
    },
    {
      name: 'the name is mentioned in the RUN without $ (printenv)',
      code: 'FROM debian\nARG VERSION\nRUN apt-get update && printenv VERSION\nLABEL version=$VERSION\n',
    },
    {
      name: 'never named in the stage: implicit use or a deliberate cache buster',
      code: 'FROM debian\nARG CACHEBUST=1\nRUN apt-get update && apt-get install -y curl\nRUN git clone https://example.com/repo.git /src\n',
    },
    {
      name: 'apt-get reads DEBIAN_FRONTEND',
      code: 'FROM debian\nARG DEBIAN_FRONTEND=noninteractive\nRUN apt-get update && apt-get install -y curl\nRUN echo $DEBIAN_FRONTEND\n',
    },
    {
      name: 'pip reads PIP_ variables',
      code: 'FROM python\nARG PIP_INDEX_URL\nRUN pip install flask\nRUN echo $PIP_INDEX_URL\n',
    },
    {
      name: 'pip install -r may build local packages',
      code: 'FROM python\nARG VERSION\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nLABEL version=$VERSION\n',
    },
    { name: 'proxy args are kept out of the cache key', code: 'FROM debian\nARG http_proxy\nRUN apt-get update\nRUN curl -x "$http_proxy" https://example.com\n' },
    { name: 'platform args', code: 'FROM debian\nARG TARGETARCH\nRUN apt-get update\nRUN curl -o /x https://example.com/x-$TARGETARCH\n' },
    { name: 'global ARGs are not in RUN environments', code: 'ARG VERSION=1\nFROM debian:$VERSION\nRUN apt-get update\nRUN echo hi\n' },
    {
      name: 'a variable many tools read (TZ)',
      code: 'FROM debian\nARG TZ=UTC\nRUN apt-get update\nRUN ln -snf /usr/share/zoneinfo/$TZ /etc/localtime\n',
    },
    {
      name: 'shadowed by ENV before any use',
      code: 'FROM debian\nARG VERSION\nRUN apt-get update\nENV VERSION=1.0\nLABEL version=$VERSION\n',
    },
    {
      name: 'a RUN that names a non-static command',
      code: 'FROM debian\nARG VERSION\nRUN $INSTALLER curl\nLABEL version=$VERSION\n',
    },
    {
      name: 'sh reading a script from a pipe',
      code: 'FROM debian\nARG VERSION\nRUN curl -fsSL https://example.com/install.sh | sh\nLABEL version=$VERSION\n',
    },
    {
      name: 'find -exec runs other commands',
      code: 'FROM debian\nARG VERSION\nRUN find / -name "*.sh" -exec {} \\;\nLABEL version=$VERSION\n',
    },
    {
      name: 'a Windows stage',
      code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nARG VERSION\nRUN mkdir C:\\app\nLABEL version=$VERSION\n',
    },
    {
      name: 'a language home variable that installs and tools may read (JAVA_HOME)',
      code: 'FROM debian\nARG JAVA_HOME=/opt/java\nRUN apt-get update && apt-get install -y curl\nRUN mkdir -p $JAVA_HOME\n',
    },
    { name: 'ONBUILD ARG', code: 'FROM debian\nONBUILD ARG VERSION\nONBUILD RUN apt-get update\nONBUILD LABEL version=$VERSION\n', onbuild: false },
    {
      name: 'a later stage uses a same-named ARG of its own',
      code: 'FROM debian AS a\nARG VERSION\nRUN echo $VERSION\nFROM debian\nARG VERSION\nLABEL version=$VERSION\n',
    },
  ],
  invalid: [
    {
      name: 'used 199 instructions below: still within the bound',
      code: `FROM debian\nARG BUILD_DATE\n${'RUN mkdir -p /opt\n'.repeat(199)}RUN echo "$BUILD_DATE" > /build-date\n`,
      errors: [{ messageId: 'volatile', line: 2, column: 5, endLine: 2, endColumn: 15 }],
      output: `FROM debian\n${'RUN mkdir -p /opt\n'.repeat(199)}ARG BUILD_DATE\nRUN echo "$BUILD_DATE" > /build-date\n`,
    },
    {
      name: 'a volatile name used by a later RUN',
      code: 'FROM debian\nARG BUILD_DATE\nRUN apt-get update && apt-get install -y curl\nRUN echo "$BUILD_DATE" > /build-date\n',
      errors: [
        {
          messageId: 'volatile', line: 2, column: 5, endLine: 2, endColumn: 15,
          message:
            'ARG BUILD_DATE usually changes on every build, and it is declared 1 RUN before its first use (line 4): each new value reruns those RUNs although they cannot read it. Declare it just before line 4.',
        },
      ],
      output: 'FROM debian\nRUN apt-get update && apt-get install -y curl\nARG BUILD_DATE\nRUN echo "$BUILD_DATE" > /build-date\n',
    },
    {
      name: 'used only by LABEL at the end',
      code: 'FROM alpine\nARG VCS_REF\nRUN apk add --no-cache curl\nRUN addgroup -S app && adduser -S app -G app\nCOPY . /app\nLABEL org.opencontainers.image.revision=$VCS_REF\n',
      errors: [
        {
          messageId: 'labelOnly', line: 2, column: 5, endLine: 2, endColumn: 12,
          message:
            'ARG VCS_REF is only used by LABEL on line 6, yet the 2 RUNs above rerun whenever its value changes (a build arg is in the cache key of every RUN after it). Declare it just before line 6.',
        },
      ],
      output: 'FROM alpine\nRUN apk add --no-cache curl\nRUN addgroup -S app && adduser -S app -G app\nCOPY . /app\nARG VCS_REF\nLABEL org.opencontainers.image.revision=$VCS_REF\n',
    },
    {
      name: 'a tool version: a hint',
      code: 'FROM debian\nARG NODE_VERSION=20.11.0\nRUN apt-get update && apt-get install -y curl xz-utils\nRUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/dist/v${NODE_VERSION}/node-v${NODE_VERSION}-linux-x64.tar.xz\n',
      errors: [
        {
          messageId: 'tooEarly', line: 2, column: 5, endLine: 2, endColumn: 25,
          message:
            'ARG NODE_VERSION is declared 1 RUN before its first use (line 4): a new value reruns those RUNs too, although they cannot read it. Declare it just before line 4.',
        },
      ],
      output:
        'FROM debian\nRUN apt-get update && apt-get install -y curl xz-utils\nARG NODE_VERSION=20.11.0\nRUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/dist/v${NODE_VERSION}/node-v${NODE_VERSION}-linux-x64.tar.xz\n',
    },
    {
      name: 'moved down to the first RUN that may read it',
      code: 'FROM debian\nARG APP_VERSION\nRUN apt-get update\nRUN make\nLABEL version=$APP_VERSION\n',
      errors: [
        {
          messageId: 'volatile', line: 2, column: 5, endLine: 2, endColumn: 16,
          message:
            'ARG APP_VERSION usually changes on every build, and it is declared 1 RUN before line 4, the first RUN that may read it: each new value reruns those RUNs although they cannot read it. Declare it just before line 4.',
        },
      ],
      output: 'FROM debian\nRUN apt-get update\nARG APP_VERSION\nRUN make\nLABEL version=$APP_VERSION\n',
    },
    {
      name: 'comments move with the ARG and stay above the use',
      code: 'FROM debian\n# set by CI\nARG GIT_COMMIT\n\nRUN useradd -m app\n\n# record the commit\nRUN echo "$GIT_COMMIT" > /commit\n',
      errors: [{ messageId: 'volatile', line: 3, column: 5, endLine: 3, endColumn: 15 }],
      output: 'FROM debian\n\nRUN useradd -m app\n\n# set by CI\nARG GIT_COMMIT\n# record the commit\nRUN echo "$GIT_COMMIT" > /commit\n',
    },
    {
      name: 'several names in one ARG: no fix',
      code: 'FROM debian\nARG BUILD_DATE VCS_REF\nRUN apt-get update\nLABEL built=$BUILD_DATE revision=$VCS_REF\n',
      errors: [
        { messageId: 'labelOnly', line: 2, column: 5, endLine: 2, endColumn: 15 },
        { messageId: 'labelOnly', line: 2, column: 16, endLine: 2, endColumn: 23 },
      ],
      output: null,
    },
    {
      name: 'a default that would change meaning below: no fix',
      code: 'FROM debian\nARG BASE=/opt\nARG DEST=$BASE/app\nRUN apt-get update\nARG BASE=/srv\nRUN mkdir -p $DEST\n',
      errors: [{ messageId: 'tooEarly', line: 3, column: 5, endLine: 3, endColumn: 19 }],
      output: null,
    },
    {
      name: 'commands inside sh -c and exec-form RUNs',
      code: 'FROM debian\nARG VERSION=1.2.3\nRUN ["apt-get", "install", "-y", "curl"]\nRUN sh -c "mkdir -p /opt/app && chmod 755 /opt/app"\nRUN curl -o /opt/app/app.tgz https://example.com/app-$VERSION.tgz\n',
      errors: [{ messageId: 'volatile', line: 2, column: 5, endLine: 2, endColumn: 18 }],
      output:
        'FROM debian\nRUN ["apt-get", "install", "-y", "curl"]\nRUN sh -c "mkdir -p /opt/app && chmod 755 /opt/app"\nARG VERSION=1.2.3\nRUN curl -o /opt/app/app.tgz https://example.com/app-$VERSION.tgz\n',
    },
    {
      name: 'a download checksum is not a volatile value',
      code: 'FROM debian\nARG MAVEN_SHA=89ab8ece\nRUN apt-get update\nRUN echo "$MAVEN_SHA  /tmp/maven.tgz" | sha512sum -c -\n',
      errors: [{ messageId: 'tooEarly', line: 2, column: 5, endLine: 2, endColumn: 23 }],
      output: 'FROM debian\nRUN apt-get update\nARG MAVEN_SHA=89ab8ece\nRUN echo "$MAVEN_SHA  /tmp/maven.tgz" | sha512sum -c -\n',
    },
    {
      name: 'a tool release or repository is not a volatile value',
      code: 'FROM debian\nARG K8S_RELEASE=v1.30\nARG GIT_REPO=https://example.com/x.git\nRUN apt-get update\nRUN git clone -b $K8S_RELEASE $GIT_REPO /src\n',
      errors: [
        { messageId: 'tooEarly', line: 2, column: 5, endLine: 2, endColumn: 22 },
        { messageId: 'tooEarly', line: 3, column: 5, endLine: 3, endColumn: 39 },
      ],
      output: 'FROM debian\nRUN apt-get update\nARG K8S_RELEASE=v1.30\nARG GIT_REPO=https://example.com/x.git\nRUN git clone -b $K8S_RELEASE $GIT_REPO /src\n',
    },
    {
      name: 'pip install of named packages cannot read it',
      code: 'FROM python:3.12\nARG GIT_SHA\nRUN pip install --no-cache-dir flask==3.0.0 gunicorn\nENV GIT_SHA=$GIT_SHA\n',
      errors: [{ messageId: 'labelOnly', line: 2, column: 5, endLine: 2, endColumn: 12 }],
      output: 'FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.0 gunicorn\nARG GIT_SHA\nENV GIT_SHA=$GIT_SHA\n',
    },
  ],
});
