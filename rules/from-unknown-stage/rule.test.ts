import { RuleTester } from '@stowage/core';
import { beforeAll, describe, it } from 'vitest';
import rule from './rule.js';

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    'FROM alpine AS base\nFROM base\n',
    'FROM alpine AS Base\nFROM base\n',
    'FROM scratch\n',
    { name: 'an official image close to a stage name', code: 'FROM golang:1.22 AS golang-builder\nFROM golang\n' },
    { name: 'an official image named like a later stage', code: 'FROM node\nFROM alpine AS node\n' },
    { name: 'an image the file pulls elsewhere', code: 'FROM acme-base:1 AS base-build\nFROM acme-base\n' },
    { name: 'its own name', code: 'FROM builder AS builder\n' },
    { name: 'tags, digests and registries are images', code: 'FROM alpine AS base\nFROM base:1\nFROM bse@sha256:abc\nFROM localhost/base\n' },
    { name: 'unresolved variables', code: 'ARG BASE\nFROM alpine AS base\nFROM ${BASE}\n' },
    { name: 'a name far from every stage', code: 'FROM alpine AS builder\nFROM runtime-image\n' },
  ],
  invalid: [
    {
      name: 'a stage defined later',
      code: 'FROM builder\nRUN true\nFROM golang AS builder\n',
      errors: [
        {
          messageId: 'laterStage', line: 1, column: 6, endLine: 1, endColumn: 13,
          message: "'builder' is the name of a stage defined later (line 3); FROM only sees earlier stages, so this pulls an image named 'builder'.",
        },
      ],
      output: null,
    },
    {
      name: 'part of a stage name',
      code: 'FROM alpine AS test-base\nFROM base\n',
      errors: [
        {
          messageId: 'unknownStage', line: 2, column: 6, endLine: 2, endColumn: 10,
          message: "'base' names no earlier stage and looks like a misspelling of stage 'test-base'; as written, it pulls an image named 'base'.",
          suggestions: [{ title: "Replace with 'test-base'", output: 'FROM alpine AS test-base\nFROM test-base\n' }],
        },
      ],
    },
    {
      name: 'a misspelling through a default ARG (no suggestion to rewrite the variable)',
      code: 'ARG BASE=buidler\nFROM golang AS builder\nFROM ${BASE}\n',
      errors: [{ messageId: 'unknownStage', line: 3, column: 6, endLine: 3, endColumn: 13 }],
    },
    {
      name: 'a misspelling, suggesting the lower-cased name',
      code: 'FROM golang AS Builder\nFROM buidler\n',
      errors: [
        {
          messageId: 'unknownStage', line: 2, column: 6, endLine: 2, endColumn: 13,
          suggestions: [{ title: "Replace with 'builder'", output: 'FROM golang AS Builder\nFROM builder\n' }],
        },
      ],
    },
    {
      name: 'different case',
      code: 'FROM golang AS build\nFROM Build\n',
      errors: [
        {
          messageId: 'caseMismatch', line: 2, column: 6, endLine: 2, endColumn: 11,
          message: "'Build' does not match stage 'build': FROM compares stage names case-sensitively, so this is read as an image name.",
        },
      ],
      output: 'FROM golang AS build\nFROM build\n',
    },
  ],
});
