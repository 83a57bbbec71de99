import { RuleTester } from '@stowage/core';
import { beforeAll, describe, it } from 'vitest';
import rule from './rule.js';

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    'FROM alpine AS build\nFROM alpine AS test\n',
    'FROM alpine\nFROM alpine\n',
    'FROM alpine AS build\nFROM build\n',
  ],
  invalid: [
    {
      code: 'FROM golang AS build\nRUN go build\nFROM alpine AS build\n',
      errors: [{ messageId: 'duplicate', line: 3, column: 16, endLine: 3, endColumn: 21 }],
      output: null,
    },
    {
      name: 'names differ only in case',
      code: 'FROM golang AS Build\nFROM alpine AS build\nFROM alpine AS BUILD\n',
      errors: [
        { messageId: 'duplicate', line: 2, column: 16, endLine: 2, endColumn: 21, message: "Stage name 'build' is already used by the stage at line 1; stage names are case-insensitive and must be unique." },
        { messageId: 'duplicate', line: 3, column: 16, endLine: 3, endColumn: 21 },
      ],
    },
  ],
});
