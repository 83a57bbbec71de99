import { RuleTester } from '@stowage/core';
import { beforeAll, describe, it } from 'vitest';
import rule from './rule.js';

const tester = new RuleTester({ describe, it, beforeAll });
const run = (line: string) => `FROM alpine\n${line}\n`;

tester.run(rule, {
  valid: [
    'FROM --platform=$BUILDPLATFORM golang AS build\n',
    run('COPY --from=build --chown=app:app --chmod=0755 --link --parents --exclude=*.md --exclude=*.txt . /app'),
    run('COPY --link=false a b'),
    run('ADD --chown=1 --chmod=644 --link=TRUE --keep-git-dir --checksum=sha256:abc --exclude=x --unpack=true https://x/a.tgz /a'),
    run('RUN --mount=type=cache,target=/root/.cache,id=pip,sharing=locked,mode=0755,uid=1000,gid=1000 --mount=type=secret,id=tok,env=TOKEN,required --network=none --security=insecure --device=gpu true'),
    run('RUN --mount=type=bind,from=build,source=/app,target=/app,rw --mount=type=tmpfs,target=/tmp,size=64m --mount=type=ssh,required=true true'),
    run('RUN --mount=target=/src,ro true'),
    run('RUN --mount=type=$TYPE,id=x,target=/x true'),
    run('RUN --mount=type=cache,target=/x,uid=$UID true'),
    run('RUN -- --not-a-flag'),
    run('HEALTHCHECK --interval=30s --timeout=1m30s --start-period=500ms --start-interval=5s --retries=3 CMD true'),
    run('HEALTHCHECK --interval=oops NONE'),
    run('CMD ["--help"]'),
    run('CMD echo --help'),
    run('ARG --ignored=1 X'),
    run('RUN --network="none" true'),
  ],
  invalid: [
    {
      name: 'a misspelt flag',
      code: run('COPY --chwon=app . /app'),
      errors: [
        {
          messageId: 'unknownFlagSuggest', line: 2, column: 8, endLine: 2, endColumn: 13,
          message: 'COPY has no flag `--chwon`, so the build fails; did you mean `--chown`?',
          suggestions: [{ title: 'Replace with `--chown`', output: run('COPY --chown=app . /app') }],
        },
      ],
      output: null,
    },
    {
      name: 'an unknown flag',
      code: run('COPY --user=me . /app'),
      errors: [
        {
          messageId: 'unknownFlag', line: 2, column: 6, endLine: 2, endColumn: 15,
          message: 'COPY has no flag `--user`, so the build fails; it accepts `--from`, `--chown`, `--chmod`, `--link`, `--parents`, `--exclude`.',
        },
      ],
    },
    {
      name: 'a flag of another instruction',
      code: run('ADD --from=build /a /a'),
      errors: [{ messageId: 'wrongInstruction', line: 2, column: 5, endLine: 2, endColumn: 17, message: '`--from` is a flag of COPY, not of ADD; the build fails.' }],
    },
    {
      name: 'a colon instead of =',
      code: run('COPY --from:build /a /a'),
      errors: [{ messageId: 'malformed', line: 2, column: 6, endLine: 2, endColumn: 18, message: '`--from:build` is not valid flag syntax: the value follows `=`, as in `--from=build`.' }],
      output: run('COPY --from=build /a /a'),
    },
    {
      name: 'a colon and then a space: no fix, which would leave --from empty',
      code: run('COPY --from: build /a /a'),
      errors: [{ messageId: 'malformedNoValue', line: 2, column: 6, endLine: 2, endColumn: 13, message: '`--from:` is not valid flag syntax: the value follows `=` with no space, as in `--from=<value>`.' }],
    },
    {
      name: 'upper-case flag name',
      code: run('COPY --FROM=build /a /a'),
      errors: [{ messageId: 'flagCase', line: 2, column: 8, endLine: 2, endColumn: 12 }],
      output: run('COPY --from=build /a /a'),
    },
    {
      name: 'a value flag without a value',
      code: run('COPY --from build /a /a'),
      errors: [{ messageId: 'missingValue', line: 2, column: 6, endLine: 2, endColumn: 12, message: '`--from` needs a value, written `--from=<value>`.' }],
    },
    {
      name: 'an empty value that the build reads as no flag',
      code: 'FROM alpine AS build\nFROM --platform= alpine\nCOPY --from= /a /b\nCOPY --chown= --chmod="" a b\n',
      errors: [
        { messageId: 'emptyValue', line: 2, column: 6, endLine: 2, endColumn: 17, message: '`--platform=` is empty, which the build reads as no `--platform` at all; give it a value or remove it.' },
        { messageId: 'emptyFrom', line: 3, column: 6, endLine: 3, endColumn: 13, message: '`--from=` is empty, so this copies from the build context, as without the flag; name the stage or image to copy from.' },
        { messageId: 'emptyValue', line: 4, column: 6, endLine: 4, endColumn: 14 },
        { messageId: 'emptyValue', line: 4, column: 15, endLine: 4, endColumn: 25 },
      ],
    },
    {
      name: 'a bad boolean',
      code: run('COPY --link=yes a b\nCOPY --link= a b'),
      errors: [
        { messageId: 'invalidBool', line: 2, column: 13, endLine: 2, endColumn: 16 },
        { messageId: 'invalidBool', line: 3, column: 6, endLine: 3, endColumn: 13, message: "`--link` takes `true` or `false` (or no value), not ''." },
      ],
    },
    {
      name: 'a repeated flag',
      code: run('COPY --chown=a --chown=b x y'),
      errors: [{ messageId: 'duplicateFlag', line: 2, column: 16, endLine: 2, endColumn: 25 }],
    },
    {
      name: 'flags on an instruction that takes none',
      code: run('WORKDIR --parents /app\nCMD --help'),
      errors: [
        { messageId: 'noFlags', line: 2, column: 9, endLine: 2, endColumn: 18, message: 'WORKDIR takes no flags; the build fails on `--parents`.' },
        { messageId: 'noFlags', line: 3, column: 5, endLine: 3, endColumn: 11 },
      ],
    },
    {
      name: 'network and security values',
      code: run('RUN --network=hots --security=unsafe true'),
      errors: [
        { messageId: 'invalidValue', line: 2, column: 15, endLine: 2, endColumn: 19, message: '`--network=hots` is not valid; use one of `default`, `none`, `host`.' },
        { messageId: 'invalidValue', line: 2, column: 31, endLine: 2, endColumn: 37 },
      ],
    },
    {
      name: 'healthcheck durations and retries',
      code: run('HEALTHCHECK --interval=30 --retries=-1 CMD true'),
      errors: [
        { messageId: 'invalidDuration', line: 2, column: 24, endLine: 2, endColumn: 26, message: '`--interval=30` is not a duration; give it a unit, such as `30s` or `1m30s`.' },
        { messageId: 'invalidRetries', line: 2, column: 37, endLine: 2, endColumn: 39 },
      ],
    },
    {
      name: 'an unknown mount type',
      code: run('RUN --mount=type=cahce,target=/x true'),
      errors: [
        {
          messageId: 'unknownMountType', line: 2, column: 18, endLine: 2, endColumn: 23,
          suggestions: [{ title: "Replace with 'cache'", output: run('RUN --mount=type=cache,target=/x true') }],
        },
      ],
    },
    {
      name: 'unknown mount options',
      code: run('RUN --mount=type=cache,traget=/x,foo=1 true'),
      errors: [
        {
          messageId: 'unknownMountOptionSuggest', line: 2, column: 24, endLine: 2, endColumn: 30,
          suggestions: [{ output: run('RUN --mount=type=cache,target=/x,foo=1 true') }],
        },
        { messageId: 'unknownMountOption', line: 2, column: 34, endLine: 2, endColumn: 39 },
      ],
    },
    {
      name: 'a Buildah mount option',
      code: run('RUN --mount=type=bind,target=/x,z true'),
      errors: [{ messageId: 'buildahMountOption', line: 2, column: 33, endLine: 2, endColumn: 34 }],
    },
    {
      name: 'options of another mount type',
      code: run('RUN --mount=type=secret,id=x,from=build --mount=type=tmpfs,target=/t,required true'),
      errors: [
        { messageId: 'optionNotForType', line: 2, column: 30, endLine: 2, endColumn: 40, message: "'from' does not apply to secret mounts." },
        { messageId: 'optionNotForType', line: 2, column: 70, endLine: 2, endColumn: 78 },
      ],
    },
    {
      name: 'cache options without type=cache',
      code: run('RUN --mount=target=/root/.cache,id=pip true'),
      errors: [
        {
          messageId: 'cacheOptionOnBind', line: 2, column: 33, endLine: 2, endColumn: 39,
          message: "'id' does not apply to bind mounts, the default type; add `type=cache` if this is meant to be a cache mount.",
        },
      ],
    },
    {
      name: 'mount option values',
      code: run('RUN --mount=type=cache,target=/x,sharing=lockd,uid=app,mode=755x,target2 true'),
      errors: [
        { messageId: 'invalidOptionValue', line: 2, column: 42, endLine: 2, endColumn: 47, suggestions: [{ output: run('RUN --mount=type=cache,target=/x,sharing=locked,uid=app,mode=755x,target2 true') }] },
        { messageId: 'invalidOptionValue', line: 2, column: 52, endLine: 2, endColumn: 55 },
        { messageId: 'invalidOptionValue', line: 2, column: 61, endLine: 2, endColumn: 65 },
        { messageId: 'unknownMountOptionSuggest', line: 2, column: 66, endLine: 2, endColumn: 73, suggestions: [{ output: run('RUN --mount=type=cache,target=/x,sharing=lockd,uid=app,mode=755x,target true') }] },
      ],
    },
    {
      name: 'a mount option without its value',
      code: run('RUN --mount=type=cache,target true'),
      errors: [{ messageId: 'optionNeedsValue', line: 2, column: 24, endLine: 2, endColumn: 30 }],
    },
  ],
});
