import { RuleTester } from '@stowage/core';
import { beforeAll, describe, it } from 'vitest';
import rule from './rule.js';

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    'FROM golang AS build\nFROM alpine\nCOPY --from=build /app /app\n',
    { name: 'a number that is no earlier stage is copy-from-unknown-stage', code: 'FROM alpine\nCOPY --from=0 /a /a\n' },
    { name: 'a number behind a variable', code: 'FROM golang\nFROM alpine\nARG N=0\nCOPY --from=$N /a /a\n' },
    { name: 'ONBUILD counts the downstream stages', code: 'FROM golang\nFROM alpine\nONBUILD COPY --from=0 /a /a\n' },
  ],
  invalid: [
    {
      name: 'a named stage by number',
      code: 'FROM golang:1.22 AS build\nRUN go build -o /app\nFROM alpine\nCOPY --from=0 /app /app\n',
      errors: [
        {
          messageId: 'useName', line: 4, column: 13, endLine: 4, endColumn: 14,
          message: "`--from=0` names stage 'build' by its position; refer to it by name so reordering stages cannot break the copy.",
        },
      ],
      output: 'FROM golang:1.22 AS build\nRUN go build -o /app\nFROM alpine\nCOPY --from=build /app /app\n',
    },
    {
      name: 'an unnamed stage by number',
      code: 'FROM golang:1.22\nFROM alpine\nCOPY --from=0 /app /app\n',
      errors: [
        {
          messageId: 'nameStage', line: 3, column: 13, endLine: 3, endColumn: 14,
          message: '`--from=0` names stage 0 by its position; name that stage with `AS <name>` and refer to it by name.',
        },
      ],
      output: null,
    },
    {
      name: 'a number in RUN --mount',
      code: 'FROM golang AS build\nFROM alpine\nRUN --mount=type=bind,from=0,target=/src true\n',
      errors: [
        {
          messageId: 'mountIndex', line: 3, column: 28, endLine: 3, endColumn: 29,
          message: "`from=0` in RUN --mount is not a stage number: BuildKit looks for an image named '0'. Refer to the stage by name ('build').",
          suggestions: [{ title: "Replace 0 with 'build'", output: 'FROM golang AS build\nFROM alpine\nRUN --mount=type=bind,from=build,target=/src true\n' }],
        },
      ],
      output: null,
    },
    {
      name: 'a number in RUN --mount naming an unnamed stage',
      code: 'FROM golang\nFROM alpine\nRUN --mount=from=0,target=/src true\n',
      errors: [{ messageId: 'mountIndex', line: 3, column: 18, endLine: 3, endColumn: 19 }],
    },
  ],
});
