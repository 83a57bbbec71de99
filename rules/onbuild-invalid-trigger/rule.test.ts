import { RuleTester } from '@stowage/core';
import { beforeAll, describe, it } from 'vitest';
import rule from './rule.js';

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    'FROM node:20\nONBUILD COPY . /app\nONBUILD RUN npm ci\n',
    { name: 'every allowed trigger', code: 'FROM alpine\nONBUILD ADD a /a\nONBUILD ARG X\nONBUILD CMD ["x"]\nONBUILD ENTRYPOINT ["x"]\nONBUILD ENV A=b\nONBUILD EXPOSE 80\nONBUILD HEALTHCHECK CMD true\nONBUILD LABEL a=b\nONBUILD SHELL ["/bin/sh", "-c"]\nONBUILD STOPSIGNAL SIGTERM\nONBUILD USER app\nONBUILD VOLUME /data\nONBUILD WORKDIR /app\n' },
    { name: 'a trigger on the next line', code: 'FROM alpine\nONBUILD \\\n  RUN true\n' },
    { name: 'FROM and MAINTAINER outside ONBUILD', code: 'FROM alpine\nMAINTAINER me\n' },
    { name: 'the words in arguments', code: 'FROM alpine\nONBUILD RUN echo ONBUILD FROM MAINTAINER\n' },
  ],
  invalid: [
    {
      name: 'ONBUILD ONBUILD',
      code: 'FROM alpine\nONBUILD ONBUILD RUN true\n',
      errors: [
        {
          messageId: 'chained', line: 2, column: 9, endLine: 2, endColumn: 16,
          message: 'Chaining `ONBUILD ONBUILD` is not allowed: Docker rejects this line and the build fails.',
        },
      ],
      output: null,
    },
    {
      name: 'ONBUILD FROM',
      code: 'FROM alpine\nONBUILD FROM node:20\n',
      errors: [
        {
          messageId: 'notAllowed', line: 2, column: 9, endLine: 2, endColumn: 13,
          message: '`FROM` is not allowed as an ONBUILD trigger: Docker rejects this line and the build fails.',
        },
      ],
    },
    {
      name: 'ONBUILD MAINTAINER, any case',
      code: 'FROM alpine\nonbuild maintainer me@example.com\n',
      errors: [
        {
          messageId: 'notAllowed', line: 2, column: 9, endLine: 2, endColumn: 19,
          message: '`MAINTAINER` is not allowed as an ONBUILD trigger: Docker rejects this line and the build fails.',
        },
      ],
    },
    {
      name: 'ONBUILD with nothing after it',
      code: 'FROM alpine\nONBUILD\nONBUILD   \nRUN true\n',
      errors: [
        {
          messageId: 'empty', line: 2, column: 1, endLine: 2, endColumn: 8,
          message: 'ONBUILD needs an instruction to run in images built FROM this one: Docker rejects an empty ONBUILD and the build fails.',
        },
        { messageId: 'empty', line: 3, column: 1, endLine: 3, endColumn: 8 },
      ],
    },
    {
      name: 'only the outer chain is reported',
      code: 'FROM alpine\nONBUILD ONBUILD FROM alpine\n',
      errors: [{ messageId: 'chained', line: 2, column: 9, endLine: 2, endColumn: 16 }],
    },
    {
      name: 'in a multi-stage file, each stage',
      code: 'FROM alpine AS a\nONBUILD FROM b\nFROM a\nONBUILD MAINTAINER x\n',
      errors: [
        { messageId: 'notAllowed', line: 2, column: 9, endLine: 2, endColumn: 13 },
        { messageId: 'notAllowed', line: 4, column: 9, endLine: 4, endColumn: 19 },
      ],
    },
  ],
});
