import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { Range } from '@stowage/core';
import type { PathSetting, Setting } from './model.js';

/** A context that is not a folder on disk: a git or https URL, or `-` (stdin). */
export function isRemoteContext(value: string): boolean {
  return (
    value === '-' ||
    /^(?:https?|git|ssh):\/\//.test(value) ||
    /^git@/.test(value) ||
    /^github\.com\//.test(value) ||
    /\.git(?:#.*)?$/.test(value) ||
    /^docker-image:\/\//.test(value) ||
    /^target:/.test(value)
  );
}

export function uniq(paths: string[]): string[] {
  return [...new Set(paths)];
}

/** Resolves a path value against base folders (candidates), or none when it is unresolved. */
export function resolveAgainst(value: string, bases: string[], unresolved: boolean): string[] {
  if (unresolved || value === '') return unresolved ? [] : bases.slice();
  if (isAbsolute(value)) return [resolve(value)];
  return uniq(bases.map((b) => resolve(b, value)));
}

/** Builds a context PathSetting from an explicit setting, or the default `.` at `defaultRange`. */
export function contextSetting(s: Setting | null, bases: string[], defaultRange: Range, defaultValue = '.'): PathSetting {
  if (s === null) {
    const candidates = resolveAgainst(defaultValue, bases, false);
    return {
      raw: '',
      value: defaultValue,
      range: defaultRange,
      keyRange: null,
      unresolved: [],
      path: candidates[0] ?? null,
      candidates,
      defaulted: true,
    };
  }
  if (isRemoteContext(s.value)) return { ...s, path: null, candidates: [], defaulted: false, remote: true };
  const candidates = resolveAgainst(s.value, bases, s.unresolved.length > 0);
  return { ...s, path: candidates[0] ?? null, candidates, defaulted: false };
}

/**
 * Builds a dockerfile PathSetting: explicit (resolved against `bases`) or the default
 * `<context>/Dockerfile`.
 */
export function dockerfileSetting(s: Setting | null, context: PathSetting, bases: string[], defaultRange: Range): PathSetting {
  if (s === null) {
    if (context.remote) {
      return { raw: '', value: 'Dockerfile', range: defaultRange, keyRange: null, unresolved: [], path: null, candidates: [], defaulted: true, remote: true };
    }
    const candidates = context.candidates.map((c) => join(c, 'Dockerfile'));
    return {
      raw: '',
      value: 'Dockerfile',
      range: defaultRange,
      keyRange: null,
      unresolved: context.unresolved.slice(),
      path: candidates[0] ?? null,
      candidates,
      defaulted: true,
    };
  }
  if (s.value === '-' || context.value === '-') return { ...s, path: null, candidates: [], defaulted: false, remote: true };
  if (context.remote && !isAbsolute(s.value)) return { ...s, path: null, candidates: [], defaulted: false, remote: true };
  const candidates = resolveAgainst(s.value, bases, s.unresolved.length > 0);
  return { ...s, path: candidates[0] ?? null, candidates, defaulted: false };
}

/** The repository root of a workflow file: the folder above `.github/workflows/`. */
export function workflowRoot(path: string): string {
  const marker = `${sep}.github${sep}workflows${sep}`;
  const i = path.lastIndexOf(marker);
  return i >= 0 ? path.slice(0, i) || sep : dirname(path);
}
