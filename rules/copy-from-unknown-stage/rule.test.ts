import { RuleTester } from '@stowage/core';
import { beforeAll, describe, it } from 'vitest';
import rule from './rule.js';

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    'FROM golang AS build\nFROM alpine\nCOPY --from=build /app /app\n',
    'FROM golang AS Build\nFROM alpine\nCOPY --from=BUILD /app /app\n',
    'FROM golang\nFROM alpine\nCOPY --from=0 /app /app\n',
    'FROM golang AS build\nFROM alpine\nRUN --mount=type=bind,from=build,target=/src true\n',
    { name: 'images are not stages', code: 'FROM alpine AS build\nFROM alpine\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\nCOPY --from=ghcr.io/astral-sh/uv /uv /bin/\n' },
    { name: 'an official image close to a stage name', code: 'FROM golang:1.22 AS golang-build\nFROM alpine\nCOPY --from=golang /usr/local/go /go\n' },
    { name: 'an image this file pulls', code: 'FROM myorg/tools:1 AS tools-build\nFROM alpine AS app\nCOPY --from=tools /bin/x /x\nFROM tools:2\n' },
    { name: 'a name far from every stage', code: 'FROM alpine AS build\nFROM alpine\nCOPY --from=certs /etc/ssl /etc/ssl\n' },
    { name: 'unresolved variables', code: 'FROM alpine AS build\nFROM alpine\nARG SRC\nCOPY --from=${SRC} /a /a\n' },
    { name: 'numbers in RUN --mount are left to copy-from-index', code: 'FROM alpine\nFROM alpine\nRUN --mount=from=5,target=/x true\n' },
    { name: 'ONBUILD names stages of the downstream file', code: 'FROM alpine\nONBUILD COPY --from=build /a /a\nFROM alpine AS build\n' },
  ],
  invalid: [
    {
      name: 'a stage defined later',
      code: 'FROM alpine\nCOPY --from=build /app /app\nFROM golang AS build\n',
      errors: [
        {
          messageId: 'laterStage', line: 2, column: 13, endLine: 2, endColumn: 18,
          message: "Stage 'build' is defined later (line 3); COPY --from can only use stages defined before the current one, so the build fails.",
        },
      ],
    },
    {
      name: 'a mount from a later stage',
      code: 'FROM alpine\nRUN --mount=type=bind,from=build,target=/src true\nFROM golang AS build\n',
      errors: [{ messageId: 'laterStage', line: 2, column: 28, endLine: 2, endColumn: 33 }],
    },
    {
      name: 'its own stage',
      code: 'FROM alpine AS app\nCOPY --from=app /a /b\n',
      errors: [{ messageId: 'ownStage', line: 2, column: 13, endLine: 2, endColumn: 16, message: "'app' is the stage this instruction belongs to; a stage cannot copy from itself." }],
    },
    {
      name: 'a stage number that is not earlier',
      code: 'FROM golang\nFROM alpine\nCOPY --from=1 /a /b\nCOPY --from=7 /a /b\n',
      errors: [
        { messageId: 'indexOutOfRange', line: 3, column: 13, endLine: 3, endColumn: 14, message: 'Stage number 1 is not an earlier stage: stages count from 0 and this instruction is in stage 1.' },
        { messageId: 'indexOutOfRange', line: 4, column: 13, endLine: 4, endColumn: 14 },
      ],
    },
    {
      name: 'a misspelt stage name',
      code: 'FROM golang AS builder\nFROM alpine\nCOPY --from=buidler /app /app\n',
      errors: [
        {
          messageId: 'unknownStage', line: 3, column: 13, endLine: 3, endColumn: 20,
          message: "'buidler' names no stage and looks like a misspelling of stage 'builder'; as written, it is pulled as an image.",
          suggestions: [{ title: "Replace with 'builder'", output: 'FROM golang AS builder\nFROM alpine\nCOPY --from=builder /app /app\n' }],
        },
      ],
      output: null,
    },
    {
      name: 'ADD --from and a resolved ARG',
      code: 'FROM golang AS builder\nFROM alpine\nARG SRC=build\nADD --from=$SRC /app /app\n',
      errors: [
        {
          messageId: 'unknownStage', line: 4, column: 12, endLine: 4, endColumn: 16,
        },
      ],
    },
  ],
});
